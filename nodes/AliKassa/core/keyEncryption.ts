import forge from '../vendor/forge';

import { PrivateKeyError } from './privateKeyError';

// Each password candidate (up to three) pays the derivation once: at these limits a wrong
// password costs well under 2 s on a busy 2-core machine.
/** OpenSSL 3 writes PBKDF2 with 2 048 iterations; 100 times that opens in ~0.3 s. */
export const MAX_PBKDF2_ITERATIONS = 200_000;
/** OpenSSL's own scrypt memory cap; its default (N=16384, r=8, p=1) takes 16 MiB. */
export const MAX_SCRYPT_MEMORY = 32 * 1024 * 1024;
/** N·r·p, twice OpenSSL's default work */
export const MAX_SCRYPT_WORK = 2 * 16384 * 8;

/** Which library opens the key: OpenSSL (Node's crypto), or node-forge for what it lacks. */
export type KeyOpener = 'openssl' | 'forge';

const OID = {
	pbes2: '1.2.840.113549.1.5.13',
	pbkdf2: '1.2.840.113549.1.5.12',
	scrypt: '1.3.6.1.4.1.11591.4.11',
	desCbc: '1.3.14.3.2.7',
	pkcs12PbePrefix: '1.2.840.113549.1.12.1.',
	pkcs12Rc2With40Bits: '1.2.840.113549.1.12.1.6',
	pkcs5PbeV1Prefix: '1.2.840.113549.1.5.',
};

// OpenSSL 3 keeps these in its legacy provider, which Node does not load; node-forge reads them.
const FORGE_ONLY_LEGACY_CIPHERS = /^(DES-CBC|RC2-\d+-CBC)$/;

const damaged = () => new PrivateKeyError('damaged');

const REEXPORT =
	'Export it again with OpenSSL’s defaults: openssl pkcs8 -topk8 -v2 aes-256-cbc -in private.pem -out private-new.pem';

function children(node: forge.asn1.Asn1 | undefined, atLeast: number): forge.asn1.Asn1[] {
	if (!node || !Array.isArray(node.value) || node.value.length < atLeast) throw damaged();
	return node.value;
}

function oidOf(node: forge.asn1.Asn1 | undefined): string {
	if (!node || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') throw damaged();
	return forge.asn1.derToOid(node.value);
}

/** A non-negative INTEGER; anything past 2^48 counts as Infinity, which every limit refuses. */
function integerOf(node: forge.asn1.Asn1 | undefined): number {
	if (!node || node.type !== forge.asn1.Type.INTEGER || typeof node.value !== 'string') {
		throw damaged();
	}
	const bytes = node.value;
	if (bytes.length === 0 || bytes.charCodeAt(0) & 0x80) throw damaged();
	const significant = bytes.replace(/^\0+/, '');
	if (significant.length > 6) return Infinity;
	let value = 0;
	for (let index = 0; index < significant.length; index++) {
		value = value * 256 + significant.charCodeAt(index);
	}
	return value;
}

const figure = (value: number) =>
	Number.isFinite(value) ? value.toLocaleString('en-US') : 'over 2^48';

function checkIterations(kdf: string, iterations: number): void {
	if (iterations > MAX_PBKDF2_ITERATIONS) {
		throw new PrivateKeyError(
			'costly-encryption',
			`It asks for ${kdf} with ${figure(iterations)} iterations; OpenSSL writes 2,048 and this loader opens up to ${figure(MAX_PBKDF2_ITERATIONS)}. ${REEXPORT}`,
		);
	}
}

function checkScrypt(parameters: forge.asn1.Asn1[]): void {
	const [cost, blockSize, parallelization] = [1, 2, 3].map((at) => integerOf(parameters[at]));
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

/** PBES2: a key-derivation function (PBKDF2 or scrypt) and a cipher. */
function inspectPbes2(parameters: forge.asn1.Asn1 | undefined): KeyOpener {
	const [kdf, cipher] = children(parameters, 2);
	const [kdfOid, kdfParameters] = children(kdf, 2);
	const kdfName = oidOf(kdfOid);
	if (kdfName === OID.pbkdf2) checkIterations('PBKDF2', integerOf(children(kdfParameters, 2)[1]));
	if (kdfName === OID.scrypt) checkScrypt(children(kdfParameters, 4));
	return oidOf(children(cipher, 1)[0]) === OID.desCbc ? 'forge' : 'openssl';
}

/**
 * Reads an encrypted private key's encryption parameters (PKCS#8 EncryptedPrivateKeyInfo,
 * or a legacy PEM's DEK-Info) before any decryption, refuses key derivation far costlier
 * than OpenSSL writes, and says which library is to open it.
 */
export function inspectKeyEncryption(pem: string): KeyOpener {
	const legacyCipher = /^DEK-Info: ([A-Z0-9-]+),/m.exec(pem)?.[1];
	if (legacyCipher !== undefined) {
		// EVP_BytesToKey: one MD5 round, nothing to bound
		return FORGE_ONLY_LEGACY_CIPHERS.test(legacyCipher) ? 'forge' : 'openssl';
	}
	let info: forge.asn1.Asn1;
	try {
		info = forge.asn1.fromDer(forge.pem.decode(pem)[0].body);
	} catch {
		throw damaged();
	}
	const [algorithm, encrypted] = children(info, 2);
	if (encrypted.type !== forge.asn1.Type.OCTETSTRING) throw damaged();
	const [schemeOid, parameters] = children(algorithm, 1);
	const scheme = oidOf(schemeOid);
	if (scheme === OID.pbes2) return inspectPbes2(parameters);
	if (scheme.startsWith(OID.pkcs12PbePrefix) || scheme.startsWith(OID.pkcs5PbeV1Prefix)) {
		checkIterations('PBES1', integerOf(children(parameters, 2)[1]));
		return scheme === OID.pkcs12Rc2With40Bits ? 'forge' : 'openssl';
	}
	return 'openssl';
}
