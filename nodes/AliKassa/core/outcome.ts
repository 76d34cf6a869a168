/**
 * What happened at AliKassa to one payout. Every Create Payout row ends in exactly one of these;
 * the two failures name the money outcome in their first words, which is all n8n keeps of an
 * error on the error output and what workflows route on.
 */
export type PayoutOutcome = PaidOutcome | UnpaidOutcome;

export type PaidOutcome =
	/** `recovered`: a send's answer was lost, and the payout was found by its order_id. */
	| { kind: 'created'; id: number; paymentStatus: string; recovered: boolean }
	/** AliKassa already had this payout under this order_id, made by an earlier run. */
	| { kind: 'alreadyCreated'; id: number; paymentStatus: string };

export type UnpaidOutcome =
	/** AliKassa refused it, or a lookup proved it has no such payout. */
	| { kind: 'notPaid'; reason: string; description?: string; cause?: unknown }
	/** AliKassa may or may not have taken it: check before paying again. */
	| { kind: 'outcomeUnknown'; reason: string; description?: string; cause?: unknown };

const FIRST_WORDS: Record<UnpaidOutcome['kind'], string> = {
	notPaid: 'Not paid',
	outcomeUnknown: 'Outcome unknown',
};

export function isPaid(outcome: PayoutOutcome): outcome is PaidOutcome {
	return outcome.kind === 'created' || outcome.kind === 'alreadyCreated';
}

/** "Not paid: Order ID "A-1": AliKassa refused …" */
export function outcomeMessage(outcome: UnpaidOutcome, orderId: string | undefined): string {
	const whose = orderId === undefined ? '' : `Order ID "${orderId}": `;
	const message = `${FIRST_WORDS[outcome.kind]}: ${whose}${outcome.reason}`;
	if (outcome.kind === 'notPaid') return message;
	return `${message}. AliKassa may have taken it: check before paying again (Get Payout Status by this order ID, or run the same batch again, which finds it).`;
}

/** The fields of a paid row, under the names workflows route on. */
export function paidFields(outcome: PaidOutcome): Record<string, string | number | boolean> {
	const fields = { id: outcome.id, payment_status: outcome.paymentStatus };
	if (outcome.kind === 'alreadyCreated') return { ...fields, alreadyCreated: true };
	return outcome.recovered ? { ...fields, recovered: true } : fields;
}
