import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { mapWithConcurrency } from '../core/concurrency';
import { loadCredentials } from '../transport';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../core/defaults';
import * as payout from './payout';
import type { PayoutRun } from './payoutRun';

type Operation = keyof typeof operations;
const operations = {
	create: payout.create.execute,
	getStatus: payout.getStatus.execute,
	getBalance: payout.getBalance.execute,
};

/**
 * On the regular output an error item carries the details as fields. n8n routes an item to
 * the error output when its json is just `{ error }`, and merges the input item's fields
 * into it, so the failed row arrives there whole (an item carrying `error` itself would
 * be cut down to the message).
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
	toErrorOutput: boolean,
): INodeExecutionData {
	const pairedItem = { item: itemIndex };
	if (toErrorOutput) return { json: { error: error.message }, pairedItem };
	const json: IDataObject = { error: error.message };
	if (typeof error.context.orderId === 'string') json.order_id = error.context.orderId;
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return { json, pairedItem };
}

function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const run: PayoutRun = { credentials: await loadCredentials(this), orderIdItems: new Map() };
	const concurrency = Math.min(
		MAX_CONCURRENCY,
		Math.max(1, Number(this.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY))),
	);

	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';

	const output = await mapWithConcurrency(items.length, concurrency, async (itemIndex) => {
		try {
			const json = await execute.call(this, itemIndex, run);
			return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (this.continueOnFail()) return errorItem(nodeError, itemIndex, toErrorOutput);
			throw nodeError;
		}
	});
	return [output];
}
