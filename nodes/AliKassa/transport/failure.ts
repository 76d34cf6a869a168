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
	| 'notJson'
	/** a 3xx, not followed: signed requests go only to the Base URL */
	| 'redirected'
	/** 303 See Other: the answer of a server that processed a POST */
	| 'seeOther';

const OUTCOME_UNKNOWN: ReadonlySet<FailureKind> = new Set([
	'serverError',
	'timeout',
	'connectionLost',
	'notJson',
	'seeOther',
]);

/** Kinds that asking again may get past. */
const WORTH_ASKING_AGAIN: ReadonlySet<FailureKind> = new Set([
	'serverError',
	'timeout',
	'connectionLost',
	'notJson',
	'rateLimited',
	'unreachable',
]);

export function isOutcomeUnknown(kind: FailureKind): boolean {
	return OUTCOME_UNKNOWN.has(kind);
}

export function isWorthAskingAgain(kind: FailureKind): boolean {
	return WORTH_ASKING_AGAIN.has(kind);
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
