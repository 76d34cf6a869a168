import { createCipheriv, createPrivateKey, pbkdf2Sync, randomBytes, scryptSync } from 'crypto';
import forge from 'node-forge';

import { MAX_PBKDF2_ITERATIONS } from '../../nodes/AliKassa/core/keyEncryption';
import { MAX_KEY_TEXT_LENGTH } from '../../nodes/AliKassa/core/pem';
import type { PrivateKeyProblem } from '../../nodes/AliKassa/core/privateKey';
import { keyFixture, readKeyFixture } from './keyFixtures';

export type KeyDerivation =
	| { kdf: 'pbkdf2'; iterations: number; hash?: 'sha256' | 'sha512' }
	| { kdf: 'scrypt'; cost: number; blockSize: number; parallelization: number };

const { asn1 } = forge;
const sequence = (...items: forge.asn1.Asn1[]) =>
	asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (name: string) =>
	asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(name).getBytes());
const octets = (bytes: Buffer) =>
	asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const integer = (value: number) =>
	asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());

const HMAC_OIDS = { sha256: '1.2.840.113549.2.9', sha512: '1.2.840.113549.2.11' };
/** des-cbc is written only unencrypted: Node's OpenSSL 3 has no DES, which is the point. */
const CIPHERS = {
	'aes-256-cbc': { oid: '2.16.840.1.101.3.4.1.42', ivLength: 16 },
	'des-cbc': { oid: '1.3.14.3.2.7', ivLength: 8 },
};

function kdfIdentifier(derivation: KeyDerivation, salt: Buffer): forge.asn1.Asn1 {
	if (derivation.kdf === 'pbkdf2') {
		const hmac = sequence(
			oid(HMAC_OIDS[derivation.hash ?? 'sha256']),
			asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
		);
		return sequence(
			oid('1.2.840.113549.1.5.12'),
			sequence(octets(salt), integer(derivation.iterations), hmac),
		);
	}
	const { cost, blockSize, parallelization } = derivation;
	return sequence(
		oid('1.3.6.1.4.1.11591.4.11'),
		sequence(octets(salt), integer(cost), integer(blockSize), integer(parallelization)),
	);
}

function deriveKey(derivation: KeyDerivation, password: string, salt: Buffer): Buffer {
	if (derivation.kdf === 'pbkdf2') {
		return pbkdf2Sync(password, salt, derivation.iterations, 32, derivation.hash ?? 'sha256');
	}
	const { cost: N, blockSize: r, parallelization: p } = derivation;
	return scryptSync(password, salt, 32, { N, r, p, maxmem: 256 * N * r });
}

/**
 * An encrypted PKCS#8 key (PBES2, AES-256-CBC unless told) with the key derivation given, as
 * OpenSSL writes it. With `encrypt: false` the ciphertext is random bytes of the right length:
 * for what is too costly to run in a test or what Node cannot run, and which the loader must
 * refuse before decrypting anything.
 */
export function encryptedPkcs8(
	plainPem: string,
	password: string,
	derivation: KeyDerivation,
	{ encrypt = true, cipher = 'aes-256-cbc' as keyof typeof CIPHERS } = {},
): string {
	const der = createPrivateKey(plainPem).export({ type: 'pkcs8', format: 'der' });
	const salt = randomBytes(16);
	const iv = randomBytes(CIPHERS[cipher].ivLength);
	let ciphertext = randomBytes((Math.floor(der.length / 16) + 1) * 16);
	if (encrypt) {
		const cipher = createCipheriv('aes-256-cbc', deriveKey(derivation, password, salt), iv);
		ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
	}
	const info = sequence(
		sequence(
			oid('1.2.840.113549.1.5.13'),
			sequence(kdfIdentifier(derivation, salt), sequence(oid(CIPHERS[cipher].oid), octets(iv))),
		),
		octets(ciphertext),
	);
	return forge.pem.encode({
		type: 'ENCRYPTED PRIVATE KEY',
		body: asn1.toDer(info).getBytes(),
	});
}

/** Generous: each value is refused in milliseconds; the old loader took seconds to minutes. */
export const TIME_BOUND_MS = 2_000;

export const fixture = (name: string) => readKeyFixture(keyFixture(name));
/** the key fixtures' RSA-2048 key, unencrypted */
export const PLAIN_KEY = fixture('pkcs8-plain').pem;
export const HOSTILE_PASSWORD = 'hostile-test-password';
const beginLines = (count: number) => '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(count);

/** Encrypted with a derivation too costly to run: the loader must refuse it unopened. */
const withoutDecrypting = (derivation: KeyDerivation) => () =>
	encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, derivation, { encrypt: false });

export interface HostileValue {
	name: string;
	pem: () => string;
	password: string;
	problem: PrivateKeyProblem;
	message: RegExp;
}

