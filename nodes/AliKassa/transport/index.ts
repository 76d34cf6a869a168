import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	CredentialsError,
	readCredentials,
	signRequest,
	type AliKassaCredentials,
} from '../core/credentials';
import type { PhpJsonValue } from '../core/phpJson';
import { PrivateKeyError } from '../core/privateKey';
import { getBodySigner } from '../core/signer';
import { httpPost } from './httpPost';

export const CREDENTIAL_TYPE = 'aliKassaPayoutApi';
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What kind of failure a request met. `outcomeUnknown` means the request may have reached
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

export class AliKassaApiError extends NodeApiError {
	readonly outcomeUnknown: boolean;

	readonly retryAfterMs?: number;

	/** AliKassa's answer, parsed when it was JSON */
	readonly responseBody: unknown;

	constructor(
		context: IExecuteFunctions,
		readonly kind: FailureKind,
		details: {
			message: string;
			description?: string;
			httpCode?: number;
			body?: unknown;
			itemIndex: number;
			retryAfterMs?: number;
		},
	) {
		super(
			context.getNode(),
			{
				message: details.message,
				httpCode: details.httpCode ?? null,
				body: details.body ?? null,
			} as JsonObject,
			{
				message: details.message,
				description: details.description,
				httpCode: details.httpCode === undefined ? undefined : String(details.httpCode),
				itemIndex: details.itemIndex,
			},
		);
		// n8n's editor recognises API errors by this name
		this.name = 'NodeApiError';
		this.outcomeUnknown = OUTCOME_UNKNOWN.has(kind);
		this.retryAfterMs = details.retryAfterMs;
		this.responseBody = details.body;
	}
}

/** Reads the credential and loads its key once, so a bad key fails before anything is sent. */
export async function loadCredentials(context: IExecuteFunctions): Promise<AliKassaCredentials> {
	const data = await context.getCredentials(CREDENTIAL_TYPE);
	try {
		const credentials = readCredentials(data);
		getBodySigner(credentials);
		return credentials;
	} catch (error) {
		if (error instanceof PrivateKeyError || error instanceof CredentialsError) {
			throw new NodeOperationError(context.getNode(), `AliKassa credential: ${error.message}`, {
				description: 'Open the AliKassa Payout API credential and check it.',
			});
		}
		throw error;
	}
}

function laravelErrors(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | null)?.errors;
	if (!errors || typeof errors !== 'object') return undefined;
	return Object.entries(errors as Record<string, unknown>)
		.map(
			([field, messages]) =>
				`${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`,
		)
		.join('; ');
}

