import { createPrivateKey, type KeyObject } from 'crypto';

import { inspectKeyEncryption } from './keyEncryption';
import { repairPem } from './pem';
import { PrivateKeyError } from './privateKeyError';

export { PrivateKeyError, type PrivateKeyProblem } from './privateKeyError';

/** Each signature's cost grows with the cube of the size; AliKassa issues 2048 or 4096. */
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

function checkedRsaKey(key: KeyObject): KeyObject {
	if (key.asymmetricKeyType !== 'rsa') throw new PrivateKeyError('not-rsa');
	const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits > MAX_RSA_BITS) throw new PrivateKeyError('too-many-bits', `This one has ${bits}.`);
	return key;
}

/**
 * The encryption is read and bounded first; then OpenSSL tries each password candidate
 * once, about a millisecond each at OpenSSL's default settings.
 */
function loadEncryptedKey(pem: string, password: string): KeyObject {
	inspectKeyEncryption(pem);
	if (password === '') throw new PrivateKeyError('password-missing');
	for (const candidate of passwordCandidates(password)) {
		const key = openWithOpenSsl(pem, candidate);
		if (key) return checkedRsaKey(key);
	}
	throw new PrivateKeyError('wrong-password');
}

/** Loads private.pem as pasted, opened with password.txt as pasted. */
export function loadPrivateKey(pemText: string, password: string): KeyObject {
	const pem = repairPem(pemText);
	if (pem.startsWith('-----BEGIN EC PRIVATE KEY') || pem.startsWith('-----BEGIN DSA PRIVATE KEY')) {
		throw new PrivateKeyError('not-rsa');
	}
	if (isEncrypted(pem)) return loadEncryptedKey(pem, password);
	const key = openWithOpenSsl(pem, undefined);
	if (!key) throw new PrivateKeyError('damaged');
	return checkedRsaKey(key);
}
