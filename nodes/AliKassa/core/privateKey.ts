import { createPrivateKey, type KeyObject } from 'crypto';
import forge from '../vendor/forge';

import { inspectKeyEncryption, type KeyOpener } from './keyEncryption';
import { repairPem } from './pem';
import { PrivateKeyError } from './privateKeyError';

export { PrivateKeyError, type PrivateKeyProblem } from './privateKeyError';

/** Signing with more takes forge seconds per signature; AliKassa issues 2048 or 4096. */
export const MAX_RSA_BITS = 8192;

/**
 * password.txt is read verbatim by PHP, trailing newline included, and keys have been
 * encrypted both with and without it; the exact text is tried first.
 */
export function passwordCandidates(password: string): string[] {
	const candidates = [password, password.replace(/\r?\n$/, ''), password.trim()];
	return [...new Set(candidates)];
}

function isEncrypted(pem: string): boolean {
	return (
		pem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY') || pem.includes('Proc-Type: 4,ENCRYPTED')
	);
}

function openWithOpenSsl(pem: string, password: string | undefined): KeyObject | undefined {
	try {
		return createPrivateKey({
			key: pem,
			format: 'pem',
			passphrase: password === undefined ? undefined : Buffer.from(password, 'utf8'),
		});
	} catch {
		return undefined;
	}
}

function openWithForge(pem: string, password: string): forge.pki.rsa.PrivateKey | undefined {
	try {
		// forge reads the password as binary; OpenSSL and PHP use its UTF-8 bytes.
		return forge.pki.decryptRsaPrivateKey(pem, forge.util.encodeUtf8(password)) ?? undefined;
	} catch {
		// A wrong password sometimes makes forge throw on the garbage it decrypted.
		return undefined;
	}
}

function checkBits(bits: number): void {
	if (bits > MAX_RSA_BITS) throw new PrivateKeyError('too-many-bits', `This one has ${bits}.`);
}

/** forge stays the reference signer, so the key OpenSSL opened is handed over to it. */
function toForgeRsaKey(key: KeyObject): forge.pki.rsa.PrivateKey {
	if (key.asymmetricKeyType !== 'rsa') throw new PrivateKeyError('not-rsa');
	checkBits(key.asymmetricKeyDetails?.modulusLength ?? 0);
	const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
	return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
}

function checkedForgeKey(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PrivateKey {
	checkBits(key.n.bitLength());
	return key;
}

/**
 * Each password candidate is tried once, by one library: OpenSSL, which opens a key in
 * about a millisecond, or node-forge (15 ms to seconds) for the few schemes OpenSSL 3 keeps
 * in its legacy provider.
 */
function loadEncryptedKey(pem: string, password: string): forge.pki.rsa.PrivateKey {
	const opener: KeyOpener = inspectKeyEncryption(pem);
	if (password === '') throw new PrivateKeyError('password-missing');
	for (const candidate of passwordCandidates(password)) {
		if (opener === 'openssl') {
			const key = openWithOpenSsl(pem, candidate);
			if (key) return toForgeRsaKey(key);
		} else {
			const key = openWithForge(pem, candidate);
			if (key) return checkedForgeKey(key);
		}
	}
	throw new PrivateKeyError('wrong-password');
}

/** Loads private.pem as pasted, opened with password.txt as pasted. */
export function loadPrivateKey(pemText: string, password: string): forge.pki.rsa.PrivateKey {
	const pem = repairPem(pemText);
	if (pem.startsWith('-----BEGIN EC PRIVATE KEY') || pem.startsWith('-----BEGIN DSA PRIVATE KEY')) {
		throw new PrivateKeyError('not-rsa');
	}
	if (isEncrypted(pem)) return loadEncryptedKey(pem, password);
	const key = openWithOpenSsl(pem, undefined);
	if (!key) throw new PrivateKeyError('damaged');
	return toForgeRsaKey(key);
}
