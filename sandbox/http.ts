import type { IncomingMessage, ServerResponse } from 'http';
import { phpJsonEncode, type PhpJsonValue } from '../nodes/AliKassa/core/phpJson';

export interface Answer {
	status: number;
	contentType: string;
	body: string;
	headers?: Record<string, string>;
}

/** AliKassa runs on Laravel, whose JSON answers are PHP json_encode output (`\/`, `\uXXXX`). */
export function phpJsonAnswer(status: number, value: PhpJsonValue): Answer {
	return { status, contentType: 'application/json', body: phpJsonEncode(value) };
}

/** The control API is the sandbox's own and answers plain JSON. */
export function jsonAnswer(status: number, value: unknown): Answer {
	return { status, contentType: 'application/json', body: JSON.stringify(value) };
}

export function htmlAnswer(status: number, html: string): Answer {
	return { status, contentType: 'text/html; charset=UTF-8', body: html };
}

export function send(response: ServerResponse, answer: Answer): void {
	response.writeHead(answer.status, { ...answer.headers, 'Content-Type': answer.contentType });
	response.end(answer.body);
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(raw: Buffer | string): JsonParse {
	try {
		return { ok: true, value: JSON.parse(raw.toString()) };
	} catch {
		return { ok: false };
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Without a leading slash as the PHP sample names them ('v1/payout'), or with a trailing one. */
export function normalizePath(path: string): string {
	const withSlash = path.startsWith('/') ? path : `/${path}`;
	return withSlash.length > 1 ? withSlash.replace(/\/$/, '') : withSlash;
}
