import type { ApiFailure } from './failure';

/**
 * The system or TLS error code (ECONNRESET, UNABLE_TO_VERIFY_LEAF_SIGNATURE…), which n8n's
 * NodeApiError keeps as its httpCode.
 */
function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 4; depth++) {
		for (const code of [
			(current as { code?: unknown }).code,
			(current as { httpCode?: unknown }).httpCode,
		]) {
			if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * OpenSSL's verdicts on the server's certificate. They come from the TLS handshake, before a
 * byte of the request is written, so nothing reached AliKassa.
 */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_UNTRUSTED',
	'CERT_REVOKED',
	'CERT_SIGNATURE_FAILURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * What a request to `path` that threw (no HTTP answer) met. n8n swaps a message that mentions a
 * system error code for its own generic text, so the code goes into the description.
 */
export function classifyException(path: string, error: unknown, timeoutMs: number): ApiFailure {
	const code = errorCode(error);
	const codeNote = code ? `System error code: ${code}.` : undefined;
	if (
		code === 'ECONNABORTED' ||
		code === 'ETIMEDOUT' ||
		/timeout/i.test(String((error as Error)?.message))
	) {
		return {
			kind: 'timeout',
			message: `AliKassa did not answer ${path} within ${timeoutMs / 1000} s`,
			description: codeNote,
		};
	}
	if (code !== undefined && UNREACHABLE_CODES.has(code)) {
		return {
			kind: 'unreachable',
			message: 'Cannot reach AliKassa; nothing was sent',
			description: `${codeNote} Check the Base URL in the credential and the network.`,
		};
	}
	if (code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
		return {
			kind: 'unreachable',
			message: "AliKassa's TLS certificate was not accepted; nothing was sent",
			description: `${codeNote} The connection was refused before the request left. If a proxy or a private CA stands between n8n and AliKassa, give n8n its CA certificate (NODE_EXTRA_CA_CERTS).`,
		};
	}
	return {
		kind: 'connectionLost',
		message: `The connection to AliKassa broke during ${path}`,
		description: codeNote,
	};
}
