import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AliKassaCredentials } from '../core/credentials';
import { mapWithConcurrency } from '../core/concurrency';
import { loadCredentials } from '../transport';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './common.descriptions';
import * as payout from './payout';

/** State shared by the items of one execution. */
export interface PayoutRun {
	credentials: AliKassaCredentials;
	/** order_id → index of the item that sent it, to refuse a second use within the run */
	orderIdItems: Map<string, number>;
}

type Operation = keyof typeof operations;
const operations = {
	create: payout.create.execute,
	getStatus: payout.getStatus.execute,
	getBalance: payout.getBalance.execute,
};

/** Lets an error item say which payout failed. */
export function withOrderId<T>(error: T, orderId: string | undefined): T {
	if (orderId !== undefined && (error instanceof NodeApiError || error instanceof NodeOperationError)) {
		error.context.orderId = orderId;
	}
	return error;
}

function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	if (typeof error.context.orderId === 'string') json.order_id = error.context.orderId;
	return { json, error, pairedItem: { item: itemIndex } };
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

	const output = await mapWithConcurrency(items.length, concurrency, async (itemIndex) => {
		try {
			const json = await execute.call(this, itemIndex, run);
			return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (this.continueOnFail()) return errorItem(nodeError, itemIndex);
			throw nodeError;
		}
	});
	return [output];
}
