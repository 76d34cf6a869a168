/**
 * A local emulator of AliKassa's merchant API for payouts: it checks the Account header and the
 * Sign over the raw body, validates like AliKassa's Laravel app, keeps balances, turns payouts
 * final, sends signed notifications and can fail on purpose. Part of the repo, not the package.
 */
import { createPublicKey } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import type { AddressInfo, Socket } from 'net';
import { TLSSocket } from 'tls';
import { defaultAccountInfo, patchedAccountInfo } from './accountInfo';
import { answerControlRequest, CONTROL_PREFIX, type ControlTarget } from './control';
import {
	DEFAULT_RANDOM_FAULT_KINDS,
	FAULT_KINDS,
	faultAnswer,
	FaultPlan,
	type ActiveFault,
} from './faults';
import { jsonAnswer, normalizePath, readBody, send, type Answer } from './http';
import { notificationsPrivateKey, readCertFile, readTlsFile, verifiedHash } from './keys';
import { FIRST_PAYOUT_ID, Ledger, type LedgerAccount } from './ledger';
import { answerApiRequest, type ApiRequest } from './merchantApi';
import { centsOf } from './money';
import { Notifier } from './notifier';
import { Timers } from './timers';
import type {
	AccountInfoPatch,
	ConnectionCounts,
	Fault,
	FinalStatus,
	RecordedRequest,
	Sandbox,
	SandboxAccount,
	SandboxAccountInfo,
	SandboxOptions,
	SandboxPayout,
	SentNotification,
} from './types';

export type {
	AccountInfoPatch,
	ConnectionCounts,
	Fault,
	FaultKind,
	FinalStatus,
	RecordedRequest,
	Sandbox,
	SandboxAccount,
	SandboxOptions,
	SandboxPayout,
	SentNotification,
} from './types';
export { sandboxCertDir, sandboxCaFile } from './keys';
export { PAYOUT_SERVICES } from './accountInfo';

/** The account of the documentation's PHP sample; RUB. */
export const SANDBOX_ACCOUNT_ID = '93d5df06-996c-48c3-9847-348d6b580b80';
/** Same payout key; EUR, so payouts need the `extra` card details. */
export const SANDBOX_EUR_ACCOUNT_ID = '5c4a7d3e-0b1f-4e7a-9d2c-3f6b8a1e2d40';

const DEFAULT_BALANCE = '1000000.00';
const FINAL_STATUSES: readonly FinalStatus[] = ['paid', 'cancel', 'fail'];

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	checkOptions(options);
	const sandbox = new LocalSandbox(options);
	await sandbox.listen(options.port ?? 0, options.host ?? '127.0.0.1');
	return sandbox;
}

function checkOptions(options: SandboxOptions): void {
	const isDuration = (value: number | undefined) => value === undefined || value >= 0;
	const checks: Array<[boolean, string]> = [
		[isDuration(options.latencyMs), 'latencyMs must be 0 or more'],
		[isDuration(options.finalAfterMs), 'finalAfterMs must be 0 or more'],
		[
			options.firstPayoutId === undefined ||
				(Number.isSafeInteger(options.firstPayoutId) && options.firstPayoutId > 0),
			'firstPayoutId must be a whole number above 0',
		],
		[
			options.faultRate === undefined || (options.faultRate >= 0 && options.faultRate <= 1),
			'faultRate must be between 0 and 1',
		],
		[
			options.finalStatus === undefined || FINAL_STATUSES.includes(options.finalStatus),
			`finalStatus must be one of ${FINAL_STATUSES.join(', ')}`,
		],
		[
			(options.faultKinds ?? []).every((kind) => FAULT_KINDS.includes(kind)),
			`faultKinds must be among ${FAULT_KINDS.join(', ')}`,
		],
	];
	const failed = checks.find(([passes]) => !passes);
	if (failed !== undefined) throw new Error(`AliKassa sandbox: ${failed[1]}`);
}

function defaultAccounts(): SandboxAccount[] {
	const publicKeyPem = readCertFile('payout', 'public.pem');
	return [
		{ id: SANDBOX_ACCOUNT_ID, publicKeyPem, currency: 'RUB', balance: DEFAULT_BALANCE },
		{ id: SANDBOX_EUR_ACCOUNT_ID, publicKeyPem, currency: 'EUR', balance: DEFAULT_BALANCE },
	];
}

function ledgerAccount(account: SandboxAccount, sharedInfo: AccountInfoPatch): LedgerAccount {
	const openingCents = centsOf(account.balance);
	const openingInfo = patchedAccountInfo(
		defaultAccountInfo(account.currency),
		account.info ?? sharedInfo,
	);
	return {
		id: account.id,
		currency: account.currency,
		publicKey: createPublicKey(account.publicKeyPem),
		openingCents,
		balanceCents: openingCents,
		openingInfo,
		info: structuredClone(openingInfo),
	};
}

