/** The payout rows every part of `npm run bench` sends, and the bytes the node signs for one. */
import type { IDataObject } from 'n8n-workflow';

import { buildPayoutBody } from '../nodes/AliKassa/core/payoutBody';
import { phpJsonEncode } from '../nodes/AliKassa/core/phpJson';
import { formatCents } from '../sandbox/money';

export interface PayoutRow extends IDataObject {
	amount: string;
	number: string;
	order_id: string;
	service: string;
}

/** Amounts from 10.00 to 99.99, so 10 000 payouts stay within the sandbox's balance. */
export function payoutRows(count: number, label: string): PayoutRow[] {
	return Array.from({ length: count }, (_, index) => ({
		amount: formatCents(1000 + ((index * 7919) % 9000)),
		number: '4111111111111111',
		order_id: `bench-${label}-${String(index).padStart(5, '0')}`,
		service: 'payment_card_rub',
	}));
}

/** The bytes the node signs and sends for a row. */
export function signedBodyOf(row: PayoutRow): string {
	return phpJsonEncode(
		buildPayoutBody({
			amount: row.amount,
			number: row.number,
			orderId: row.order_id,
			service: row.service,
		}),
	);
}

/** The rows as a CSV file, in the columns of examples/payouts.csv that the node reads. */
export function payoutCsv(rows: readonly PayoutRow[]): string {
	const columns = ['order_id', 'amount', 'service', 'number'] as const;
	const lines = rows.map((row) => columns.map((column) => row[column]).join(','));
	return [columns.join(','), ...lines].join('\n') + '\n';
}
