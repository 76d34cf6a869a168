import { readAmount } from './amount';

/** What the payout body says that an existing payout must match to be the same payout. */
export interface IntendedPayout {
	amount: string;
	service: string;
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