function messageOf(body: unknown): string | undefined {
	const message = (body as { message?: unknown } | null)?.message;
	return typeof message === 'string' && message !== '' ? message : undefined;
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	const seconds = Number(value);
	if (value === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
	return seconds * 1000;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function excerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

interface FullResponse {
	body: unknown;
	headers?: IDataObject;
	statusCode: number;
}

function failureFromResponse(
	context: IExecuteFunctions,
	path: string,
	{ body: rawBody, headers, statusCode }: FullResponse,
	itemIndex: number,
): AliKassaApiError | undefined {
	const body = parseBody(rawBody);
	const fieldErrors = laravelErrors(body);
	const said = fieldErrors ?? messageOf(body);
	const details = { httpCode: statusCode, body, itemIndex };
	if (statusCode >= 200 && statusCode < 300) {
		if (typeof body !== 'object' || body === null) {
			return new AliKassaApiError(context, 'notJson', {
				...details,
				message: `AliKassa answered ${path} with something that is not JSON (HTTP ${statusCode})`,
				description: typeof body === 'string' ? `It began: ${excerpt(body)}` : undefined,
			});
		}
		if (fieldErrors === undefined) return undefined;
	}
	if (statusCode === 400 || statusCode === 422 || (statusCode < 300 && fieldErrors)) {
		return new AliKassaApiError(context, 'rejected', {
			...details,
			message: `AliKassa refused the request: ${said ?? 'no reason given'}`,
			description: messageOf(body),
		});
	}
	if (statusCode === 401 || statusCode === 403) {
		return new AliKassaApiError(context, 'unauthorized', {
			...details,
			message: `AliKassa refused the credentials (HTTP ${statusCode}): ${said ?? 'no reason given'}`,
			description:
				'Check the Account ID, and that private.pem belongs to the payout certificate of that account.',
		});
	}
	if (statusCode === 404) {
		return new AliKassaApiError(context, 'notFound', {
			...details,
			message: said ?? `AliKassa has no ${path}`,
		});
	}
	if (statusCode === 429) {
		return new AliKassaApiError(context, 'rateLimited', {
			...details,
			message: 'AliKassa is limiting the request rate (HTTP 429)',
			retryAfterMs: retryAfterMs(headers),
		});
	}
	return new AliKassaApiError(context, statusCode >= 500 ? 'serverError' : 'rejected', {
		...details,
		message: `AliKassa answered HTTP ${statusCode}${said ? `: ${said}` : ''}`,
		description: typeof body === 'string' ? `It began: ${excerpt(body)}` : undefined,
	});
}

/** The system error code (ECONNRESET…), which n8n's NodeApiError keeps as its httpCode. */
function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 4; depth++) {
		for (const code of [
			(current as { code?: unknown }).code,
			(current as { httpCode?: unknown }).httpCode,
		]) {
			if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

// n8n swaps a message that mentions a system error code for its own generic text, so the
// code goes into the description.
function failureFromException(
	context: IExecuteFunctions,
	path: string,
	error: unknown,
	timeoutMs: number,
	itemIndex: number,
): AliKassaApiError {
	const code = errorCode(error);
	const codeNote = code ? `System error code: ${code}.` : undefined;
	if (
		code === 'ECONNABORTED' ||
		code === 'ETIMEDOUT' ||
		/timeout/i.test(String((error as Error)?.message))
	) {
		return new AliKassaApiError(context, 'timeout', {
			itemIndex,
			message: `AliKassa did not answer ${path} within ${timeoutMs / 1000} s`,
			description: codeNote,
		});
	}
	if (
		code === 'ECONNREFUSED' ||
		code === 'ENOTFOUND' ||
		code === 'EAI_AGAIN' ||
		code === 'EHOSTUNREACH'
	) {
		return new AliKassaApiError(context, 'unreachable', {
			itemIndex,
			message: 'Cannot reach AliKassa; nothing was sent',
			description: `${codeNote} Check the Base URL in the credential and the network.`,
		});
	}
	return new AliKassaApiError(context, 'connectionLost', {
		itemIndex,
		message: `The connection to AliKassa broke during ${path}`,
		description: codeNote,
	});
}

export interface AliKassaRequest {
	path: string;
	body?: PhpJsonValue;
	itemIndex: number;
	timeoutMs?: number;
}

/**
 * POSTs a request signed by the same code as the credential's `authenticate` (byte for byte)
 * over a warm connection, and returns AliKassa's JSON answer, or throws an AliKassaApiError
 * that says what happened in plain words. Only the credential's Base URL is ever called: the
 * paths are fixed and a redirect is never followed.
 */
export async function aliKassaApiRequest(
	this: IExecuteFunctions,
	credentials: AliKassaCredentials,
	{ path, body, itemIndex, timeoutMs = DEFAULT_TIMEOUT_MS }: AliKassaRequest,
): Promise<IDataObject> {
	const url = new URL(`${credentials.baseUrl}/${path}`);
	const signed = signRequest(credentials, body);
	let response: FullResponse;
	try {
		response = await httpPost({
			url,
			body: signed.body,
			headers: signed.headers,
			timeoutMs,
			signal: this.getExecutionCancelSignal(),
		});
	} catch (error) {
		throw failureFromException(this, path, error, timeoutMs, itemIndex);
	}
	const failure = failureFromResponse(this, path, response, itemIndex);
	if (failure) throw failure;
	return parseBody(response.body) as IDataObject;
}
