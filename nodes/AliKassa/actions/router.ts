import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { mapWithConcurrency } from '../core/concurrency';
import { YIELD_AFTER_MS } from '../core/defaults';
import type { AliKassaCredentials } from '../core/credentials';
import { outcomeMessage } from '../core/outcome';
import { loadCredentials } from '../transport';
import { readConcurrency } from './options';
import * as payout from './payout';
import type { PayoutRun } from './payoutRun';
import { RunParameters } from './runParameters';

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

/**
 * Lets n8n's other work run once this batch has held the thread for YIELD_AFTER_MS. Yielding
 * on every item would cap a batch: sleep(0) is a timer of at least 1 ms, so one item per
 * millisecond (about 1 000 payouts/s) was the ceiling; between yields items start at once.
 */
let lastYield = Date.now();
export async function nextTurn(): Promise<void> {
	if (Date.now() - lastYield < YIELD_AFTER_MS) return;
	await sleep(0);
	lastYield = Date.now();
}

/**
 * What a node that stops at a failed payout row must say: n8n drops its output, so the message
 * is all the person sees of the rows that were paid meanwhile.
 */
function stoppedBatchMessage(message: string, paid: number, started: number, total: number) {
	const notSent = total - started;
	return `${message} Before the node stopped, ${paid} of ${total} rows were paid (created now or found already created)${notSent > 0 ? ` and ${notSent} were not sent` : ''}. Running the same batch again is safe: rows already paid come back with alreadyCreated: true and only the others are sent.`;
}

/** Nothing is sent when the credential or the run's settings are wrong. */
async function prepareRun(
	context: IExecuteFunctions,
	parameters: RunParameters,
): Promise<{ credentials: AliKassaCredentials; concurrency: number }> {
	const concurrency = readConcurrency(parameters);
	return { credentials: await loadCredentials(context), concurrency };
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const movesMoney = operation === 'create';
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';

	const parameters = new RunParameters(this);
	let prepared;
	try {
		prepared = await prepareRun(this, parameters);
	} catch (error) {
		const nodeError = asNodeError(this, error, 0);
		if (movesMoney)
			nodeError.message = outcomeMessage({ kind: 'notPaid', reason: nodeError.message }, undefined);
		if (!this.continueOnFail()) throw nodeError;
		return [items.map((_, itemIndex) => errorItem(nodeError, itemIndex, toErrorOutput))];
	}
	const run: PayoutRun = {
		credentials: prepared.credentials,
		parameters,
		orderIdItems: new Map(),
	};

	let started = 0;
	let succeeded = 0;
	try {
		const output = await mapWithConcurrency(
			items.length,
			prepared.concurrency,
			nextTurn,
			async (itemIndex) => {
				started++;
				try {
					const json = await execute.call(this, itemIndex, run);
					succeeded++;
					return { json, pairedItem: { item: itemIndex } } as INodeExecutionData;
				} catch (error) {
					const nodeError = asNodeError(this, error, itemIndex);
					if (this.continueOnFail()) return errorItem(nodeError, itemIndex, toErrorOutput);
					throw nodeError;
				}
			},
		);
		return [output];
	} catch (error) {
		// every failure of a row is a node error already (asNodeError above)
		const nodeError = asNodeError(this, error, 0);
		if (movesMoney && items.length > 1) {
			nodeError.message = stoppedBatchMessage(nodeError.message, succeeded, started, items.length);
		}
		throw nodeError;
	}
}
