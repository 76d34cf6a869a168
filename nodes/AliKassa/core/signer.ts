import { createHash, createPrivateKey, sign as nativeSign, type KeyObject } from 'crypto';
import forge from '../vendor/forge';

import { loadPrivateKey, PrivateKeyError } from './privateKey';

/** AliKassa's PHP sample calls openssl_sign without an algorithm, which means SHA-1. */
export type SignatureHash = 'sha1' | 'sha256';

export interface BodySigner {
	/** base64 RSASSA-PKCS1-v1_5 signature over the UTF-8 bytes of `body` */
	sign(body: string): Promise<string>;
	/** 'native' (OpenSSL through Node) when it was proven identical to forge for this key */
	readonly engine: 'native' | 'forge';
}

export interface SigningCredentials {
	privateKey: string;
	password: string;
	signatureHash: SignatureHash;
}

export function signWithForge(
	key: forge.pki.rsa.PrivateKey,
	body: string,
	hash: SignatureHash,
): string {
	const digest = forge.md[hash].create();
	digest.update(body, 'utf8');
	return forge.util.encode64(key.sign(digest));
}

function signWithNode(key: KeyObject, body: string, hash: SignatureHash): string {
	return nativeSign(hash, Buffer.from(body, 'utf8'), key).toString('base64');
}

/**
 * The same OpenSSL call on libuv's thread pool: an RSA-2048 signature holds a core for ~0.4 ms,
 * which on n8n's one JavaScript thread would be taken from every other item, execution and
 * webhook.
 */
function signWithNodeOffThread(key: KeyObject, body: string, hash: SignatureHash): Promise<string> {
	return new Promise((resolve, reject) => {
		nativeSign(hash, Buffer.from(body, 'utf8'), key, (error, signature) => {
			if (error) reject(error);
			else resolve(signature.toString('base64'));
		});
	});
}

const SELF_CHECK_BODY = '{"check":"native signer matches node-forge \\/ \\u0436"}';

/**
 * forge signs ~40 RSA-2048 signatures/s and blocks the event loop meanwhile; OpenSSL signs
 * thousands. forge stays the reference: the native signer is used only when it gives the
 * same bytes for this key (a system policy may, for instance, forbid SHA-1).
 */
export function createBodySigner(
	key: forge.pki.rsa.PrivateKey,
	hash: SignatureHash,
	preferNative = true,
): BodySigner {
	if (preferNative) {
		try {
			const nativeKey = createPrivateKey(forge.pki.privateKeyToPem(key));
			if (
				signWithNode(nativeKey, SELF_CHECK_BODY, hash) === signWithForge(key, SELF_CHECK_BODY, hash)
			) {
				return {
					engine: 'native',
					sign: (body) => signWithNodeOffThread(nativeKey, body, hash),
				};
			}
		} catch {
			// OpenSSL refused the key or the hash: forge alone still signs correctly.
		}
	}
	return { engine: 'forge', sign: async (body) => signWithForge(key, body, hash) };
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
	let key: forge.pki.rsa.PrivateKey | undefined;
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
