import { createPrivateKey, type KeyObject } from 'crypto';
import forge from '../vendor/forge';

export type PrivateKeyProblem =
	| 'empty'
	| 'not-pem'
	| 'public-key'
	| 'certificate'
	| 'damaged'
	| 'password-missing'
	| 'wrong-password'
	| 'not-rsa';

const MESSAGES: Record<PrivateKeyProblem, string> = {
	empty:
		'The private key is empty. Paste the whole contents of private.pem from the AliKassa certificate archive.',
	'not-pem':
		'The private key is not a PEM key. Paste the whole contents of private.pem, from "-----BEGIN" to the "-----END" line.',
	'public-key':
		'This is a public key (public.pem). Paste private.pem from the same archive instead: AliKassa keeps public.pem, you keep private.pem.',
	certificate:
		'This is a certificate, not a private key. Paste private.pem from the AliKassa certificate archive.',
	damaged:
		'The private key is damaged: its contents do not decode. Paste private.pem again, all of it.',
	'password-missing':
		'The private key is protected by a password. Enter the contents of password.txt from the same archive.',
	'wrong-password':
		'The password does not open this private key. Use the contents of password.txt from the same archive as private.pem.',
	'not-rsa':
		'The private key is not an RSA key. AliKassa payout certificates are RSA keys: use private.pem from the AliKassa archive.',
};

/** A problem with the pasted key or password; its message never quotes either of them. */
export class PrivateKeyError extends Error {
	constructor(readonly problem: PrivateKeyProblem) {
		super(MESSAGES[problem]);
		this.name = 'PrivateKeyError';
	}
}

interface PemBlock {
	label: string;
	headers: string[];
	base64: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const LEGACY_HEADER = /(Proc-Type|DEK-Info):\s*(\S+)/g;

function findPemBlocks(text: string): PemBlock[] {
	const blocks: PemBlock[] = [];
	for (const match of text.matchAll(PEM_BLOCK)) {
		const inner = match[2];
		const headers = [...inner.matchAll(LEGACY_HEADER)].map(
			([, name, value]) => `${name}: ${value}`,
		);
		blocks.push({
			label: match[1],
			headers,
			base64: inner.replace(LEGACY_HEADER, '').replace(/\s+/g, ''),
		});
	}
	return blocks;
}

function formatPem({ label, headers, base64 }: PemBlock): string {
	const lines = [`-----BEGIN ${label}-----`];
	if (headers.length > 0) lines.push(...headers, '');
	lines.push(...(base64.match(/.{1,64}/g) ?? []), `-----END ${label}-----`, '');
	return lines.join('\n');
}

/**
 * Keys pasted into a form arrive indented, on one line, with CRLF or with literal "\n"
 * sequences; rebuilding the PEM from its parts repairs all of them.
 */
export function repairPem(text: string): string {
	const unescaped = text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
	const blocks = findPemBlocks(unescaped);
	if (blocks.length === 0) {
		throw new PrivateKeyError(text.trim() === '' ? 'empty' : 'not-pem');
	}
	const privateBlock = blocks.find((block) => block.label.endsWith('PRIVATE KEY'));
	if (!privateBlock) {
		const labels = blocks.map((block) => block.label).join(' ');
		if (labels.includes('CERTIFICATE')) throw new PrivateKeyError('certificate');
		if (labels.includes('PUBLIC KEY')) throw new PrivateKeyError('public-key');
		throw new PrivateKeyError('not-pem');
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(privateBlock.base64) || privateBlock.base64.length % 4 !== 0) {
		throw new PrivateKeyError('damaged');
	}
	return formatPem(privateBlock);
}

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

function decryptWithForge(pem: string, password: string): forge.pki.rsa.PrivateKey | null {
	try {
		// forge reads the password as binary; OpenSSL and PHP use its UTF-8 bytes.
		return forge.pki.decryptRsaPrivateKey(pem, forge.util.encodeUtf8(password)) ?? null;
	} catch {
		// A wrong password sometimes makes forge throw on the garbage it decrypted.
		return null;
	}
}

function openWithNode(pem: string, password: string | undefined): KeyObject | null {
	try {
		return createPrivateKey({
			key: pem,
			format: 'pem',
			passphrase: password === undefined ? undefined : Buffer.from(password, 'utf8'),
		});
	} catch {
		return null;
	}
}

function toForgeRsaKey(key: KeyObject): forge.pki.rsa.PrivateKey {
	if (key.asymmetricKeyType !== 'rsa') throw new PrivateKeyError('not-rsa');
	const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
	return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
}

function loadPlainKey(pem: string): forge.pki.rsa.PrivateKey {
	try {
		return forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
	} catch {
		const nodeKey = openWithNode(pem, undefined);
		if (!nodeKey) throw new PrivateKeyError('damaged');
		return toForgeRsaKey(nodeKey);
	}
}

/**
 * A cut PKCS#8 key fails with every password, so its outer structure is checked first. A cut
 * legacy key cannot be told apart from a wrong password: its ciphertext has no structure.
 */
function hasBrokenPkcs8Structure(pem: string): boolean {
	if (!pem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY')) return false;
	try {
		forge.asn1.fromDer(forge.pem.decode(pem)[0].body);
		return false;
	} catch {
		return true;
	}
}

function loadEncryptedKey(pem: string, password: string): forge.pki.rsa.PrivateKey {
	if (hasBrokenPkcs8Structure(pem)) throw new PrivateKeyError('damaged');
	if (password === '') throw new PrivateKeyError('password-missing');
	const candidates = passwordCandidates(password);
	for (const candidate of candidates) {
		const key = decryptWithForge(pem, candidate);
		if (key) return key;
	}
	// What forge cannot read (scrypt, non-RSA keys) OpenSSL may; it also settles whether
	// the password, rather than the format, is what failed.
	for (const candidate of candidates) {
		const nodeKey = openWithNode(pem, candidate);
		if (nodeKey) return toForgeRsaKey(nodeKey);
	}
	throw new PrivateKeyError('wrong-password');
}

/** Loads private.pem as pasted, opened with password.txt as pasted. */
export function loadPrivateKey(pemText: string, password: string): forge.pki.rsa.PrivateKey {
	const pem = repairPem(pemText);
	if (pem.startsWith('-----BEGIN EC PRIVATE KEY') || pem.startsWith('-----BEGIN DSA PRIVATE KEY')) {
		throw new PrivateKeyError('not-rsa');
	}
	return isEncrypted(pem) ? loadEncryptedKey(pem, password) : loadPlainKey(pem);
}
