import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	concurrencyOption,
	optionsCollection,
	orderIdField,
	timeoutOption,
} from '../common.descriptions';
import { readTimeoutMs } from '../options';
import { withOrderId, type PayoutRun } from '../payoutRun';
import type { RunParameters } from '../runParameters';
import { fetchPayoutStatus, type PayoutLookup } from './payoutStatus';

const properties: INodeProperties[] = [
	{
		displayName: 'Look Up By',
		name: 'lookupBy',
		type: 'options',
		options: [
			{
				name: 'AliKassa ID',
				value: 'id',
				description: 'The ID AliKassa returned when the payout was created',
			},
			{ name: 'Order ID', value: 'orderId', description: 'Your own order ID sent with the payout' },
		],
		default: 'id',
	},
	{
		displayName: 'Payout ID',
		name: 'payoutId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '100001524',
		description: 'ID of the payout in AliKassa',
		displayOptions: { show: { lookupBy: ['id'] } },
	},
	orderIdField('Your order ID of the payout', {
		displayOptions: { show: { lookupBy: ['orderId'] } },
	}),
	optionsCollection([concurrencyOption, timeoutOption]),
];

export const description = updateDisplayOptions({ show: { operation: ['getStatus'] } }, properties);

function readLookup(parameters: RunParameters, itemIndex: number): PayoutLookup {
	if (parameters.read('lookupBy', itemIndex) === 'orderId') {
		const orderId = String(parameters.read('orderId', itemIndex) ?? '').trim();
		if (orderId === '') {
			throw new NodeOperationError(parameters.context.getNode(), 'Order ID is empty', {
				itemIndex,
			});
		}
		return { order_id: orderId };
	}
	const raw = parameters.read('payoutId', itemIndex);
	// Digits only: Number() would also read "0x5F5E7F4" or "1.00001524e8" as another payout's id.
	const id =
		typeof raw === 'number'
			? raw
			: /^\d+$/.test(String(raw).trim())
				? Number(String(raw).trim())
				: NaN;
	if (!Number.isSafeInteger(id) || id <= 0) {
		throw new NodeOperationError(
			parameters.context.getNode(),
			`Payout ID must be AliKassa's numeric ID, got "${String(raw)}"`,
			{
				itemIndex,
				description: 'To look up by your own ID, set Look Up By to Order ID.',
			},
		);
	}
	return { id };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject> {
	const lookup = readLookup(run.parameters, itemIndex);
	const status = await fetchPayoutStatus(
		this,
		run.credentials,
		lookup,
		itemIndex,
		readTimeoutMs(run.parameters, itemIndex),
	);
	if (status === null) {
		const what = 'id' in lookup ? `ID ${lookup.id}` : `order ID "${lookup.order_id}"`;
		throw withOrderId(
			new NodeOperationError(this.getNode(), `AliKassa has no payout with ${what}`, { itemIndex }),
			'order_id' in lookup ? lookup.order_id : undefined,
		);
	}
	return status;
}
