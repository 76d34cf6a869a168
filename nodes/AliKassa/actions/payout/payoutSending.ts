import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { AliKassaCredentials } from '../../core/credentials';
import { MAX_LOOKUP_ATTEMPTS, MAX_SEND_ATTEMPTS } from '../../core/defaults';
import { otherRecipient, payoutDifference } from '../../core/existingPayout';
import type { PayoutOutcome, UnpaidOutcome } from '../../core/outcome';
import type { PayoutBody } from '../../core/payoutBody';
import { retryDelayMs } from '../../core/retry';
import { AliKassaApiError, aliKassaApiRequest, answerOrFailure } from '../../transport';
import { fetchPayoutStatus } from './payoutStatus';

/** One payout being sent: where from, with what, for which item. */
export interface Sending {
	context: IExecuteFunctions;
	credentials: AliKassaCredentials;
	body: PayoutBody;
	itemIndex: number;
	timeoutMs: number;
}

type Lookup =
	| { found: IDataObject }
	| { absent: true }
	/** AliKassa could not be asked: the lookup itself kept meeting faults */
	| { unanswered: AliKassaApiError };

/**
 * What a failed send means for the money: `taken` (AliKassa refused the order_id as already
 * used), `refused` (AliKassa said no: nothing was made), `unknown` (it may have been taken: a
 * 429, a timeout, a broken connection, a 5xx, an answer that is not a payout, a 303) or
 * `notSent` (nothing left this machine).
 */
function verdictOf(error: AliKassaApiError): 'taken' | 'refused' | 'unknown' | 'notSent' {
	if (isOrderIdTaken(error)) return 'taken';
	if (error.outcomeUnknown || error.kind === 'rateLimited') return 'unknown';
	if (error.kind === 'unreachable') return 'notSent';
	return 'refused';
}

function isOrderIdTaken(error: AliKassaApiError): boolean {
	if (error.kind !== 'rejected') return false;
	const errors = (error.responseBody as { errors?: { order_id?: unknown } } | null)?.errors;
	const said = errors?.order_id;
	return said !== undefined && /taken|unique|exists|duplicate/i.test(JSON.stringify(said));
}

/** A 2xx answer is a created payout only with an integer id and a payment_status. */
function createdPayout(answer: IDataObject): { id: number; paymentStatus: string } | undefined {
	const { id, payment_status: paymentStatus } = answer;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
	if (typeof paymentStatus !== 'string' || paymentStatus === '') return undefined;
	return { id, paymentStatus };
}

function notAPayout(sending: Sending, answer: IDataObject): AliKassaApiError {
	return new AliKassaApiError(
		sending.context.getNode(),
		{
			kind: 'notJson',
			message: "AliKassa's answer was not a payout",
			description: `It carried no integer id and payment_status: ${JSON.stringify(answer).slice(0, 200)}`,
			body: answer,
		},
		sending.itemIndex,
	);
}

async function send(sending: Sending): Promise<PayoutOutcome | AliKassaApiError> {
	const answer = await answerOrFailure(
		aliKassaApiRequest.call(sending.context, sending.credentials, {
			path: 'v1/payout',
			body: sending.body,
			itemIndex: sending.itemIndex,
			timeoutMs: sending.timeoutMs,
		}),
	);
	if (answer instanceof AliKassaApiError) return answer;
	const created = createdPayout(answer);
	return created ? { kind: 'created', ...created } : notAPayout(sending, answer);
}

/** Asks AliKassa for the payout under this order_id, asking again while the lookup meets faults. */
async function lookUp(sending: Sending): Promise<Lookup> {
	for (let attempt = 1; ; attempt++) {
		const found = await answerOrFailure(
			fetchPayoutStatus(
				sending.context,
				sending.credentials,
				{ order_id: sending.body.order_id },
				sending.itemIndex,
				sending.timeoutMs,
			),
		);
		if (!(found instanceof AliKassaApiError)) return found === null ? { absent: true } : { found };
		const delay = retryDelayMs(attempt, found.retryAfterMs);
		if (!found.worthAskingAgain || attempt >= MAX_LOOKUP_ATTEMPTS || delay === undefined) {
			return { unanswered: found };
		}
		await sleep(delay);
	}
}

/**
 * The payout found under this order_id is this one only if recipient, amount and service match.
 * `earlierRun` only when AliKassa refused this run's first send as an already-used order_id;
 * after a faulted send of this run, who made it is unknown.
 */
