import type { IDataObject } from 'n8n-workflow';

import type { ApiFailure } from './failure';
import { laravelErrors, laravelMessage } from './laravel';

export interface FullResponse {
	body: unknown;
	headers?: IDataObject;
	statusCode: number;
}

export function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	const seconds = Number(value);
	if (value === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
	return seconds * 1000;
}

function locationHost(headers: IDataObject | undefined): string {
	const location = headers?.location;
	if (typeof location !== 'string' || location === '') return 'nowhere (no Location)';
	try {
		return new URL(location).host;
	} catch {
		return 'the same host';
	}
}

function excerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** What went wrong according to AliKassa's answer to `path`; undefined when nothing did. */
export function classifyResponse(
	path: string,
	{ body: rawBody, headers, statusCode }: FullResponse,
): ApiFailure | undefined {
	const body = parseBody(rawBody);
	const fieldErrors = laravelErrors(body);
	const said = fieldErrors ?? laravelMessage(body);
	const details = { httpCode: statusCode, body };
	if (statusCode >= 200 && statusCode < 300) {
		if (typeof body !== 'object' || body === null) {
			return {
				...details,
				kind: 'notJson',
				message: `AliKassa answered ${path} with something that is not JSON (HTTP ${statusCode})`,
				description: typeof body === 'string' ? `It began: ${excerpt(body)}` : undefined,
			};
		}
		if (fieldErrors === undefined) return undefined;
	}
	if (statusCode >= 300 && statusCode < 400) {
		return {
			...details,
			kind: statusCode === 303 ? 'seeOther' : 'redirected',
			message: `AliKassa answered ${path} with a redirect (HTTP ${statusCode}) to ${locationHost(headers)}, which was not followed`,
			description:
				'Signed requests go only to the Base URL of the credential. Check the Base URL, or whether a proxy redirects requests.',
		};
	}
	if (statusCode === 400 || statusCode === 422 || (statusCode < 300 && fieldErrors)) {
		return {
			...details,
			kind: 'rejected',
			message: `AliKassa refused the request: ${said ?? 'no reason given'}`,
			description: laravelMessage(body),
		};
	}
	if (statusCode === 401 || statusCode === 403) {
		return {
			...details,
			kind: 'unauthorized',
			message: `AliKassa refused the credentials (HTTP ${statusCode}): ${said ?? 'no reason given'}`,
			description:
				'Check the Account ID, and that private.pem belongs to the payout certificate of that account.',
		};
	}
	if (statusCode === 404) {
		return { ...details, kind: 'notFound', message: said ?? `AliKassa has no ${path}` };
	}
	if (statusCode === 429) {
		return {
			...details,
			kind: 'rateLimited',
			message: 'AliKassa is limiting the request rate (HTTP 429)',
			retryAfterMs: retryAfterMs(headers),
		};
	}
	return {
		...details,
		kind: statusCode >= 500 ? 'serverError' : 'rejected',
		message: `AliKassa answered HTTP ${statusCode}${said ? `: ${said}` : ''}`,
		description: typeof body === 'string' ? `It began: ${excerpt(body)}` : undefined,
	};
}
