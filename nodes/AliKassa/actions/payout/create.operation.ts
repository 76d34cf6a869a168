import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	MAX_MAX_WAIT_SECONDS,
	MAX_POLL_INTERVAL_SECONDS,
} from '../../core/defaults';
import { isPaid, outcomeMessage, paidFields, type UnpaidOutcome } from '../../core/outcome';
import { INPUT_FIELD_NAMES, payoutInputFromItem } from '../../core/inputFields';
import { serviceRefusal } from '../../core/accountInfo';
import { buildPayoutBody, PayoutInputError, type PayoutBody } from '../../core/payoutBody';
import { payoutLimitRefusal } from '../../core/payoutLimit';
import { readPositiveNumber, readTimeoutMs } from '../options';
import type { PayoutRun } from '../payoutRun';
import type { RunParameters } from '../runParameters';
import { followToFinalStatus, type Polling } from './finalStatus';
import { sendPayoutOnce, type Sending } from './payoutSending';

export { description } from './create.description';

interface CreateInput {
	sending: Sending;
	/** undefined unless Wait for Final Status is on */
	polling?: Polling;
}

/** Whether the payout fields come from the input item's fields of the same names. */
function isAutoMapped(parameters: RunParameters, itemIndex: number): boolean {
	return parameters.read('dataMode', itemIndex, 'defineBelow') === 'autoMapInputData';
}

/** The payout's fields as the input item holds them (Auto-Map Input Data to Fields). */
function inputOfItem(parameters: RunParameters, itemIndex: number) {
	return payoutInputFromItem(parameters.context.getInputData()[itemIndex].json);
}

function readPayoutBody(parameters: RunParameters, itemIndex: number): PayoutBody {
	if (isAutoMapped(parameters, itemIndex))
		return buildPayoutBody(inputOfItem(parameters, itemIndex));
	const { notificationEndpointId, ...additionalFields } = parameters.read(
		'additionalFields',
		itemIndex,
		{},
	) as IDataObject;
	return buildPayoutBody({
		amount: parameters.read('amount', itemIndex),
		number: parameters.read('number', itemIndex),
		orderId: parameters.read('orderId', itemIndex),
		// the code, whether picked from the list, given By Code or stored as a plain string
		service: parameters.read('service', itemIndex, undefined, { extractValue: true }),
		...additionalFields,
		// the editor's default 0 means none
		notificationEndpointId: notificationEndpointId === 0 ? undefined : notificationEndpointId,
	});
}

function readPolling(parameters: RunParameters, sending: Sending): Polling | undefined {
	const { itemIndex } = sending;
	if (parameters.read('waitForFinalStatus', itemIndex, false) !== true) return undefined;
	const milliseconds = (name: string, displayName: string, fallback: number, max: number) =>
		readPositiveNumber(parameters, name, displayName, itemIndex, { fallback, max }) * 1000;
	return {
		...sending,
		pollIntervalMs: milliseconds(
			'pollIntervalSeconds',
			'Poll Interval (Seconds)',
			DEFAULT_POLL_INTERVAL_SECONDS,
			MAX_POLL_INTERVAL_SECONDS,
		),
		maxWaitMs: milliseconds(
			'maxWaitSeconds',
			'Max Wait (Seconds)',
			DEFAULT_MAX_WAIT_SECONDS,
			MAX_MAX_WAIT_SECONDS,
		),
	};
}

