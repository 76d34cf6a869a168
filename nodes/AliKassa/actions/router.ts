import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { enabledPayoutCodes } from '../core/accountInfo';
import { mapWithConcurrency } from '../core/concurrency';
import { YIELD_AFTER_MS } from '../core/defaults';
import type { AliKassaCredentials } from '../core/credentials';
import { outcomeMessage } from '../core/outcome';
import { loadCredentials } from '../transport';
import { readConcurrency, readTimeoutMs } from './options';
import * as payout from './payout';
import { fetchAccountInfo } from './payout/accountInfo';
import type { PayoutRun } from './payoutRun';
import { RunParameters } from './runParameters';

/** An operation's answer for one input item: one output item, or several (Get Account Info). */
type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
) => Promise<IDataObject | IDataObject[]>;

type Operation = keyof typeof operations;
const operations: Record<
	'create' | 'getStatus' | 'getBalance' | 'getAccountInfo',
	OperationExecute
> = {
	create: payout.create.execute,
	getStatus: payout.getStatus.execute,
	getBalance: payout.getBalance.execute,
	getAccountInfo: payout.getAccountInfo.execute,
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
	const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
	return `${sentence} Before the node stopped, ${paid} of ${total} rows were paid (created now or found already created)${notSent > 0 ? ` and ${notSent} were not sent` : ''}. Running the same batch again is safe: rows already paid come back with alreadyCreated: true and only the others are sent.`;
}

/**
 * Before a batch is signed, which payout services the account has, asked once per run. An
 * account AliKassa says may not pay out stops the run; when AliKassa cannot say (a fault, a
 * real AliKassa without the endpoint), undefined: the rows go as before and AliKassa decides.
 */
async function payoutServicesOf(
	context: IExecuteFunctions,
	credentials: AliKassaCredentials,
	parameters: RunParameters,
): Promise<ReadonlySet<string> | undefined> {
	// a Timeout that cannot be read stops the run here, as Concurrency does, before anything is sent
	const timeoutMs = readTimeoutMs(parameters, 0);
	let info;
	try {
		info = await fetchAccountInfo(context, credentials, { timeoutMs });
	} catch {
		// not read (a fault, a 404 from an AliKassa without it, an answer that is not account info)
		return undefined;
	}
	if (!info.isAllowedPayout) {
		throw new NodeOperationError(
			context.getNode(),
			'AliKassa says this account may not make payouts (is_allowed_payout: false); no row was sent',
			{ description: 'Ask AliKassa to allow payouts for the account of the credential.' },
		);
	}
	return enabledPayoutCodes(info);
}

/** Nothing is sent when the credential, the account or the run's settings are wrong. */
async function prepareRun(
	context: IExecuteFunctions,
	parameters: RunParameters,
	movesMoney: boolean,
): Promise<{
	credentials: AliKassaCredentials;
	concurrency: number;
	payoutServices?: ReadonlySet<string>;
}> {
	const concurrency = readConcurrency(parameters);
	const credentials = await loadCredentials(context);
	if (!movesMoney) return { credentials, concurrency };
	const payoutServices = await payoutServicesOf(context, credentials, parameters);
	return { credentials, concurrency, payoutServices };
}

/**
 * The tool variant n8n makes of a usableAsTool node: its type name with "Tool" appended (the
 * CLI's convertNodeToAiTool).
 */
function runsAsTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * n8n 2.8's engine replaces an AI agent's tool's answer with the (empty) list of its error items
 * when the tool's On Error is "Continue (using error output)": the agent would be told nothing,
 * about a payout made as about one refused, and might pay again. So the tool pays nothing then.
 */
function toolErrorOutputRefusal(context: IExecuteFunctions): NodeOperationError {
	const message = outcomeMessage(
		{
			kind: 'notPaid',
			reason:
				'this tool\'s On Error is "Continue (using error output)": n8n then gives an AI agent an empty answer, whether a payout was made or not, so the tool makes none',
		},
		undefined,
	);
	return new NodeOperationError(context.getNode(), message, {
		description: 'Set the tool\'s On Error (Settings) to "Stop Workflow" or "Continue".',
	});
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const movesMoney = operation === 'create';
	// An AI agent reads only the tool's answer: a failed call is answered, never thrown (a thrown
	// error ends an AI Agent's whole execution in n8n 2.8, the agent told nothing).
	const asTool = runsAsTool(this);
	const answersFailures = asTool || this.continueOnFail();
	const toErrorOutput = !asTool && this.getNode().onError === 'continueErrorOutput';
	if (asTool && movesMoney && this.getNode().onError === 'continueErrorOutput') {
		const refusal = toolErrorOutputRefusal(this);
		this.logger.warn(`AliKassa Payout Tool: ${refusal.message}`);
		return [items.map((_, itemIndex) => errorItem(refusal, itemIndex, false))];
	}

	const parameters = new RunParameters(this);
	let prepared;
	try {
		prepared = await prepareRun(this, parameters, movesMoney);
	} catch (error) {
		const nodeError = asNodeError(this, error, 0);
		if (movesMoney)
			nodeError.message = outcomeMessage({ kind: 'notPaid', reason: nodeError.message }, undefined);
		if (!answersFailures) throw nodeError;
		return [items.map((_, itemIndex) => errorItem(nodeError, itemIndex, toErrorOutput))];
	}
	const run: PayoutRun = {
		credentials: prepared.credentials,
		parameters,
		orderIdItems: new Map(),
		payoutServices: prepared.payoutServices,
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
					const answer = await execute.call(this, itemIndex, run);
					succeeded++;
					// Get Account Info gives one item per service
					const jsons = Array.isArray(answer) ? answer : [answer];
					return jsons.map((json) => ({ json, pairedItem: { item: itemIndex } }));
				} catch (error) {
					const nodeError = asNodeError(this, error, itemIndex);
					if (answersFailures) return [errorItem(nodeError, itemIndex, toErrorOutput)];
					throw nodeError;
				}
			},
		);
		return [output.flat()];
	} catch (error) {
		// every failure of a row is a node error already (asNodeError above)
		const nodeError = asNodeError(this, error, 0);
		if (movesMoney && items.length > 1) {
			nodeError.message = stoppedBatchMessage(nodeError.message, succeeded, started, items.length);
		}
		throw nodeError;
	}
}
