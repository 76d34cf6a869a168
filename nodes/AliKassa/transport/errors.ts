import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isOutcomeUnknown, isWorthAskingAgain, type ApiFailure, type FailureKind } from './failure';

/** An ApiFailure as n8n shows it, keeping the failure's kind for the payout logic. */
export class AliKassaApiError extends NodeApiError {
	readonly kind: FailureKind;

	readonly outcomeUnknown: boolean;

	/** A fault that asking again may get past (not a refusal, not a redirect) */
	readonly worthAskingAgain: boolean;

	readonly retryAfterMs?: number;

	/** AliKassa's answer, parsed when it was JSON */
	readonly responseBody: unknown;

	constructor(node: INode, failure: ApiFailure, itemIndex?: number) {
		super(
			node,
			{
				message: failure.message,
				httpCode: failure.httpCode ?? null,
				body: failure.body ?? null,
			} as JsonObject,
			{
				message: failure.message,
				description: failure.description,
				httpCode: failure.httpCode === undefined ? undefined : String(failure.httpCode),
				itemIndex,
			},
		);
		// n8n's editor recognises API errors by this name
		this.name = 'NodeApiError';
		this.kind = failure.kind;
		this.outcomeUnknown = isOutcomeUnknown(failure.kind);
		this.worthAskingAgain = isWorthAskingAgain(failure.kind);
		this.retryAfterMs = failure.retryAfterMs;
		this.responseBody = failure.body;
	}
}

/**
 * The request's answer, or the AliKassaApiError it failed with, as a value the payout logic can
 * reason about; any other error (a bug) is thrown as it is.
 */
export async function answerOrFailure<T>(request: Promise<T>): Promise<T | AliKassaApiError> {
	let failure: unknown;
	try {
		return await request;
	} catch (error) {
		failure = error;
	}
	if (failure instanceof AliKassaApiError) return failure;
	throw failure;
}
