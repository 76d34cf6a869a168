import { readAmount } from './amount';

/** What the payout body says that an existing payout must match to be the same payout. */
export interface IntendedPayout {
	amount: string;
	service: string;
	number: string;
}

function sameAmount(existing: unknown, intended: string): boolean {
	const read = readAmount(typeof existing === 'string' ? existing : Number(existing));
	return 'amount' in read && read.amount === intended;
}

/**
 * Why the payout AliKassa has under an order_id is not the one intended, or undefined when it
 * is: same amount, and same service where AliKassa's status answer carries `service_code`.
 * An older payout that reused the order_id must never pass for this one.
 */
export function payoutDifference(
	existing: Record<string, unknown>,
	intended: IntendedPayout,
): string | undefined {
	const differences: string[] = [];
	if (!sameAmount(existing.amount, intended.amount)) {
		differences.push(`amount ${String(existing.amount)}, not ${intended.amount}`);
	}
	const service = existing.service_code;
	if (service !== undefined && service !== null && service !== intended.service) {
		differences.push(`service ${String(service)}, not ${intended.service}`);
	}
	return differences.length === 0 ? undefined : differences.join(', ');
}

/** "411111******1111" (or a phone's "7900*****55"): the digits AliKassa shows, and where. */
const MASK = /^(\d*)\*+(\d*)$/;

/**
 * The recipient mask of the payout AliKassa has under an order_id when it contradicts the
 * intended number, or undefined when it agrees or cannot tell (no mask, or either one is not
 * digits): the visible digits must be the number's first and last digits.
 */
export function otherRecipient(
	existing: Record<string, unknown>,
	intended: IntendedPayout,
): string | undefined {
	const mask = existing.card_mask;
	if (typeof mask !== 'string' || !/^\d+$/.test(intended.number)) return undefined;
	if (/^\d+$/.test(mask)) return mask === intended.number ? undefined : mask;
	const visible = MASK.exec(mask);
	if (visible === null) return undefined;
	const [, first, last] = visible;
	const agrees =
		first.length + last.length <= intended.number.length &&
		intended.number.startsWith(first) &&
		intended.number.endsWith(last);
	return agrees ? undefined : mask;
}
