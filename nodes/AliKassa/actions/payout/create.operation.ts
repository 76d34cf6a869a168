import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';

import { buildPayoutBody, PayoutInputError, type PayoutBody } from '../../core/payoutBody';
import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_SEND_ATTEMPTS,
	RETRY_BASE_DELAY_MS,
} from '../../core/defaults';
import { backoffDelayMs } from '../../core/payoutStatus';
import { AliKassaApiError, aliKassaApiRequest } from '../../transport';
import { concurrencyOption, timeoutOption } from '../common.descriptions';
import { withOrderId, type PayoutRun } from '../payoutRun';
import { fetchPayoutStatus } from './payoutStatus';

const properties: INodeProperties[] = [
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1000.44',
		description:
			'Amount in the account currency: a number or text with a dot and at most 2 decimals. Never rounded.',
	},
	{
		displayName: 'Number',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: '4111111111111111',
		description: 'Card, account or phone number to pay to',
	},
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.order_id }}',
		description:
			'Your unique ID for this payout (at most 128 characters). AliKassa refuses a repeated one, so take it from your data, not from the time: then re-running a batch can never pay twice.',
	},
	{
		displayName: 'Service',
		name: 'service',
		type: 'string',
		default: 'payment_card_rub',
		required: true,
		placeholder: 'payment_card_rub',
		description:
			'Payout service code from the AliKassa cabinet, such as payment_card_rub or payment_card_sbp_rub',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Card Country',
				name: 'cardCountry',
				type: 'string',
				default: '',
				placeholder: 'DE',
				description: 'Extra card data (EUR accounts): ISO 3166-1 alpha-2 country of the card',
			},
			{
				displayName: 'Card Expiry Month',
				name: 'cardExpMonth',
				type: 'string',
				default: '',
				placeholder: '01',
				description: 'Extra card data (EUR accounts): two digits',
			},
			{
				displayName: 'Card Expiry Year',
				name: 'cardExpYear',
				type: 'string',
				default: '',
				placeholder: '27',
				description: 'Extra card data (EUR accounts): two digits',
			},
			{
				displayName: 'Card Holder',
				name: 'cardHolder',
				type: 'string',
				default: '',
				description: 'Extra card data (EUR accounts): name on the card',
			},
			{
				displayName: 'Card Recipient Birth Date',
				name: 'cardRecipientBirthDate',
				type: 'string',
				default: '',
				placeholder: '1999-12-15',
				description: 'Extra card data (EUR accounts): YYYY-MM-DD',
			},
			{
				displayName: 'Customer Code',
				name: 'customerCode',
				type: 'string',
				default: '',
				placeholder: '100000000111',
				description: 'Bank ID of the recipient for SBP payouts (payment_card_sbp_rub)',
			},
			{
				displayName: 'Customer Email',
				name: 'customerEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'Customer Phone',
				name: 'customerPhone',
				type: 'string',
				default: '',
				placeholder: '79001112233',
			},
			{
				displayName: 'Notification Endpoint ID',
				name: 'notificationEndpointId',
				type: 'number',
				default: 0,
				description:
					'ID of a notification endpoint set up in the cabinet; AliKassa notifies it when the status changes',
			},
			{
				displayName: 'Notification Endpoint URL',
				name: 'notificationEndpointUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/webhook/alikassa',
				description:
					'URL AliKassa calls once the status is final, for example the Production URL of an AliKassa Trigger',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			concurrencyOption,
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: DEFAULT_MAX_WAIT_SECONDS,
				displayOptions: { show: { waitForFinalStatus: [true] } },
				description:
					'Longest time to wait for the final status; then the item carries the last status with isFinal false',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1, maxValue: 600, numberPrecision: 1 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				displayOptions: { show: { waitForFinalStatus: [true] } },
				description: 'How often to ask AliKassa for the status while waiting',
			},
			timeoutOption,
			{
				displayName: 'Wait for Final Status',
				name: 'waitForFinalStatus',
				type: 'boolean',
				default: false,
				description:
					'Whether to poll the payout status after creating it and output the final status (paid, cancel or fail)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['create'] } }, properties);

interface CreateOptions {
	timeoutSeconds?: number;
	waitForFinalStatus?: boolean;
	pollIntervalSeconds?: number;
	maxWaitSeconds?: number;
}

function readPayoutBody(context: IExecuteFunctions, itemIndex: number): PayoutBody {
	const additionalFields = context.getNodeParameter(
		'additionalFields',
		itemIndex,
		{},
	) as IDataObject;
	if (additionalFields.notificationEndpointId === 0) delete additionalFields.notificationEndpointId;
	try {
		return buildPayoutBody({
			amount: context.getNodeParameter('amount', itemIndex),
			number: context.getNodeParameter('number', itemIndex),
			orderId: context.getNodeParameter('orderId', itemIndex),
			service: context.getNodeParameter('service', itemIndex),
			...additionalFields,
		});
	} catch (error) {
		if (error instanceof PayoutInputError) {
			throw new NodeOperationError(context.getNode(), error.message, {
				itemIndex,
				description: `Check the "${error.field}" parameter. Nothing was sent to AliKassa.`,
			});
		}
		throw error;
	}
}

function isDuplicateOrderRefusal(error: AliKassaApiError): boolean {
	const errors = (error.responseBody as { errors?: { order_id?: unknown } } | null)?.errors;
	return error.kind === 'rejected' && errors?.order_id !== undefined;
}

function retryDelayMs(error: AliKassaApiError, attempt: number): number {
	return error.retryAfterMs ?? backoffDelayMs(attempt, RETRY_BASE_DELAY_MS);
}

function appendDescription(error: AliKassaApiError, sentence: string): AliKassaApiError {
	error.description = error.description ? `${error.description} ${sentence}` : sentence;
	return error;
}

/**
 * Asks AliKassa whether it has the payout, retrying a lookup that itself meets a fault:
 * until AliKassa answers, re-sending the payout would be a guess.
 */
async function findPayoutByOrderId(
	context: IExecuteFunctions,
	run: PayoutRun,
	orderId: string,
	itemIndex: number,
	timeoutMs: number,
): Promise<IDataObject | null> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await fetchPayoutStatus(
				context,
				run.credentials,
				{ order_id: orderId },
				itemIndex,
				timeoutMs,
			);
		} catch (error) {
			if (!(error instanceof AliKassaApiError)) throw error;
			const transient =
				error.outcomeUnknown || error.kind === 'rateLimited' || error.kind === 'unreachable';
			if (!transient || attempt >= MAX_SEND_ATTEMPTS) {
				throw appendDescription(
					error,
					`The payout request's outcome is unknown and AliKassa could not be asked about order_id "${orderId}". Check it with Get Payout Status before sending it again.`,
				);
			}
			await sleep(retryDelayMs(error, attempt));
		}
	}
}