function header(request: IncomingMessage, name: string): string | null {
	const value = request.headers[name];
	return typeof value === 'string' ? value : null;
}

class LocalSandbox implements Sandbox {
	url = '';
	readonly accountId: string;
	readonly requests: RecordedRequest[] = [];
	private readonly server: Server;
	private readonly ledger: Ledger;
	private readonly notifier: Notifier;
	private readonly faults: FaultPlan;
	private readonly control: ControlTarget;
	/** Reset drops the payout timers; answer delays keep running so no request is left hanging. */
	private readonly payoutTimers = new Timers();
	private readonly answerTimers = new Timers();
	private readonly latencyMs: number;
	private readonly log: (line: string) => void;
	private readonly scheme: 'http' | 'https';
	private readonly counts: Omit<ConnectionCounts, 'requests'> = {
		tcp: 0,
		tlsHandshakes: 0,
		tlsResumed: 0,
	};
	private readonly apiSockets = new WeakSet<Socket>();

	constructor(options: SandboxOptions) {
		this.log = options.quiet ? () => undefined : (line) => process.stdout.write(`${line}\n`);
		const accounts = (options.accounts ?? defaultAccounts()).map((account) =>
			ledgerAccount(account, options.accountInfo ?? {}),
		);
		if (accounts.length === 0) throw new Error('AliKassa sandbox: at least one account is needed');
		this.accountId = accounts[0].id;
		this.latencyMs = options.latencyMs ?? 0;
		this.notifier = new Notifier(notificationsPrivateKey(), this.log);
		this.ledger = new Ledger(
			accounts,
			{
				finalStatus: options.finalStatus ?? 'paid',
				finalAfterMs: options.finalAfterMs ?? 2000,
				firstPayoutId: options.firstPayoutId ?? FIRST_PAYOUT_ID,
			},
			this.payoutTimers,
			(entry) => this.notifier.notify(entry.payout),
		);
		this.faults = new FaultPlan({
			rate: options.faultRate ?? 0,
			kinds: options.faultKinds ?? DEFAULT_RANDOM_FAULT_KINDS,
			seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
		});
		this.control = {
			sandbox: this,
			accounts: () => this.ledger.listAccounts().map(({ id, currency }) => ({ id, currency })),
		};
		this.scheme = options.tls ? 'https' : 'http';
		this.server = this.createServer(options.tls ?? false);
	}

	private createServer(tls: boolean): Server {
		const handler = (request: IncomingMessage, response: ServerResponse) =>
			void this.handle(request, response);
		const server = tls
			? createHttpsServer(
					{ key: readTlsFile('server-key.pem'), cert: readTlsFile('server.pem') },
					handler,
				)
			: createServer(handler);
		return server;
	}

	/**
	 * Counts a connection when it carries its first API request, so that the control API's own
	 * calls (which read these counts) stay out of them.
	 */
	private countConnection(socket: Socket): void {
		if (this.apiSockets.has(socket)) return;
		this.apiSockets.add(socket);
		this.counts.tcp++;
		if (socket instanceof TLSSocket) {
			this.counts.tlsHandshakes++;
			if (socket.isSessionReused()) this.counts.tlsResumed++;
		}
	}

	get notifications(): SentNotification[] {
		return this.notifier.sent;
	}

