import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from '../../core/defaults';
import { concurrencyOption, timeoutOption } from '../common.descriptions';
import { withOrderId, type PayoutRun } from '../payoutRun';
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
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.order_id }}',
		description: 'Your order ID of the payout',
		displayOptions: { show: { lookupBy: ['orderId'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getStatus'] } }, properties);

function readLookup(context: IExecuteFunctions, itemIndex: number): PayoutLookup {
	if (context.getNodeParameter('lookupBy', itemIndex) === 'orderId') {
		const orderId = String(context.getNodeParameter('orderId', itemIndex) ?? '').trim();
		if (orderId === '') {
			throw new NodeOperationError(context.getNode(), 'Order ID is empty', { itemIndex });
		}
		return { order_id: orderId };
	}
	const raw = context.getNodeParameter('payoutId', itemIndex);
	const id = typeof raw === 'number' ? raw : Number(String(raw).trim());
	if (!Number.isSafeInteger(id) || id <= 0 || String(raw).trim() === '') {
		throw new NodeOperationError(
			context.getNode(),
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
	const lookup = readLookup(this, itemIndex);
	const { timeoutSeconds = DEFAULT_TIMEOUT_SECONDS } = this.getNodeParameter(
		'options',
		itemIndex,
		{},
	) as IDataObject;
	const status = await fetchPayoutStatus(
		this,
		run.credentials,
		lookup,
		itemIndex,
		Number(timeoutSeconds) * 1000,
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