/**
 * The payout AliKassa has under this order_id is taken as this one only if it is for the
 * same amount: an older payout that reused the order_id must not pass for it.
 */
function recoveredPayout(
	context: IExecuteFunctions,
	existing: IDataObject,
	body: PayoutBody,
	itemIndex: number,
): IDataObject {
	if (Number(existing.amount) !== Number(body.amount)) {
		throw new NodeOperationError(
			context.getNode(),
			`AliKassa already has a different payout with order_id "${body.order_id}" (ID ${String(existing.id)}, amount ${String(existing.amount)})`,
			{
				itemIndex,
				description: `This payout of ${body.amount} was not made. Use a new order ID for it.`,
			},
		);
	}
	return { id: existing.id, payment_status: existing.payment_status, recovered: true };
}

/**
 * Sends one payout so that it is created at most once. When the outcome of a send is
 * unknown (timeout, broken connection, 5xx, an answer that is not JSON) the payout is looked
 * up by order_id first; only when AliKassa has no such payout is it sent again, and
 * AliKassa's own order_id uniqueness guards the rare race where the first request arrives
 * late (its refusal then leads to one more lookup).
 */
async function sendPayoutOnce(
	context: IExecuteFunctions,
	run: PayoutRun,
	body: PayoutBody,
	itemIndex: number,
	timeoutMs: number,
): Promise<IDataObject> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await aliKassaApiRequest.call(context, run.credentials, {
				path: 'v1/payout',
				body,
				itemIndex,
				timeoutMs,
			});
		} catch (error) {
			if (!(error instanceof AliKassaApiError)) throw error;
			// A re-sent payout refused as a repeated order_id was taken by an earlier attempt.
			const mayExist = error.outcomeUnknown || (attempt > 1 && isDuplicateOrderRefusal(error));
			const notProcessed = error.kind === 'rateLimited' || error.kind === 'unreachable';
			if (!mayExist && !notProcessed) throw error;
			if (mayExist) {
				const existing = await findPayoutByOrderId(
					context,
					run,
					body.order_id,
					itemIndex,
					timeoutMs,
				);
				if (existing) return recoveredPayout(context, existing, body, itemIndex);
			}
			if (attempt >= MAX_SEND_ATTEMPTS) {
				throw appendDescription(
					error,
					mayExist
						? `Gave up after ${attempt} attempts; AliKassa has no payout with order_id "${body.order_id}", so nothing was paid.`
						: `Gave up after ${attempt} attempts; AliKassa did not take the payout, so nothing was paid.`,
				);
			}
			await sleep(retryDelayMs(error, attempt));
		}
	}
}

async function waitForFinalStatus(
	context: IExecuteFunctions,
	run: PayoutRun,
	id: number,
	options: CreateOptions,
	itemIndex: number,
	timeoutMs: number,
): Promise<IDataObject> {
	const deadline = Date.now() + (options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000;
	const intervalMs = (options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000;
	for (;;) {
		const status = await fetchPayoutStatus(context, run.credentials, { id }, itemIndex, timeoutMs);
		if (status === null) {
			throw new NodeOperationError(
				context.getNode(),
				`AliKassa created payout ${id} but does not find it when asked for its status`,
				{ itemIndex },
			);
		}
		if (status.isFinal) return status;
		if (Date.now() + intervalMs > deadline) {
			return {
				...status,
				note: `Still "${String(status.payment_status)}" after waiting ${options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS} s. The payout exists; check it later with Get Payout Status.`,
			};
		}
		await sleep(intervalMs);
	}
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject> {
	let body: PayoutBody;
	try {
		body = readPayoutBody(this, itemIndex);
	} catch (error) {
		throw withOrderId(error, String(this.getNodeParameter('orderId', itemIndex, '') ?? '').trim());
	}
	const firstItem = run.orderIdItems.get(body.order_id);
	if (firstItem !== undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`Order ID "${body.order_id}" is used twice in this run (items ${firstItem} and ${itemIndex}); the second was not sent`,
			{ itemIndex, description: 'AliKassa needs a unique order_id per payout.' },
		);
	}
	run.orderIdItems.set(body.order_id, itemIndex);

	const options = this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
	const timeoutMs = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
	try {
		const created = await sendPayoutOnce(this, run, body, itemIndex, timeoutMs);
		const result: IDataObject = { order_id: body.order_id, ...created };
		if (!options.waitForFinalStatus) return result;
		const final = await waitForFinalStatus(
			this,
			run,
			Number(created.id),
			options,
			itemIndex,
			timeoutMs,
		);
		return { ...final, ...result, payment_status: final.payment_status };
	} catch (error) {
		throw withOrderId(error, body.order_id);
	}
}
