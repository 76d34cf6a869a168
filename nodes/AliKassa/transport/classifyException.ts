import type { ApiFailure } from './failure';

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

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

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
	return {
		kind: 'connectionLost',
		message: `The connection to AliKassa broke during ${path}`,
		description: codeNote,
	};
}
