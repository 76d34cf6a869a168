import type { IAllExecuteFunctions, IDataObject } from 'n8n-workflow';

import { signRequest, type AliKassaCredentials } from '../core/credentials';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/defaults';
import type { PhpJsonValue } from '../core/phpJson';
import { classifyException } from './classifyException';
import { classifyResponse, parseBody } from './classifyResponse';
import { AliKassaApiError } from './errors';
import { httpPost } from './httpPost';

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
	const signed = signRequest(credentials, body);
	const sent = await httpPost({
		url: new URL(`${credentials.baseUrl}/${path}`),
		body: signed.body,
		headers: signed.headers,
		timeoutMs,
		signal: cancelSignal(this),
	}).then(
		(response) => ({ response }),
		(error: unknown) => ({ failure: classifyException(path, error, timeoutMs) }),
	);
	if ('failure' in sent) throw new AliKassaApiError(this.getNode(), sent.failure, itemIndex);
	const failure = classifyResponse(path, sent.response);
	if (failure) throw new AliKassaApiError(this.getNode(), failure, itemIndex);
	return parseBody(sent.response.body) as IDataObject;
}
