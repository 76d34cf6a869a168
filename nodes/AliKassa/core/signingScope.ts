import type { AliKassaCredentials } from './credentials';
import { payoutLimitRefusal } from './payoutLimit';
import type { PhpJsonValue } from './phpJson';

/** The credential will not sign this request; nothing has been sent. */
export class SigningRefusedError extends Error {}

// axios treats "scheme:" and protocol-relative "//host" as absolute, ignoring baseURL
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The address a request goes to, joined as axios joins `baseURL` (by default the Base URL)
 * and a relative `url`, and
 * refused unless its origin (scheme, host, port) is the credential's Base URL origin: a
 * signed body is as good as money to whoever receives it.
 */
export function signingTarget(
	credentials: AliKassaCredentials,
	url: string | undefined,
	baseURL: string | undefined,
): string {
	const text = (url ?? '').trim();
	const base = baseURL || credentials.baseUrl;
	const joined = ABSOLUTE_URL.test(text)
		? text
		: `${base.replace(/\/+$/, '')}/${text.replace(/^\/+/, '')}`;
	const allowed = new URL(credentials.baseUrl).origin;
	if (!URL.canParse(joined)) {
		throw new SigningRefusedError(
			`The AliKassa credential signs only requests to ${allowed}; this request has no complete address of its own. Nothing was sent.`,
		);
	}
	const target = new URL(joined);
	if (target.origin !== allowed) {
		throw new SigningRefusedError(
			`The AliKassa credential signs only requests to ${allowed}, its Base URL; this request goes to ${target.origin}. Nothing was sent.`,
		);
	}
	return target.href;
}

function readBody(body: PhpJsonValue | string | undefined): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

/**
 * Under a Maximum Amount per Payout, any body carrying an `amount` above it (or one that
 * cannot be read to check) is refused: the HTTP Request node can call v1/payout too.
 */
export function checkAmountLimit(
	credentials: AliKassaCredentials,
	body: PhpJsonValue | string | undefined,
): void {
	if (credentials.maxAmount === undefined) return;
	const parsed = readBody(body);
	if (typeof body === 'string' && parsed === undefined && body.trim() !== '') {
		throw new SigningRefusedError(
			'The AliKassa credential has a Maximum Amount per Payout and this request body is not JSON, so it cannot be checked. Nothing was sent.',
		);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
	const fields = parsed instanceof Map ? parsed : new Map(Object.entries(parsed));
	if (!fields.has('amount')) return;
	const refusal = payoutLimitRefusal(fields.get('amount'), credentials.maxAmount);
	if (refusal) throw new SigningRefusedError(`Not signed: ${refusal}. Nothing was sent.`);
}