function existingPayoutOutcome(
	sending: Sending,
	existing: IDataObject,
	madeBy: 'earlierRun' | 'unknown',
): PayoutOutcome {
	const { amount } = sending.body;
	const recipient = otherRecipient(existing, sending.body);
	const difference = payoutDifference(existing, sending.body);
	const payout = `at AliKassa (ID ${String(existing.id)}${difference === undefined ? '' : `, ${difference}`})`;
	if (recipient !== undefined) {
		return {
			kind: 'notPaid',
			reason: `this order ID is a payout to another recipient (${recipient}) ${payout}, not to this row's number`,
			description: `This payout of ${amount} to this row's number was not made. Use a new order ID for it.`,
		};
	}
	if (difference !== undefined) {
		return {
			kind: 'notPaid',
			reason: `the order ID belongs to a different payout ${payout}`,
			description: `This payout of ${amount} was not made. Use a new order ID for it.`,
		};
	}
	const found = { id: Number(existing.id), paymentStatus: String(existing.payment_status) };
	return { kind: madeBy === 'earlierRun' ? 'alreadyCreated' : 'found', ...found };
}

/** An unpaid outcome that keeps the failure behind it (its HTTP code, AliKassa's answer). */
function unpaid(
	kind: UnpaidOutcome['kind'],
	reason: string,
	failure: AliKassaApiError,
): UnpaidOutcome {
	return { kind, reason, description: failure.description ?? undefined, cause: failure };
}

function unanswered(failure: AliKassaApiError, lookupError: AliKassaApiError): UnpaidOutcome {
	return unpaid(
		'outcomeUnknown',
		`${failure.message}, and AliKassa could not be asked whether it has the payout (${lookupError.message})`,
		failure,
	);
}

/**
 * After the last attempt: if any attempt may have reached AliKassa, a request can still land
 * late (AliKassa may process it long after the client gave up), so no lookup proves it absent:
 * the row stays "Outcome unknown" unless the lookup, one request's timeout later, finds it.
 */
async function lastWord(
	sending: Sending,
	failure: AliKassaApiError,
	attempts: number,
	mayHaveLanded: boolean,
): Promise<PayoutOutcome> {
	const gaveUp = `${failure.message}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
	if (!mayHaveLanded) {
		return unpaid('notPaid', `${gaveUp}, none of which reached AliKassa`, failure);
	}
	await sleep(sending.timeoutMs);
	const lookup = await lookUp(sending);
	if ('found' in lookup) return existingPayoutOutcome(sending, lookup.found, 'unknown');
	if ('unanswered' in lookup) return unanswered(failure, lookup.unanswered);
	return unpaid(
		'outcomeUnknown',
		`${gaveUp}; AliKassa had no payout with this order ID ${sending.timeoutMs / 1000} s after the last attempt, but an attempt may still land there later`,
		failure,
	);
}

/**
 * Sends one payout so that it is made at most once and says what happened at AliKassa. When a
 * send's outcome is unknown the payout is looked up by order_id, and sent again only when
 * AliKassa has none; AliKassa's own order_id uniqueness then guards a first request that lands
 * late (its refusal of the re-send leads to one more lookup). A first send refused as an
 * already-used order_id finds the payout an earlier run made.
 */
export async function sendPayoutOnce(sending: Sending): Promise<PayoutOutcome> {
	let mayHaveLanded = false;
	for (let attempt = 1; ; attempt++) {
		const result = await send(sending);
		if (!(result instanceof AliKassaApiError)) return result;
		const verdict = verdictOf(result);
		if (verdict === 'refused') {
			// a refused re-send proves nothing about an earlier attempt that may still land
			return mayHaveLanded
				? await lastWord(sending, result, attempt, mayHaveLanded)
				: unpaid('notPaid', result.message, result);
		}
		if (verdict === 'taken' || verdict === 'unknown') {
			const madeBy = mayHaveLanded || verdict === 'unknown' ? 'unknown' : 'earlierRun';
			mayHaveLanded = true;
			const lookup = await lookUp(sending);
			if ('found' in lookup) return existingPayoutOutcome(sending, lookup.found, madeBy);
			if ('unanswered' in lookup) return unanswered(result, lookup.unanswered);
			if (verdict === 'taken') {
				return unpaid(
					'outcomeUnknown',
					'AliKassa refused the order ID as already used, but has no payout with it',
					result,
				);
			}
		}
		const delay = retryDelayMs(attempt, result.retryAfterMs);
		if (!result.worthAskingAgain || attempt >= MAX_SEND_ATTEMPTS || delay === undefined) {
			return await lastWord(sending, result, attempt, mayHaveLanded);
		}
		await sleep(delay);
	}
}
