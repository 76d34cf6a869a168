import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_SECONDS } from '../../core/defaults';
import { aliKassaApiRequest } from '../../transport';
import { timeoutOption } from '../common.descriptions';
import type { PayoutRun } from '../payoutRun';

const properties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [timeoutOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['getBalance'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject> {
	const { timeoutSeconds = DEFAULT_TIMEOUT_SECONDS } = this.getNodeParameter(
		'options',
		itemIndex,
		{},
	) as IDataObject;
	// AliKassa's PHP sample signs json_encode([]) for the balance.
	return await aliKassaApiRequest.call(this, run.credentials, {
		path: 'v1/account/balance',
		body: [],
		itemIndex,
		timeoutMs: Number(timeoutSeconds) * 1000,
	});
}
