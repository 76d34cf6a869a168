/** Statuses AliKassa documents; only `wait` is not final. */
export const FINAL_STATUSES = ['paid', 'cancel', 'fail'] as const;

export function isFinalStatus(status: unknown): boolean {
	return (FINAL_STATUSES as readonly unknown[]).includes(status);
}

/**
 * A status answer names the payout (a positive integer id), its status and its amount; a 2xx
 * answer without them tells nothing about the payout and must never pass for one (the amount is
 * what tells this payout from an older one under the same order_id).
 */
export function isPayoutStatus(answer: Record<string, unknown>): boolean {
	const { id, payment_status: paymentStatus, amount } = answer;
	const hasAmount =
		(typeof amount === 'number' && Number.isFinite(amount)) ||
		(typeof amount === 'string' && amount.trim() !== '' && Number.isFinite(Number(amount)));
	return (
		typeof id === 'number' &&
		Number.isSafeInteger(id) &&
		id > 0 &&
		typeof paymentStatus === 'string' &&
		paymentStatus !== '' &&
		hasAmount
	);
}
