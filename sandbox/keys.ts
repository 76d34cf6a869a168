import { createPrivateKey, sign, verify, type KeyObject } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { SignatureHash } from './types';

/** From ts-jest this file runs as sandbox/keys.ts, once built as dist-dev/sandbox/keys.js. */
const CERT_DIR_CANDIDATES = [
	join(__dirname, 'cert'),
	join(__dirname, '..', '..', 'sandbox', 'cert'),
];

export function sandboxCertDir(): string {
	const found = CERT_DIR_CANDIDATES.find((dir) => existsSync(join(dir, 'payout', 'public.pem')));
	if (found === undefined) {
		throw new Error(
			`AliKassa sandbox certificates not found in ${CERT_DIR_CANDIDATES.join(' or ')}; ` +
				'make them with `php test/php/make-sandbox-certs.php`',
		);
	}
	return found;
}

export function readCertFile(archive: 'payout' | 'notifications', file: string): string {
	return readFileSync(join(sandboxCertDir(), archive, file), 'utf8');
}

/** The sandbox's test TLS: ca.pem (what clients trust), server.pem and server-key.pem. */
export function readTlsFile(file: 'ca.pem' | 'server.pem' | 'server-key.pem'): Buffer {
	return readFileSync(join(sandboxCertDir(), 'tls', file));
}

/** For NODE_EXTRA_CA_CERTS: test material, never to be trusted outside tests. */
export function sandboxCaFile(): string {
	return join(sandboxCertDir(), 'tls', 'ca.pem');
}

/** Opened as PHP's openssl_pkey_get_private does: with password.txt verbatim, newline and all. */
export function notificationsPrivateKey(): KeyObject {
	const dir = join(sandboxCertDir(), 'notifications');
	return createPrivateKey({
		key: readFileSync(join(dir, 'private.pem')),
		format: 'pem',
		passphrase: readFileSync(join(dir, 'password.txt')),
	});
}

/**
 * Which hash the RSASSA-PKCS1-v1_5 signature was made with: SHA-1 is openssl_sign's default
 * and AliKassa's, SHA-256 is what some newer doc pages show. null when neither verifies.
 */
export function verifiedHash(
	publicKey: KeyObject,
	body: Buffer,
	signBase64: string,
): SignatureHash | null {
	const signature = Buffer.from(signBase64, 'base64');
	const hashes: SignatureHash[] = ['sha1', 'sha256'];
	return hashes.find((hash) => verifiesWith(hash, publicKey, body, signature)) ?? null;
}

function verifiesWith(
	hash: SignatureHash,
	publicKey: KeyObject,
	body: Buffer,
	signature: Buffer,
): boolean {
	try {
		return verify(hash, body, publicKey, signature);
	} catch {
		return false;
	}
}

/** openssl_sign with its default SHA-1, base64 encoded. */
export function signSha1Base64(text: string, privateKey: KeyObject): string {
	return sign('sha1', Buffer.from(text, 'utf8'), privateKey).toString('base64');
}
