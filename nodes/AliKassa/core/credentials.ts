import { readAmount } from './amount';
import { phpJsonEncode, type PhpJsonValue } from './phpJson';
import { getBodySigner, type SignatureHash, type SigningCredentials } from './signer';

export const DEFAULT_BASE_URL = 'https://api-merchant.alikassa.com';

export interface AliKassaCredentials extends SigningCredentials {
	accountId: string;
	baseUrl: string;
	/** "Maximum Amount per Payout" as "1000.00"; undefined means no limit */
	maxAmount?: string;
}

export class CredentialsError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function asText(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * Signatures go only to this origin, so it must be exact: https (plain http only for a
 * sandbox on this machine), and nothing beyond scheme, host, port and path.
 */
function readBaseUrl(value: unknown): string {
	const text = (asText(value).trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
	if (!URL.canParse(text)) {
		throw new CredentialsError(`The Base URL is not a web address such as ${DEFAULT_BASE_URL}.`);
	}
	const url = new URL(text);
	if (url.username !== '' || url.password !== '') {
		throw new CredentialsError('The Base URL must not contain a user name or password.');
	}
	if (text.includes('?') || text.includes('#')) {
		throw new CredentialsError(
			`The Base URL must not have a query (?…) or fragment (#…): write only the address, such as ${DEFAULT_BASE_URL}.`,
		);
	}
	const sandbox = url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
	if (url.protocol !== 'https:' && !sandbox) {
		throw new CredentialsError(
			`The Base URL must start with https:// (plain http:// only for a sandbox on this machine: localhost, 127.x.x.x or [::1]), got ${url.protocol}//${url.host}.`,
		);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Empty means no limit; anything else must be an amount AliKassa could take. */
function readMaxAmount(value: unknown): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return undefined;
	}
	const read = readAmount(value);
	if ('amount' in read) return read.amount;
	throw new CredentialsError(
		`The Maximum Amount per Payout is not valid: ${read.problem}. Write an amount such as 50000.00, or leave it empty for no limit.`,
	);
}

/** Reads the credential's stored fields; the key and password are kept verbatim on purpose. */
export function readCredentials(data: Record<string, unknown>): AliKassaCredentials {
	const accountId = asText(data.accountId).trim();
	if (!UUID.test(accountId)) {
		throw new CredentialsError(
			'The Account ID is not a UUID. Copy it from the AliKassa cabinet, Accounts page (it looks like 93d5df06-996c-48c3-9847-348d6b580b80).',
		);
	}
	const baseUrl = readBaseUrl(data.baseUrl);
	const signatureHash: SignatureHash = data.signatureHash === 'sha256' ? 'sha256' : 'sha1';
	return {
		accountId,
		baseUrl,
		privateKey: asText(data.privateKey),
		password: asText(data.password),
		signatureHash,
		maxAmount: readMaxAmount(data.maxAmount),
	};
}

export interface SignedRequestParts {
	body: string;
	headers: { 'Content-Type': string; Account: string; Sign: string };
}

/**
 * Serializes the body once, PHP's way, and signs those exact bytes; the caller must send
 * this same string. A body given as text is signed as it stands. With no body, AliKassa's
 * PHP sample sends json_encode([]).
 */
export async function signRequest(
	credentials: AliKassaCredentials,
	body: PhpJsonValue | string | undefined,
): Promise<SignedRequestParts> {
	const text = typeof body === 'string' ? body : phpJsonEncode(body ?? []);
	const sign = await getBodySigner(credentials).sign(text);
	return {
		body: text,
		headers: { 'Content-Type': 'application/json', Account: credentials.accountId, Sign: sign },
	};
}
