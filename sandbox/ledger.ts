import type { KeyObject } from 'crypto';
import { formatCents } from './money';
import type { Timers } from './timers';
import type { FinalStatus, SandboxAccountInfo, SandboxPayout } from './types';

/** The id of the documentation's sample answer, so the first sandbox payout looks familiar. */
export const FIRST_PAYOUT_ID = 100001524;

export interface LedgerAccount {
	readonly id: string;
	readonly currency: string;
	readonly publicKey: KeyObject;
	readonly openingCents: number;
	balanceCents: number;
	/** What v1/account/info answers; reset() brings back the opening one */
	readonly openingInfo: SandboxAccountInfo;
	info: SandboxAccountInfo;
}

export interface LedgerEntry {
	payout: SandboxPayout;
	account: LedgerAccount;
	amountCents: number;
	balanceBeforeCents: number;
	balanceAfterCents: number;
}

export interface NewPayout {
	orderId: string;
	amountCents: number;
	number: string;
	service: string;
	notificationUrl: string | null;
	body: Record<string, unknown>;
}

export interface LedgerSettings {
	finalStatus: FinalStatus;
	finalAfterMs: number;
	firstPayoutId: number;
}

/**
 * Magic recipient numbers, so a workflow's failure branches can be tried without fault
 * injection: the final status follows the number's last four digits.
 */
const MAGIC_ENDINGS: ReadonlyArray<[string, FinalStatus]> = [
	['0002', 'fail'],
	['0010', 'cancel'],
];

export function automaticFinalStatus(number: string, configured: FinalStatus): FinalStatus {
	return MAGIC_ENDINGS.find(([ending]) => number.endsWith(ending))?.[1] ?? configured;
}

/** Accounts and payouts; payouts turn final `finalAfterMs` after creation, by timer or on read. */
export class Ledger {
	private readonly accounts: Map<string, LedgerAccount>;
	private readonly entries: LedgerEntry[] = [];
	private nextId: number;

	constructor(
		accounts: readonly LedgerAccount[],
		private readonly settings: LedgerSettings,
		private readonly timers: Timers,
		private readonly onFinal: (entry: LedgerEntry) => Promise<void>,
	) {
		this.accounts = new Map(accounts.map((account) => [account.id, account]));
		this.nextId = settings.firstPayoutId;
	}

	account(id: string | null): LedgerAccount | undefined {
		return id === null ? undefined : this.accounts.get(id);
	}

	listAccounts(): LedgerAccount[] {
		return [...this.accounts.values()];
	}

	hasOrder(accountId: string, orderId: unknown): boolean {
		return this.entries.some(
			({ payout }) => payout.accountId === accountId && payout.orderId === orderId,
		);
	}

	create(account: LedgerAccount, payout: NewPayout): LedgerEntry {
		const balanceBeforeCents = account.balanceCents;
		account.balanceCents -= payout.amountCents;
		const entry: LedgerEntry = {
			payout: {
				id: this.nextId++,
				accountId: account.id,
				orderId: payout.orderId,
				amount: formatCents(payout.amountCents),
				number: payout.number,
				service: payout.service,
				status: 'wait',
				createdAt: Date.now(),
				notificationUrl: payout.notificationUrl,
				body: payout.body,
			},
			account,
			amountCents: payout.amountCents,
			balanceBeforeCents,
			balanceAfterCents: account.balanceCents,
		};
		this.entries.push(entry);
		this.timers.after(this.settings.finalAfterMs, () => void this.finalize(entry.payout.id));
		return entry;
	}

	/** By id when given, else by order id; only the account's own payouts. */
	find(accountId: string, key: { id?: number; orderId?: string }): LedgerEntry | undefined {
		this.settleDue();
		return this.entries.find(
			({ payout }) =>
				payout.accountId === accountId &&
				(key.id !== undefined ? payout.id === key.id : payout.orderId === key.orderId),
		);
	}

	pendingCents(accountId: string): number {
		this.settleDue();
		return this.entries
			.filter(({ payout }) => payout.accountId === accountId && payout.status === 'wait')
			.reduce((sum, entry) => sum + entry.amountCents, 0);
	}

	snapshot(): SandboxPayout[] {
		this.settleDue();
		return this.entries.map(({ payout }) => ({ ...payout }));
	}

	/** A final payout stays as it is. Resolves once the notification, if any, got its answer. */
	finalize(payoutId: number, status?: FinalStatus): Promise<void> {
		const entry = this.entries.find(({ payout }) => payout.id === payoutId);
		if (!entry) return Promise.reject(new Error(`Payout ${payoutId} not found`));
		if (entry.payout.status !== 'wait') return Promise.resolve();
		entry.payout.status =
			status ?? automaticFinalStatus(entry.payout.number, this.settings.finalStatus);
		if (entry.payout.status !== 'paid') entry.account.balanceCents += entry.amountCents;
		return this.onFinal(entry);
	}

	reset(): void {
		this.timers.clear();
		this.entries.length = 0;
		this.nextId = this.settings.firstPayoutId;
		for (const account of this.accounts.values()) {
			account.balanceCents = account.openingCents;
			account.info = structuredClone(account.openingInfo);
		}
	}

	/** Timers can fire late; a read must already see what the clock says. */
	private settleDue(): void {
		const dueBefore = Date.now() - this.settings.finalAfterMs;
		for (const { payout } of this.entries) {
			if (payout.status === 'wait' && payout.createdAt <= dueBefore) void this.finalize(payout.id);
		}
	}
}
