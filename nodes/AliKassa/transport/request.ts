import type { IAllExecuteFunctions, IDataObject } from 'n8n-workflow';

import { signRequest, type AliKassaCredentials } from '../core/credentials';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/defaults';
import type { PhpJsonValue } from '../core/phpJson';
import { classifyException } from './classifyException';
import { classifyResponse, parseBody, type FullResponse } from './classifyResponse';
import { AliKassaApiError } from './errors';
import type { ApiFailure } from './failure';
import { httpPost, type HttpPost } from './httpPost';

export interface AliKassaRequest {
	path: string;
	body?: PhpJsonValue;
	itemIndex?: number;
	timeoutMs?: number;
}

/** n8n's signal that the execution was cancelled, where the context has one. */
function cancelSignal(context: IAllExecuteFunctions): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/** AliKassa's parsed answer to one POST, or what went wrong, in plain words. */
async function exchange(
	path: string,
	post: HttpPost,
): Promise<{ answer: unknown } | { failure: ApiFailure }> {
	let response: FullResponse;
	try {
		response = await httpPost(post);
	} catch (error) {
		return { failure: classifyException(path, error, post.timeoutMs) };
	}
	const failure = classifyResponse(path, response);
	return failure ? { failure } : { answer: parseBody(response.body) };
}

/**
 * POSTs a request signed by the credential's own code (`signRequest`, which its `authenticate`
 * uses for the HTTP Request node: the same bytes, the same Sign) over a warm connection, and
 * returns AliKassa's JSON answer, or throws an AliKassaApiError that says what happened in
 * plain words. A signed body is as good as money: it goes to the Base URL and nowhere else
 * (fixed paths, redirects never followed). Any n8n context will do (a node's execute, a
 * webhook).
 */
export async function aliKassaApiRequest(
	this: IAllExecuteFunctions,
	credentials: AliKassaCredentials,
	{ path, body, itemIndex, timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000 }: AliKassaRequest,
): Promise<IDataObject> {
	const signed = await signRequest(credentials, body);
	const result = await exchange(path, {
		url: new URL(`${credentials.baseUrl}/${path}`),
		body: signed.body,
		headers: signed.headers,
		timeoutMs,
		signal: cancelSignal(this),
	});
	if ('failure' in result) throw new AliKassaApiError(this.getNode(), result.failure, itemIndex);
	return result.answer as IDataObject;
}
