/**
 * What kind of failure a request met. `outcomeUnknown` kinds mean the request may have reached
 * AliKassa and been acted on, so a payout must be looked up before it is ever re-sent.
 */
export type FailureKind =
	| 'rejected'
	| 'unauthorized'
	| 'notFound'
	| 'rateLimited'
	| 'serverError'
	| 'timeout'
	| 'connectionLost'
	| 'unreachable'
	| 'notJson';

const OUTCOME_UNKNOWN: ReadonlySet<FailureKind> = new Set([
	'serverError',
	'timeout',
	'connectionLost',
	'notJson',
]);

export function isOutcomeUnknown(kind: FailureKind): boolean {
	return OUTCOME_UNKNOWN.has(kind);
}

/** A failed request in plain words, independent of how the request was made. */
export interface ApiFailure {
	kind: FailureKind;
	message: string;
	description?: string;
	httpCode?: number;
	/** AliKassa's answer, parsed when it was JSON */
	body?: unknown;
	retryAfterMs?: number;
}
