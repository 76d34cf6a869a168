import type { IAllExecuteFunctions, IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { signRequest, type AliKassaCredentials } from '../core/credentials';
import { DEFAULT_TIMEOUT_SECONDS, MAX_ANSWER_BYTES } from '../core/defaults';
import type { PhpJsonValue } from '../core/phpJson';
import { classifyException } from './classifyException';
import { classifyResponse, parseBody } from './classifyResponse';
import { AliKassaApiError } from './errors';
import type { ApiFailure } from './failure';
import { systemError } from './systemError';

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
 * The answer as text, cut off past MAX_ANSWER_BYTES. The deadline ends the read too: axios'
 * own `timeout` is an idle timer, which a server that trickles bytes never lets fire.
 */
async function readAnswer(stream: AsyncIterable<Buffer>, deadline: AbortSignal): Promise<string> {
	const destroy = () =>
		(stream as unknown as { destroy(error: Error): void }).destroy(
			systemError('The exchange passed its deadline', 'ECONNABORTED'),
		);
	deadline.addEventListener('abort', destroy, { once: true });
	try {
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of stream) {
			size += chunk.length;
			if (size > MAX_ANSWER_BYTES) {
				throw systemError(`The answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'EMSGSIZE');
			}
			chunks.push(chunk);
		}
		return Buffer.concat(chunks).toString('utf8');
	} finally {
		deadline.removeEventListener('abort', destroy);
	}
}

/**
 * AliKassa's parsed answer to one POST of the signed bytes, or what went wrong, in plain words.
 * n8n's request helper sends it, so n8n's proxy settings and egress rules apply; a redirect is
 * an answer like any other (never followed), and the whole exchange ends within the timeout.
 */
async function exchange(
	context: IAllExecuteFunctions,
	url: string,
	path: string,
	signed: { body: string; headers: Record<string, string> },
	timeoutMs: number,
): Promise<{ answer: unknown } | { failure: ApiFailure }> {
	const timeout = AbortSignal.timeout(timeoutMs);
	const cancel = cancelSignal(context);
	const deadline = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
	try {
		const response = (await context.helpers.httpRequest({
			method: 'POST',
			url,
			body: signed.body,
			headers: { Accept: 'application/json', ...signed.headers },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			abortSignal: deadline,
		})) as IN8nHttpFullResponse;
		const body = await readAnswer(response.body as AsyncIterable<Buffer>, deadline);
		const failure = classifyResponse(path, { ...response, body });
		return failure ? { failure } : { answer: parseBody(body) };
	} catch (error) {
		const timedOut = timeout.aborted ? systemError('deadline', 'ECONNABORTED') : error;
		return { failure: classifyException(path, timedOut, timeoutMs) };
	}
}

/**
 * POSTs a request signed by the credential's own code (`signRequest`, which its `authenticate`
 * uses for the HTTP Request node: the same bytes, the same Sign) and returns AliKassa's JSON
 * answer, or throws an AliKassaApiError that says what happened in plain words. A signed body
 * is as good as money: it goes to the Base URL and nowhere else (fixed paths, redirects never
 * followed). Any n8n context will do (a node's execute, a webhook).
 */
export async function aliKassaApiRequest(
	this: IAllExecuteFunctions,
	credentials: AliKassaCredentials,
	{ path, body, itemIndex, timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000 }: AliKassaRequest,
): Promise<IDataObject> {
	const signed = await signRequest(credentials, body);
	const url = `${credentials.baseUrl}/${path}`;
	const result = await exchange(this, url, path, signed, timeoutMs);
	if ('failure' in result) throw new AliKassaApiError(this.getNode(), result.failure, itemIndex);
	return result.answer as IDataObject;
}
