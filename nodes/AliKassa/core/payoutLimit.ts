import { readAmount } from './amount';

const inCents = (formatted: string): bigint => BigInt(formatted.replace('.', ''));

/**
 * Why a payout of `amount` must not be made under `maxAmount`, or undefined when it may.
 * `amount` is what the payout would send (a number or a decimal text); one that cannot be
 * read as an exact amount is refused too, since it cannot be checked against the limit.
 */
export function payoutLimitRefusal(
	amount: unknown,
	maxAmount: string | undefined,
): string | undefined {
	if (maxAmount === undefined) return undefined;
	const read = readAmount(amount);
	if ('problem' in read) {
		return `${read.problem}, so it cannot be checked against the Maximum Amount per Payout (${maxAmount}) set in the credential`;
	}
	const formatted = read.amount;
	if (inCents(formatted) <= inCents(maxAmount)) return undefined;
	return `Amount ${formatted} is above the Maximum Amount per Payout (${maxAmount}) set in the credential`;
}
