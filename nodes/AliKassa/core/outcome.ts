/**
 * What happened at AliKassa to one payout. Every Create Payout row ends in exactly one of these;
 * the two failures name the money outcome in their first words, which is all n8n keeps of an
 * error on the error output and what workflows route on.
 */
export type PayoutOutcome = PaidOutcome | UnpaidOutcome;

export type PaidOutcome =
	/** AliKassa answered this run's send with the new payout: made now. */
	| { kind: 'created'; id: number; paymentStatus: string }
	/**
	 * AliKassa refused this run's first send as an already-used order_id, and has this payout
	 * under it: it existed before this run sent anything.
	 */
	| { kind: 'alreadyCreated'; id: number; paymentStatus: string }
	/**
	 * A send of this run met a fault (its answer lost), and a lookup found this payout by its
	 * order_id: made by that send or earlier (another run), which is unknown.
	 */
	| { kind: 'found'; id: number; paymentStatus: string };

export type UnpaidOutcome =
	/** AliKassa refused it, or nothing that was sent can have reached AliKassa. */
	| { kind: 'notPaid'; reason: string; description?: string; cause?: unknown }
	/** AliKassa may or may not have taken it: check before paying again. */
	| { kind: 'outcomeUnknown'; reason: string; description?: string; cause?: unknown };

const FIRST_WORDS: Record<UnpaidOutcome['kind'], string> = {
	notPaid: 'Not paid',
	outcomeUnknown: 'Outcome unknown',
};

export function isPaid(outcome: PayoutOutcome): outcome is PaidOutcome {
	return outcome.kind !== 'notPaid' && outcome.kind !== 'outcomeUnknown';
}

/** "Not paid: Order ID "A-1": AliKassa refused …" */
export function outcomeMessage(outcome: UnpaidOutcome, orderId: string | undefined): string {
	const whose = orderId === undefined ? '' : `Order ID "${orderId}": `;
	const message = `${FIRST_WORDS[outcome.kind]}: ${whose}${outcome.reason}`;
	if (outcome.kind === 'notPaid') return message;
	return `${message}. AliKassa may have taken it: running the same batch again is safe (it finds the payout, or sends it if AliKassa has none); do not pay it by other means before checking (Get Payout Status by this order ID).`;
}

/** The fields of a paid row, under the names workflows route on. */
export function paidFields(outcome: PaidOutcome): Record<string, string | number | boolean> {
	const fields = { id: outcome.id, payment_status: outcome.paymentStatus };
	if (outcome.kind === 'alreadyCreated') return { ...fields, alreadyCreated: true };
	return outcome.kind === 'found' ? { ...fields, found: true } : fields;
}
