import { createCipheriv, createPrivateKey, pbkdf2Sync, randomBytes, scryptSync } from 'crypto';
import forge from 'node-forge';

import type { PrivateKeyProblem } from '../../nodes/AliKassa/core/privateKey';
import { keyFixture, readKeyFixture } from './keyFixtures';

export type KeyDerivation =
	| { kdf: 'pbkdf2'; iterations: number }
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

function kdfIdentifier(derivation: KeyDerivation, salt: Buffer): forge.asn1.Asn1 {
	if (derivation.kdf === 'pbkdf2') {
		const hmacWithSha256 = sequence(
			oid('1.2.840.113549.2.9'),
			asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
		);
		return sequence(
			oid('1.2.840.113549.1.5.12'),
			sequence(octets(salt), integer(derivation.iterations), hmacWithSha256),
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
		return pbkdf2Sync(password, salt, derivation.iterations, 32, 'sha256');
	}
	const { cost: N, blockSize: r, parallelization: p } = derivation;
	return scryptSync(password, salt, 32, { N, r, p, maxmem: 256 * N * r });
}

/**
 * An encrypted PKCS#8 key (PBES2, AES-256-CBC) with the key derivation given, as OpenSSL
 * writes it. With `encrypt: false` the ciphertext is random bytes of the right length: for
 * derivations too costly to run in a test, and which the loader must refuse before
 * decrypting anything.
 */
export function encryptedPkcs8(
	plainPem: string,
	password: string,
	derivation: KeyDerivation,
	{ encrypt = true } = {},
): string {
	const der = createPrivateKey(plainPem).export({ type: 'pkcs8', format: 'der' });
	const salt = randomBytes(16);
	const iv = randomBytes(16);
	let ciphertext = randomBytes((Math.floor(der.length / 16) + 1) * 16);
	if (encrypt) {
		const cipher = createCipheriv('aes-256-cbc', deriveKey(derivation, password, salt), iv);
		ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
	}
	const info = sequence(
		sequence(
			oid('1.2.840.113549.1.5.13'),
			sequence(
				kdfIdentifier(derivation, salt),
				sequence(oid('2.16.840.1.101.3.4.1.42'), octets(iv)),
			),
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