/** Everything one row needs, checked before anything is signed: a refusal here is "Not paid". */
function readCreateInput(
	context: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): CreateInput {
	const body = readPayoutBody(run.parameters, itemIndex);
	const noService = run.payoutServices && serviceRefusal(body.service, run.payoutServices);
	if (noService) {
		throw new NodeOperationError(context.getNode(), noService, {
			itemIndex,
			description:
				'Pick the service from the list in the Service field, or ask AliKassa to enable it. Nothing was sent to AliKassa.',
		});
	}
	const overLimit = payoutLimitRefusal(body.amount, run.credentials.maxAmount);
	if (overLimit !== undefined) {
		throw new NodeOperationError(context.getNode(), overLimit, {
			itemIndex,
			description: 'Raise the limit in the AliKassa Payout API credential if this amount is right.',
		});
	}
	const firstItem = run.orderIdItems.get(body.order_id);
	if (firstItem !== undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`the order ID is used twice in this run (items ${firstItem} and ${itemIndex}); the second was not sent`,
			{ itemIndex, description: 'AliKassa needs a unique order ID per payout.' },
		);
	}
	run.orderIdItems.set(body.order_id, itemIndex);
	const sending: Sending = {
		context,
		credentials: run.credentials,
		body,
		itemIndex,
		timeoutMs: readTimeoutMs(run.parameters, itemIndex),
	};
	return { sending, polling: readPolling(run.parameters, sending) };
}

/** The error n8n shows for a row that was not paid, or whose outcome is unknown. */
function outcomeError(
	context: IExecuteFunctions,
	outcome: UnpaidOutcome,
	orderId: string | undefined,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const error =
		outcome.cause instanceof NodeApiError || outcome.cause instanceof NodeOperationError
			? outcome.cause
			: new NodeOperationError(context.getNode(), outcome.reason, { itemIndex });
	error.message = outcomeMessage(outcome, orderId);
	if (outcome.description !== undefined) error.description = outcome.description;
	if (orderId !== undefined) error.context.orderId = orderId;
	return error;
}

/** The Order ID for the message of a row that failed before its body was built, if readable. */
function orderIdAsGiven(parameters: RunParameters, itemIndex: number): string | undefined {
	try {
		const orderId = isAutoMapped(parameters, itemIndex)
			? inputOfItem(parameters, itemIndex).orderId
			: parameters.read('orderId', itemIndex, '');
		return typeof orderId === 'string' || typeof orderId === 'number'
			? String(orderId).trim() || undefined
			: undefined;
	} catch {
		return undefined;
	}
}

/** Where the person fixes a field: its parameter, or the input item's field of that name. */
function whereToFix(error: PayoutInputError, autoMapped: boolean): string {
	return autoMapped
		? `Check the "${INPUT_FIELD_NAMES[error.field]}" field of the input item (Data Mode: Auto-Map Input Data to Fields).`
		: `Check the "${error.parameter}" parameter.`;
}

/** Anything that fails before the payout is signed (bad input, an expression) left it unpaid. */
function badInput(error: unknown, parameters: RunParameters, itemIndex: number): UnpaidOutcome {
	if (error instanceof PayoutInputError) {
		const autoMapped = isAutoMapped(parameters, itemIndex);
		return {
			kind: 'notPaid',
			reason: error.message,
			description: `${whereToFix(error, autoMapped)} Nothing was sent to AliKassa.`,
		};
	}
	return {
		kind: 'notPaid',
		reason: error instanceof Error ? error.message : String(error),
		description:
			(error instanceof NodeOperationError ? error.description : undefined) ??
			'Nothing was sent to AliKassa.',
		cause: error,
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject> {
	let input: CreateInput;
	try {
		input = readCreateInput(this, itemIndex, run);
	} catch (error) {
		throw outcomeError(
			this,
			badInput(error, run.parameters, itemIndex),
			orderIdAsGiven(run.parameters, itemIndex),
			itemIndex,
		);
	}
	const { body } = input.sending;
	const outcome = await sendPayoutOnce(input.sending);
	if (!isPaid(outcome)) throw outcomeError(this, outcome, body.order_id, itemIndex);
	const row: IDataObject = { order_id: body.order_id, ...paidFields(outcome) };
	// AliKassa could not say which services the account has: the service was not checked first
	if (run.payoutServices === undefined) row.serviceChecked = false;
	if (input.polling === undefined) return row;
	const final = await followToFinalStatus(input.polling, outcome.id, outcome.paymentStatus);
	return { ...final, ...row, payment_status: final.payment_status };
}
