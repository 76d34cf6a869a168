import { nonNegativeIntegerOf, octetsOf, oidOf, readDer, sequenceOf, type DerNode } from './der';
import { PrivateKeyError } from './privateKeyError';

// Each password candidate (up to three) pays the derivation once: at these limits a wrong
// password costs well under 2 s on a busy 2-core machine.
/** OpenSSL 3 writes PBKDF2 with 2 048 iterations; 100 times that opens in ~0.3 s. */
export const MAX_PBKDF2_ITERATIONS = 200_000;
/** OpenSSL's own scrypt memory cap; its default (N=16384, r=8, p=1) takes 16 MiB. */
export const MAX_SCRYPT_MEMORY = 32 * 1024 * 1024;
/** N·r·p, twice OpenSSL's default work */
export const MAX_SCRYPT_WORK = 2 * 16384 * 8;

/**
 * Converts a key to what OpenSSL 3 opens by default (PBES2, PBKDF2, AES-256-CBC), keeping its
 * password: it asks for the current one, then for the new one twice. The legacy provider
 * reads DES, RC2 and the like; on other keys it changes nothing.
 */
export const CONVERT_KEY_COMMAND =
	'openssl pkcs8 -topk8 -v2 aes-256-cbc -provider legacy -provider default -in private.pem -out private-new.pem';

const OID = {
	pbes2: '1.2.840.113549.1.5.13',
	pbkdf2: '1.2.840.113549.1.5.12',
	scrypt: '1.3.6.1.4.1.11591.4.11',
};

/**
 * What OpenSSL 3 keeps in its legacy provider, which Node (and so n8n) does not load:
 * such a key cannot be opened here with any password. Names as OpenSSL writes them.
 */
const LEGACY_PBES2_CIPHERS: Record<string, string> = {
	'1.3.14.3.2.7': 'DES-CBC',
	'1.2.840.113549.3.2': 'RC2-CBC',
	'1.3.6.1.4.1.3029.1.2': 'BF-CBC',
	'1.2.840.113533.7.66.10': 'CAST5-CBC',
	'1.2.410.200004.1.4': 'SEED-CBC',
	'1.3.6.1.4.1.188.7.1.1.2': 'IDEA-CBC',
};
/** PBES1 (PKCS#5 and PKCS#12) schemes; only the two triple-DES ones are in the default provider. */
const LEGACY_PBES1_SCHEMES: Record<string, string> = {
	'1.2.840.113549.1.5.1': 'PBE-MD2-DES',
	'1.2.840.113549.1.5.3': 'PBE-MD5-DES',
	'1.2.840.113549.1.5.4': 'PBE-MD2-RC2-64',
	'1.2.840.113549.1.5.6': 'PBE-MD5-RC2-64',
	'1.2.840.113549.1.5.10': 'PBE-SHA1-DES',
	'1.2.840.113549.1.5.11': 'PBE-SHA1-RC2-64',
	'1.2.840.113549.1.12.1.1': 'PBE-SHA1-RC4-128',
	'1.2.840.113549.1.12.1.2': 'PBE-SHA1-RC4-40',
	'1.2.840.113549.1.12.1.5': 'PBE-SHA1-RC2-128',
	'1.2.840.113549.1.12.1.6': 'PBE-SHA1-RC2-40',
};
const PBES1_PREFIXES = ['1.2.840.113549.1.5.', '1.2.840.113549.1.12.1.'];
/** A legacy PEM's DEK-Info cipher that only the legacy provider has. */
const LEGACY_PEM_CIPHER = /^(DES-CBC|DESX-CBC|RC2(-\d+)?-CBC|BF-CBC|CAST5?-CBC|SEED-CBC|IDEA-CBC)$/;

function refuseLegacyCipher(cipher: string | undefined): void {
	if (cipher === undefined) return;
	throw new PrivateKeyError(
		'legacy-cipher',
		`It uses ${cipher}. Convert it once with OpenSSL 3 and paste the result, with the same password: ${CONVERT_KEY_COMMAND}`,
	);
}

const figure = (value: number) =>
	Number.isFinite(value) ? value.toLocaleString('en-US') : 'over 2^48';

const REEXPORT = `Export it again with OpenSSL’s defaults: ${CONVERT_KEY_COMMAND}`;

/** What an EncryptedPrivateKeyInfo says about its encryption, read before anything is run. */
type Encryption =
	| { scheme: 'pbes2'; kdf: KeyDerivation; cipher: string }
	| { scheme: 'pbes1'; oid: string; iterations: number }
	| { scheme: 'other' };
type KeyDerivation =
	| { name: 'pbkdf2'; iterations: number }
	| { name: 'scrypt'; cost: number; blockSize: number; parallelization: number }
	| { name: 'other' };

