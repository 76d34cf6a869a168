/**
 * One POST over a warm connection: the signed bytes go out as they are, a redirect is an answer
 * like any other (never followed), and the whole exchange ends within the timeout.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'http';
import { request as httpsRequest } from 'https';

import { MAX_ANSWER_BYTES } from '../core/defaults';
import { agentFor } from './connections';
import { systemError } from './systemError';

export interface HttpPost {
	url: URL;
	body: string;
	headers: Record<string, string>;
	timeoutMs: number;
	/** n8n's signal that the execution was cancelled */
	signal?: AbortSignal;
}

export interface HttpAnswer {
	statusCode: number;
	headers: IncomingHttpHeaders;
	/** The answer as text; the caller decides whether it is JSON. */
	body: string;
}

export function httpPost({ url, body, headers, timeoutMs, signal }: HttpPost): Promise<HttpAnswer> {
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const fail = (error: Error) => {
			clearTimeout(timer);
			reject(error);
			request.destroy();
		};
		const request = send(
			url,
			{
				method: 'POST',
				agent: agentFor(url),
				signal,
				headers: {
					Accept: 'application/json',
					'User-Agent': 'n8n',
					...headers,
					'Content-Length': Buffer.byteLength(body),
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > MAX_ANSWER_BYTES) {
						fail(systemError(`The answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'EMSGSIZE'));
					} else {
						chunks.push(chunk);
					}
				});
				response.on('end', () => {
					clearTimeout(timer);
					resolve({
						statusCode: response.statusCode ?? 0,
						headers: response.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					});
				});
				response.on('error', fail);
			},
		);
		// A deadline for the whole exchange, not an idle timer: a server that trickles bytes
		// cannot hold the payout longer than the timeout.
		const timer = setTimeout(
			() => fail(systemError(`timeout of ${timeoutMs}ms exceeded`, 'ECONNABORTED')),
			timeoutMs,
		);
		request.on('error', fail);
		request.end(body);
	});
}
