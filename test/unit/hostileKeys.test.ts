/**
 * Hostile or unusual values pasted into the private-key field: each is refused with a message
 * that says why, within a time bound, and before any costly work.
 */
import crypto from 'crypto';
import forge from 'node-forge';

import {
	CONVERT_KEY_COMMAND,
	MAX_PBKDF2_ITERATIONS,
} from '../../nodes/AliKassa/core/keyEncryption';
import { loadPrivateKey, PrivateKeyError } from '../../nodes/AliKassa/core/privateKey';
import { getBodySigner } from '../../nodes/AliKassa/core/signer';
import {
	COSTLY_VALUES,
	encryptedPkcs8,
	fixture,
	HOSTILE_PASSWORD,
	HOSTILE_VALUES,
	PLAIN_KEY,
	TIME_BOUND_MS,
} from '../support/hostileKeys';
import { modulusOf } from '../support/keyFixtures';

function refusal(pem: string, password: string): { error: PrivateKeyError; ms: number } {
	const started = performance.now();
	try {
		loadPrivateKey(pem, password);
	} catch (error) {
		if (error instanceof PrivateKeyError) return { error, ms: performance.now() - started };
		throw error;
	}
	throw new Error('the key loaded');
}

describe('hostile key values are refused quickly, saying why', () => {
	test.each(HOSTILE_VALUES)('$name', ({ pem, password, problem, message }) => {
		const value = pem();
		const { error, ms } = refusal(value, password);
		expect(error.problem).toBe(problem);
		expect(error.message).toMatch(message);
		expect(error.message).not.toMatch(/password does not open/);
		expect(ms).toBeLessThan(TIME_BOUND_MS);
	});
});

describe('the costliest values within the limits: each settled within the time bound', () => {
	test.each(COSTLY_VALUES)('$name: $outcome', async ({ pem, password, outcome }) => {
		const value = pem();
		const started = performance.now();
		if (outcome === 'ok') {
			const key = loadPrivateKey(value, password);
			const signature = await getBodySigner({
				privateKey: value,
				password,
				signatureHash: 'sha256',
			}).sign('{}');
			expect(
				crypto.verify('sha256', Buffer.from('{}'), key, Buffer.from(signature, 'base64')),
			).toBe(true);
		} else {
			expect(refusal(value, password).error.problem).toBe(outcome);
		}
		expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
	});
});

describe('the same encryption built with reasonable settings opens', () => {
	const modulus = modulusOf(crypto.createPrivateKey(PLAIN_KEY));

	test.each([
		['PBKDF2 at 2 048 iterations', { kdf: 'pbkdf2', iterations: 2048 } as const],
		[
			'PBKDF2 at the limit, 200 000 iterations',
			{ kdf: 'pbkdf2', iterations: MAX_PBKDF2_ITERATIONS } as const,
		],
		[
			'scrypt at OpenSSL’s default',
			{ kdf: 'scrypt', cost: 16_384, blockSize: 8, parallelization: 1 } as const,
		],
		[
			'scrypt at the work limit (twice the default)',
			{ kdf: 'scrypt', cost: 16_384, blockSize: 8, parallelization: 2 } as const,
		],
	])('%s', (_name, derivation) => {
		const key = loadPrivateKey(
			encryptedPkcs8(PLAIN_KEY, HOSTILE_PASSWORD, derivation),
			HOSTILE_PASSWORD,
		);
		expect(modulusOf(key)).toBe(modulus);
	});
});

describe('how often OpenSSL is asked to open a key', () => {
	afterEach(() => jest.restoreAllMocks());

	test('once per password candidate', () => {
		const { pem } = fixture('pkcs8-aes256');
		const openssl = jest.spyOn(crypto, 'createPrivateKey');
		// three candidates: as given, without the newline, trimmed
		expect(() => loadPrivateKey(pem, ' not the password \n')).toThrow(/password does not open/);
		expect(openssl).toHaveBeenCalledTimes(3);
	});

	test.each([
		['PBES2 with DES-CBC', { algorithm: 'des' }],
		['a legacy PEM with DES-CBC', { algorithm: 'des', legacy: true }],
	])(
		'never, for what OpenSSL 3 keeps in its legacy provider: %s written by forge',
		(_name, options) => {
			const forgeKey = forge.pki.privateKeyFromPem(
				crypto.createPrivateKey(PLAIN_KEY).export({ type: 'pkcs1', format: 'pem' }).toString(),
			);
			// forge writes DES-CBC, though its typings list only the ciphers OpenSSL still has
			const pem = forge.pki.encryptRsaPrivateKey(
				forgeKey,
				HOSTILE_PASSWORD,
				options as forge.pki.EncryptionOptions,
			);
			expect(() => crypto.createPrivateKey({ key: pem, passphrase: HOSTILE_PASSWORD })).toThrow();
			const openssl = jest.spyOn(crypto, 'createPrivateKey');
			expect(() => loadPrivateKey(pem, HOSTILE_PASSWORD)).toThrow(
				expect.objectContaining({
					problem: 'legacy-cipher',
					message: expect.stringContaining(`It uses DES-CBC. `) as string,
				}) as Error,
			);
			expect(() => loadPrivateKey(pem, HOSTILE_PASSWORD)).toThrow(CONVERT_KEY_COMMAND);
			expect(openssl).not.toHaveBeenCalled();
		},
	);
});

describe('a key that cannot be loaded fails again without the work', () => {
	afterEach(() => jest.restoreAllMocks());

	test('the same credential content is not decrypted twice', () => {
		const { pem } = fixture('pkcs8-pbkdf2-100000');
		const credentials = {
			privateKey: pem,
			password: 'a wrong password',
			signatureHash: 'sha1' as const,
		};
		const openssl = jest.spyOn(crypto, 'createPrivateKey');
		expect(() => getBodySigner(credentials)).toThrow(/password does not open/);
		expect(openssl).toHaveBeenCalledTimes(1);
		for (let attempt = 0; attempt < 5; attempt++) {
			expect(() => getBodySigner(credentials)).toThrow(/password does not open/);
		}
		expect(openssl).toHaveBeenCalledTimes(1);
		// another password is another credential content
		expect(() => getBodySigner({ ...credentials, password: 'another wrong one' })).toThrow(
			/password does not open/,
		);
		expect(openssl).toHaveBeenCalledTimes(2);
	});
});
