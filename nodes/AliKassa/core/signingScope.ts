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

/** Creating a payout, relative to the Base URL; a lookup (v1/payout/status) is not one. */
function isPayoutCreation(credentials: AliKassaCredentials, target: URL): boolean {
	const basePath = new URL(credentials.baseUrl).pathname.replace(/\/+$/, '');
	const path = target.pathname.slice(basePath.length).replace(/\/+$/, '').toLowerCase();
	return path === '/v1/payout';
}

/**
 * A payout's fields belong in the signed body. AliKassa's Laravel app also reads the query
 * string as input, which the Sign does not cover and the Maximum Amount cannot see
 * (`v1/payout?amount=5000000.00` with a body lacking amount), so a payout with a query is
 * not signed.
 */
export function checkPayoutQuery(
	credentials: AliKassaCredentials,
	target: string,
	qs: object | undefined,
): void {
	const url = new URL(target);
	if (!isPayoutCreation(credentials, url)) return;
	if (url.search !== '' || (qs !== undefined && qs !== null && Object.keys(qs).length > 0)) {
		throw new SigningRefusedError(
			'Not signed: a payout (v1/payout) takes its fields in the JSON body only; this request also has query parameters, which the signature does not cover. Nothing was sent.',
		);
	}
}

/**
 * A proxy given with the request (the HTTP Request node's Proxy option) would see a plain
 * http request whole: the signed body and Sign, off the Base URL's origin. Through https it
 * only tunnels bytes it cannot read.
 */
export function checkRequestProxy(target: string, proxy: unknown): void {
	if (proxy === undefined || proxy === null || proxy === '' || proxy === false) return;
	if (new URL(target).protocol === 'https:') return;
	throw new SigningRefusedError(
		'Not signed: this request goes through a proxy over plain http, which would receive the signed body and Sign. Remove the proxy option or use an https Base URL. Nothing was sent.',
	);
}

/**
 * Under a Maximum Amount per Payout, any body carrying an `amount` above it (or one that
 * cannot be read to check) is refused, and so is a payout whose body has no amount the limit
 * could see: the HTTP Request node can call v1/payout too.
 */
export function checkAmountLimit(
	credentials: AliKassaCredentials,
	body: PhpJsonValue | string | undefined,
	target?: string,
): void {
	if (credentials.maxAmount === undefined) return;
	const payout = target !== undefined && isPayoutCreation(credentials, new URL(target));
	const parsed = readBody(body);
	if (typeof body === 'string' && parsed === undefined && body.trim() !== '') {
		throw new SigningRefusedError(
			'The AliKassa credential has a Maximum Amount per Payout and this request body is not JSON, so it cannot be checked. Nothing was sent.',
		);
	}
	const fields =
		typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
			? new Map<string, unknown>()
			: parsed instanceof Map
				? parsed
				: new Map(Object.entries(parsed));
	if (!fields.has('amount')) {
		if (!payout) return;
		throw new SigningRefusedError(
			'Not signed: the AliKassa credential has a Maximum Amount per Payout and this payout (v1/payout) has no amount in its body to check. Nothing was sent.',
		);
	}
	const refusal = payoutLimitRefusal(fields.get('amount'), credentials.maxAmount);
	if (refusal) throw new SigningRefusedError(`Not signed: ${refusal}. Nothing was sent.`);
}
