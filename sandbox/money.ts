/** Money is kept in integer cents: balances are added to and taken from, never rounded. */
export const DECIMAL_AMOUNT = /^\d+(\.\d{1,2})?$/;

export function centsOf(decimalText: string): number {
	if (!DECIMAL_AMOUNT.test(decimalText)) {
		throw new Error(`"${decimalText}" is not an amount with at most 2 decimals`);
	}
	const [whole, fraction = ''] = decimalText.split('.');
	return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function formatCents(cents: number): string {
	const sign = cents < 0 ? '-' : '';
	const magnitude = Math.abs(cents);
	return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}
