import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { aliKassaApiRequest } from '../../transport';
import { optionsCollection, timeoutOption } from '../common.descriptions';
import { readTimeoutMs } from '../options';
import type { PayoutRun } from '../payoutRun';

const properties: INodeProperties[] = [optionsCollection([timeoutOption])];

export const description = updateDisplayOptions(
	{ show: { operation: ['getBalance'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject> {
	// AliKassa's PHP sample signs json_encode([]) for the balance.
	return await aliKassaApiRequest.call(this, run.credentials, {
		path: 'v1/account/balance',
		body: [],
		itemIndex,
		timeoutMs: readTimeoutMs(run.parameters, itemIndex),
	});
}