function keyDerivationOf(kdf: DerNode): KeyDerivation {
	const [kdfOid, kdfParameters] = sequenceOf(kdf, 2);
	const name = oidOf(kdfOid);
	if (name === OID.pbkdf2) {
		return { name: 'pbkdf2', iterations: nonNegativeIntegerOf(sequenceOf(kdfParameters, 2)[1]) };
	}
	if (name === OID.scrypt) {
		const [cost, blockSize, parallelization] = sequenceOf(kdfParameters, 4)
			.slice(1, 4)
			.map(nonNegativeIntegerOf);
		return { name: 'scrypt', cost, blockSize, parallelization };
	}
	return { name: 'other' };
}

/** undefined when the bytes are not the DER of an EncryptedPrivateKeyInfo */
function encryptionOf(der: Uint8Array): Encryption | undefined {
	try {
		const [algorithm, encrypted] = sequenceOf(readDer(der), 2);
		octetsOf(encrypted);
		const [schemeOid, parameters] = sequenceOf(algorithm, 1);
		const scheme = oidOf(schemeOid);
		if (scheme === OID.pbes2) {
			const [kdf, cipher] = sequenceOf(parameters, 2);
			return {
				scheme: 'pbes2',
				kdf: keyDerivationOf(kdf),
				cipher: oidOf(sequenceOf(cipher, 1)[0]),
			};
		}
		if (PBES1_PREFIXES.some((prefix) => scheme.startsWith(prefix))) {
			const iterations = nonNegativeIntegerOf(sequenceOf(parameters, 2)[1]);
			return { scheme: 'pbes1', oid: scheme, iterations };
		}
		return { scheme: 'other' };
	} catch {
		// the reader throws only DerError: these bytes are not such a structure
		return undefined;
	}
}

function checkIterations(kdf: string, iterations: number): void {
	if (iterations > MAX_PBKDF2_ITERATIONS) {
		throw new PrivateKeyError(
			'costly-encryption',
			`It asks for ${kdf} with ${figure(iterations)} iterations; OpenSSL writes 2,048 and this loader opens up to ${figure(MAX_PBKDF2_ITERATIONS)}. ${REEXPORT}`,
		);
	}
}

function checkKeyDerivation(kdf: KeyDerivation): void {
	if (kdf.name === 'pbkdf2') checkIterations('PBKDF2', kdf.iterations);
	if (kdf.name !== 'scrypt') return;
	const { cost, blockSize, parallelization } = kdf;
	// as OpenSSL counts it (crypto/evp/pbe_scrypt.c)
	const memory = 128 * blockSize * (cost + 2 + parallelization);
	const work = cost * blockSize * parallelization;
	if (memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK) {
		throw new PrivateKeyError(
			'costly-encryption',
			`It asks for scrypt with N=${figure(cost)}, r=${figure(blockSize)}, p=${figure(parallelization)}; OpenSSL writes N=16,384, r=8, p=1 (16 MiB) and refuses more than 32 MiB itself. ${REEXPORT}`,
		);
	}
}

function checkEncryption(encryption: Encryption | undefined): void {
	if (encryption === undefined) throw new PrivateKeyError('damaged');
	if (encryption.scheme === 'pbes2') {
		checkKeyDerivation(encryption.kdf);
		refuseLegacyCipher(LEGACY_PBES2_CIPHERS[encryption.cipher]);
	}
	if (encryption.scheme === 'pbes1') {
		checkIterations('PBES1', encryption.iterations);
		refuseLegacyCipher(LEGACY_PBES1_SCHEMES[encryption.oid]);
	}
}

/** The DER bytes of a PEM as repairPem writes it: BEGIN line, base64 lines, END line. */
const derOfPem = (pem: string) =>
	Buffer.from(
		pem
			.split('\n')
			.filter((line) => !line.startsWith('-----'))
			.join(''),
		'base64',
	);

/**
 * Reads an encrypted private key's encryption parameters (PKCS#8 EncryptedPrivateKeyInfo,
 * or a legacy PEM's DEK-Info) before any decryption: refuses key derivation far costlier
 * than OpenSSL writes, and ciphers OpenSSL 3 has only in its legacy provider.
 */
export function inspectKeyEncryption(pem: string): void {
	const legacyCipher = /^DEK-Info: ([A-Z0-9-]+),/m.exec(pem)?.[1];
	if (legacyCipher !== undefined) {
		// EVP_BytesToKey: one MD5 round, nothing to bound
		if (LEGACY_PEM_CIPHER.test(legacyCipher)) refuseLegacyCipher(legacyCipher);
		return;
	}
	checkEncryption(encryptionOf(derOfPem(pem)));
}
