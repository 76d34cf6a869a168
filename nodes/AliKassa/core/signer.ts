import { createHash, sign as nativeSign, type KeyObject } from 'crypto';

import { loadPrivateKey, PrivateKeyError } from './privateKey';

/** AliKassa's PHP sample calls openssl_sign without an algorithm, which means SHA-1. */
export type SignatureHash = 'sha1' | 'sha256';

export interface BodySigner {
	/** base64 RSASSA-PKCS1-v1_5 signature over the UTF-8 bytes of `body` */
	sign(body: string): Promise<string>;
}

export interface SigningCredentials {
	privateKey: string;
	password: string;
	signatureHash: SignatureHash;
}

/**
 * OpenSSL signs on libuv's thread pool: an RSA-2048 signature holds a core for ~0.4 ms (an
 * RSA-8192 one for ~40 ms), which on n8n's one JavaScript thread would be taken from every
 * other item, execution and webhook.
 */
export function createBodySigner(key: KeyObject, hash: SignatureHash): BodySigner {
	return {
		sign: (body) =>
			new Promise((resolve, reject) => {
				nativeSign(hash, Buffer.from(body, 'utf8'), key, (error, signature) => {
					if (error) reject(error);
					else resolve(signature.toString('base64'));
				});
			}),
	};
}

const MAX_CACHED_SIGNERS = 16;
const signerCache = new Map<string, BodySigner>();
/** The signer each credential object already led to; gone with the object. */
const signerOfCredentials = new WeakMap<SigningCredentials, BodySigner>();
const failureCache = new Map<string, PrivateKeyError>();

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
	if (cache.size >= MAX_CACHED_SIGNERS) cache.delete(cache.keys().next().value as string);
	cache.set(key, value);
}

const digestOf = (...parts: string[]) =>
	createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * Decrypting a key costs a millisecond to seconds, so each distinct credential is loaded once
 * per process, and a key that cannot be loaded fails again at once, without repeating the
 * work on every execution or Test click. Both caches live in memory only, keyed by a hash of
 * the credential's content, never the content itself.
 */
export function getBodySigner(credentials: SigningCredentials): BodySigner {
	// A node reads its credential once per run and signs every payout with that same object:
	// hashing the key and password again for each request would be per-item work.
	const resolved = signerOfCredentials.get(credentials);
	if (resolved) return resolved;
	const signer = signerForContent(credentials);
	signerOfCredentials.set(credentials, signer);
	return signer;
}

function signerForContent(credentials: SigningCredentials): BodySigner {
	const keyDigest = digestOf(credentials.privateKey, credentials.password);
	const signerKey = digestOf(keyDigest, credentials.signatureHash);
	const cached = signerCache.get(signerKey);
	if (cached) return cached;
	const failure = failureCache.get(keyDigest);
	if (failure) throw failure;
	let key: KeyObject | undefined;
	let loadFailure: unknown;
	try {
		key = loadPrivateKey(credentials.privateKey, credentials.password);
	} catch (error) {
		loadFailure = error;
	}
	if (key === undefined) {
		if (loadFailure instanceof PrivateKeyError) remember(failureCache, keyDigest, loadFailure);
		throw loadFailure;
	}
	const signer = createBodySigner(key, credentials.signatureHash);
	remember(signerCache, signerKey, signer);
	return signer;
}