	listen(port: number, host: string): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				this.server.off('error', reject);
				const { port: boundPort } = this.server.address() as AddressInfo;
				this.url = `${this.scheme}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
				resolve();
			});
		});
	}

	payouts(): SandboxPayout[] {
		return this.ledger.snapshot();
	}

	connections(): ConnectionCounts {
		return { ...this.counts, requests: this.requests.length };
	}

	injectFault(fault: Fault): void {
		this.faults.inject(fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	accountInfo(accountId: string): SandboxAccountInfo {
		return structuredClone(this.knownAccount(accountId).info);
	}

	setAccountInfo(accountId: string, patch: AccountInfoPatch): void {
		const account = this.knownAccount(accountId);
		account.info = patchedAccountInfo(account.info, patch);
	}

	private knownAccount(accountId: string): LedgerAccount {
		const account = this.ledger.listAccounts().find(({ id }) => id === accountId);
		if (account === undefined) throw new Error(`AliKassa sandbox: no account ${accountId}`);
		return account;
	}

	finalize(payoutId: number, status?: FinalStatus): Promise<void> {
		return this.ledger.finalize(payoutId, status);
	}

	/** Empties the arrays in place, so references taken before stay live. */
	reset(): void {
		this.requests.length = 0;
		this.notifier.sent.length = 0;
		this.ledger.reset();
		this.faults.reset();
		// apiSockets stays: a connection opened before the reset is not a new one after it.
		Object.assign(this.counts, { tcp: 0, tlsHandshakes: 0, tlsResumed: 0 });
	}

	/** Ends hung requests, delays and notifications too: nothing may keep the process alive. */
	close(): Promise<void> {
		this.payoutTimers.clear();
		this.answerTimers.clear();
		this.notifier.abortAll();
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		try {
			const body = await readBody(request);
			const path = normalizePath(new URL(request.url ?? '/', 'http://sandbox').pathname);
			const method = request.method ?? 'GET';
			if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
				send(response, await answerControlRequest(this.control, method, path, body));
			} else {
				await this.handleApi(request, response, this.apiRequest(request, method, path, body));
			}
		} catch (error) {
			process.stderr.write(`AliKassa sandbox: ${error instanceof Error ? error.stack : error}\n`);
			if (!response.headersSent && !response.destroyed) {
				send(response, jsonAnswer(500, { message: 'The sandbox failed; see its output.' }));
			}
		}
	}

	private apiRequest(
		request: IncomingMessage,
		method: string,
		path: string,
		body: Buffer,
	): ApiRequest {
		const accountId = header(request, 'account');
		const account = this.ledger.account(accountId);
		const sign = header(request, 'sign');
		return {
			method,
			path,
			accountId,
			account,
			sign,
			signatureHash: account && sign !== null ? verifiedHash(account.publicKey, body, sign) : null,
			contentType: header(request, 'content-type'),
			body,
		};
	}

	private async handleApi(
		request: IncomingMessage,
		response: ServerResponse,
		apiRequest: ApiRequest,
	): Promise<void> {
		this.countConnection(request.socket);
		const record = this.record(apiRequest);
		const fault = this.faults.pick(apiRequest.path);
		record.fault = fault?.kind ?? null;
		await this.answerTimers.sleep(this.latencyMs);
		record.status = await this.answerThrough(fault, request, response, () =>
			answerApiRequest(this.ledger, apiRequest),
		);
		this.logRequest(record, fault);
	}

	private record(apiRequest: ApiRequest): RecordedRequest {
		const record: RecordedRequest = {
			at: new Date().toISOString(),
			method: apiRequest.method,
			path: apiRequest.path,
			account: apiRequest.accountId,
			sign: apiRequest.sign,
			contentType: apiRequest.contentType,
			body: apiRequest.body.toString('utf8'),
			signatureValid: apiRequest.signatureHash !== null,
			signatureHash: apiRequest.signatureHash,
			status: null,
			fault: null,
		};
		this.requests.push(record);
		return record;
	}

	/** The status sent, or null when a fault left the request without an HTTP answer. */
	private async answerThrough(
		fault: ActiveFault | null,
		request: IncomingMessage,
		response: ServerResponse,
		processRequest: () => Answer,
	): Promise<number | null> {
		const strikeAt = async (when: ActiveFault['when']) =>
			fault?.when === when ? this.strike(fault, request) : undefined;
		const early = await strikeAt('before');
		if (early !== undefined) return this.deliver(response, early);
		const answer = processRequest();
		const late = await strikeAt('after');
		return this.deliver(response, late === undefined ? answer : late);
	}

	/** What the fault answers instead: null for no answer at all, undefined to answer normally. */
	private async strike(
		fault: ActiveFault,
		request: IncomingMessage,
	): Promise<Answer | null | undefined> {
		switch (fault.kind) {
			case 'latency':
				await this.answerTimers.sleep(fault.delayMs);
				return undefined;
			case 'timeout':
				// The socket stays open until the client gives up or close() ends it.
				return null;
			case 'reset':
				request.socket.resetAndDestroy();
				return null;
			default:
				return faultAnswer(fault.kind, fault);
		}
	}

	private deliver(response: ServerResponse, answer: Answer | null): number | null {
		if (answer === null) return null;
		send(response, answer);
		return answer.status;
	}

	/** The Sign value is left out: the log may end up in a ticket or a chat. */
	private logRequest(record: RecordedRequest, fault: ActiveFault | null): void {
		const signature =
			record.sign === null
				? 'no sign'
				: record.signatureHash
					? `sign ok (${record.signatureHash})`
					: 'sign bad';
		const faultNote = fault === null ? '' : `, fault ${fault.kind} (${fault.when})`;
		this.log(
			`${record.method} ${record.path} → ${record.status ?? 'no answer'}, ${signature}${faultNote}`,
		);
	}
}