export const HOSTILE_VALUES: HostileValue[] = [
	{
		name: 'a 1.4 MB paste of BEGIN lines',
		pem: () => beginLines(45_000),
		password: '',
		problem: 'too-long',
		message: /more than 64 KB of text/,
	},
	{
		name: 'a 5 MB paste of BEGIN lines',
		pem: () => beginLines(160_000),
		password: '',
		problem: 'too-long',
		message: /more than 64 KB of text/,
	},
	{
		name: '60 KB of BEGIN lines, under the size limit',
		pem: () => beginLines(1_900),
		password: '',
		problem: 'too-many-blocks',
		message: /more than 4 "-----BEGIN" blocks/,
	},
	{
		name: 'the key followed by four public keys',
		pem: () => PLAIN_KEY + fixture('public-key').pem.repeat(4),
		password: '',
		problem: 'too-many-blocks',
		message: /more than 4 "-----BEGIN" blocks/,
	},
	{
		name: 'a BEGIN line and 60 KB of base64 without an END line',
		pem: () => `-----BEGIN PRIVATE KEY-----\n${'QUFB'.repeat(15_000)}`,
		password: '',
		problem: 'not-pem',
		message: /not a PEM key/,
	},
	{
		name: 'an RSA-16384 key',
		pem: () => fixture('rsa16384-plain').pem,
		password: '',
		problem: 'too-many-bits',
		message: /above 8192 bits.*This one has 16384\./,
	},
	{
		name: 'PBKDF2 with 50 000 000 iterations',
		pem: withoutDecrypting({ kdf: 'pbkdf2', iterations: 50_000_000 }),
		password: HOSTILE_PASSWORD,
		problem: 'costly-encryption',
		message: /PBKDF2 with 50,000,000 iterations; OpenSSL writes 2,048/,
	},
	{
		name: 'scrypt N=2^20, r=8 (1 GiB, over OpenSSL’s own memory limit)',
		pem: withoutDecrypting({ kdf: 'scrypt', cost: 2 ** 20, blockSize: 8, parallelization: 1 }),
		password: HOSTILE_PASSWORD,
		problem: 'costly-encryption',
		message: /scrypt with N=1,048,576, r=8, p=1; OpenSSL writes N=16,384, r=8, p=1/,
	},
	{
		name: 'scrypt within the memory limit, p=1024',
		pem: withoutDecrypting({ kdf: 'scrypt', cost: 16_384, blockSize: 8, parallelization: 1024 }),
		password: HOSTILE_PASSWORD,
		problem: 'costly-encryption',
		message: /scrypt with N=16,384, r=8, p=1,024/,
	},
	{
		name: 'an EC key',
		pem: () => fixture('ec-plain').pem,
		password: '',
		problem: 'not-rsa',
		message: /not an RSA key/,
	},
	{
		name: 'an encrypted EC key',
		pem: () => fixture('ec-pkcs8-aes256').pem,
		password: fixture('ec-pkcs8-aes256').password,
		problem: 'not-rsa',
		message: /not an RSA key/,
	},
	{
		name: 'a certificate',
		pem: () => fixture('certificate').pem,
		password: '',
		problem: 'certificate',
		message: /This is a certificate/,
	},
];

/**
 * Values within every limit that cost the most to open or to sign with: n8n's thread must stay
 * responsive while a credential holds any of them. The wrong password ends in " \n", so all
 * three password candidates pay the derivation.
 */
export interface CostlyValue {
	name: string;
	pem: () => string;
	password: string;
	/** 'ok' signs; otherwise the problem the loader names */
	outcome: 'ok' | PrivateKeyProblem;
}

const COSTLY_WRONG_PASSWORD = ' not the password \n';
const PBKDF2_SHA512_AT_THE_LIMIT: KeyDerivation = {
	kdf: 'pbkdf2',
	iterations: MAX_PBKDF2_ITERATIONS,
	hash: 'sha512',
};
const SCRYPT_AT_THE_LIMIT: KeyDerivation = {
	kdf: 'scrypt',
	cost: 16_384,
	blockSize: 8,
	parallelization: 2,
};
/** once per test process: PBKDF2 at the limit costs a tenth of a second */
const once = <T>(make: () => T) => {
	let made: T | undefined;
	return () => (made ??= make());
};
const randomBase64 = (length: number) => randomBytes(length).toString('base64').slice(0, length);

export const COSTLY_VALUES: CostlyValue[] = [
	{
		name: 'PBKDF2-HMAC-SHA512 at 200 000 iterations, a wrong password',
		pem: once(() => encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, PBKDF2_SHA512_AT_THE_LIMIT)),
		password: COSTLY_WRONG_PASSWORD,
		outcome: 'wrong-password',
	},
	{
		name: 'PBKDF2-HMAC-SHA512 at 200 000 iterations, the right password',
		pem: once(() => encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, PBKDF2_SHA512_AT_THE_LIMIT)),
		password: HOSTILE_PASSWORD,
		outcome: 'ok',
	},
	{
		name: 'DES-CBC with PBKDF2-HMAC-SHA512 at 200 000 iterations, a wrong password',
		pem: once(() =>
			encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, PBKDF2_SHA512_AT_THE_LIMIT, {
				encrypt: false,
				cipher: 'des-cbc',
			}),
		),
		password: COSTLY_WRONG_PASSWORD,
		outcome: 'legacy-cipher',
	},
	{
		name: 'scrypt at the work limit (N=16384, r=8, p=2), a wrong password',
		pem: once(() => encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, SCRYPT_AT_THE_LIMIT)),
		password: COSTLY_WRONG_PASSWORD,
		outcome: 'wrong-password',
	},
	{
		name: 'an RSA-8192 key (the largest taken)',
		pem: () => fixture('rsa8192-plain').pem,
		password: '',
		outcome: 'ok',
	},
	{
		name: '64 KB of random base64 as an encrypted key',
		pem: once(() => {
			const [begin, end] = [
				'-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
				'\n-----END ENCRYPTED PRIVATE KEY-----\n',
			];
			const room = MAX_KEY_TEXT_LENGTH - begin.length - end.length;
			return begin + randomBase64(room - (room % 4)) + end;
		}),
		password: HOSTILE_PASSWORD,
		outcome: 'damaged',
	},
];
