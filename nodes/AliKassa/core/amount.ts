export const MAX_AMOUNT = '999999999.99';

/** An amount as AliKassa takes it, or why the value is not one (said without rounding it). */
export type AmountReading = { amount: string } | { problem: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function describe(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : String(value);
}

function amountText(value: unknown): AmountReading {
	if (typeof value === 'number') {
		return Number.isFinite(value)
			? { amount: String(value) }
			: { problem: `Amount ${value} is not a number` };
	}
	if (typeof value === 'string') return { amount: value.trim() };
	return {
		problem:
			value === undefined || value === null || value === ''
				? 'Amount is empty'
				: `Amount must be a number such as 500 or "1000.44", got ${describe(value)}`,
	};
}

/**
 * The amount as AliKassa's integrations send it: a string with exactly two decimals.
 * Accepts a number or a numeric text with a dot (as a CSV or a sheet gives it); money is
 * never rounded, so a third significant decimal is a problem, not a rounding.
 */
export function readAmount(value: unknown): AmountReading {
	const read = amountText(value);
	if ('problem' in read) return read;
	const text = read.amount;
	if (text === '') return { problem: 'Amount is empty' };
	if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) || /^\d+,\d+$/.test(text)) {
		return {
			problem: `Amount ${describe(value)} uses a comma; write it with a dot as the decimal separator and no thousands separators, such as 1000.44`,
		};
	}
	const match = DECIMAL.exec(text);
	if (!match) {
		return {
			problem: `Amount ${describe(value)} is not a positive decimal number such as 1000.44`,
		};
	}
	const whole = match[1].replace(/^0+(?=\d)/, '');
	const fraction = (match[2] ?? '').replace(/0+$/, '');
	if (fraction.length > 2) {
		return {
			problem: `Amount ${describe(value)} has more than 2 decimals; AliKassa takes kopecks/cents at most and the node never rounds money`,
		};
	}
	const formatted = `${whole}.${fraction.padEnd(2, '0')}`;
	if (/^0\.00$/.test(formatted))
		return { problem: `Amount must be above 0, got ${describe(value)}` };
	if (whole.length > 9) {
		return { problem: `Amount ${describe(value)} is above the maximum of ${MAX_AMOUNT}` };
	}
	return { amount: formatted };
}
