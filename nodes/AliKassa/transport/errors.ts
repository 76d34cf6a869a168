import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/** An error as n8n shows it: n8n's own as they are, anything else as a NodeOperationError. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
