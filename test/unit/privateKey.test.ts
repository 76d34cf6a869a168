import { spawnSync } from 'child_process';
import crypto from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { CONVERT_KEY_COMMAND } from '../../nodes/AliKassa/core/keyEncryption';
import { repairPem } from '../../nodes/AliKassa/core/pem';
import {
	loadPrivateKey,
	passwordCandidates,
	PrivateKeyError,
} from '../../nodes/AliKassa/core/privateKey';
import { KEY_FIXTURES, keyFixture, modulusOf, readKeyFixture } from '../support/keyFixtures';
import { RandomValues } from '../support/randomValues';

function errorOf(load: () => unknown): PrivateKeyError {
	try {
		load();
	} catch (error) {
		if (error instanceof PrivateKeyError) return error;
		throw error;
	}
	throw new Error('the key loaded');
}

/** What a message must never repeat: the password, and any line of the key's base64. */
function expectMessageKeepsSecrets(message: string, pem: string, password: string) {
	// A short password may well occur in any English sentence; fixtures use long ones.
	if (password.trim().length >= 8) expect(message).not.toContain(password.trim());
	for (const line of pem.split('\n').filter((text) => /^[A-Za-z0-9+/=]{16,}$/.test(text))) {
		expect(message).not.toContain(line);
	}
}

const REFERENCE_MODULUS = (() => {
	const { pem, password } = readKeyFixture(keyFixture('pkcs8-plain'));
	return modulusOf(loadPrivateKey(pem, password));
})();

describe('every key fixture loads or names its problem', () => {
	test.each(KEY_FIXTURES)('$name', (fixture) => {
		const { pem, password } = readKeyFixture(fixture);
		if (fixture.expect === 'ok') {
			const key = loadPrivateKey(pem, password);
			expect(key.asymmetricKeyDetails?.modulusLength).toBe(fixture.bits);
			if (fixture.bits === 2048) expect(modulusOf(key)).toBe(REFERENCE_MODULUS);
		} else {
			const error = errorOf(() => loadPrivateKey(pem, password));
			expect(error.problem).toBe(fixture.expect);
			expectMessageKeepsSecrets(error.message, pem, password);
		}
	});

	test('empty and blank text is "empty"', () => {
		expect(errorOf(() => loadPrivateKey('', '')).problem).toBe('empty');
		expect(errorOf(() => loadPrivateKey(' \n\t\r\n', 'x')).problem).toBe('empty');
	});

	test('a key encrypted without the "\\r\\n" its password ends in still opens', () => {
		const { pem, password } = readKeyFixture(keyFixture('pkcs8-aes256'));
		expect(modulusOf(loadPrivateKey(pem, `${password}\r\n`))).toBe(REFERENCE_MODULUS);
	});
});

describe('keys OpenSSL 3 keeps in its legacy provider', () => {
	afterEach(() => jest.restoreAllMocks());

	const CIPHERS: Array<[string, string]> = [
		['pkcs8-des-cbc', 'DES-CBC'],
		['pkcs8-pbes1-rc2-40', 'PBE-SHA1-RC2-40'],
		['legacy-des', 'DES-CBC'],
		['legacy-rc2-40', 'RC2-40-CBC'],
	];

	test.each(CIPHERS)('%s: named, with the command, never decrypted', (name, cipher) => {
		const { pem, password } = readKeyFixture(keyFixture(name));
		// Node's OpenSSL indeed cannot open it, with the right password
		expect(() => crypto.createPrivateKey({ key: pem, passphrase: password })).toThrow(
			/unsupported/,
		);
		const openssl = jest.spyOn(crypto, 'createPrivateKey');
		const error = errorOf(() => loadPrivateKey(pem, password));
		expect(openssl).not.toHaveBeenCalled();
		expect(error.problem).toBe('legacy-cipher');
		expect(error.message).toContain(`It uses ${cipher}.`);
		expect(error.message).toContain(CONVERT_KEY_COMMAND);
		// a wrong password is no different: nothing is tried
		expect(errorOf(() => loadPrivateKey(pem, 'another password')).problem).toBe('legacy-cipher');
	});

	test.each(CIPHERS)('%s: the command converts it into a key that signs', (name) => {
		const { pem, password } = readKeyFixture(keyFixture(name));
		const folder = mkdtempSync(join(tmpdir(), 'legacy-key-'));
		try {
			writeFileSync(join(folder, 'private.pem'), pem);
			writeFileSync(join(folder, 'old.txt'), password);
			writeFileSync(join(folder, 'new.txt'), password);
			const [command, ...args] = CONVERT_KEY_COMMAND.split(' ');
			// The command asks for both passwords on the terminal; a test has none.
			const answers = ['-passin', 'file:old.txt', '-passout', 'file:new.txt'];
			const converted = spawnSync(command, [...args, ...answers], {
				cwd: folder,
				encoding: 'utf8',
			});
			expect(converted.stderr).toBe('');
			expect(converted.status).toBe(0);
			const newPem = readFileSync(join(folder, 'private-new.pem'), 'utf8');
			expect(modulusOf(loadPrivateKey(newPem, password))).toBe(REFERENCE_MODULUS);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});

describe('passwordCandidates', () => {
	test.each([
		['exact text only', 'secret', ['secret']],
		['then without the trailing newline', 'secret\n', ['secret\n', 'secret']],
		['then without a trailing CRLF', 'secret\r\n', ['secret\r\n', 'secret']],
		['then trimmed', ' secret \n', [' secret \n', ' secret ', 'secret']],
		[
			'only one newline is dropped before trimming',
			'secret\n\n',
			['secret\n\n', 'secret\n', 'secret'],
		],
	])('%s', (_name, password, candidates) => {
		expect(passwordCandidates(password)).toEqual(candidates);
	});
});

describe('pasted PEM text is repaired', () => {
	const pastes: Array<[string, (pem: string) => string]> = [
		['indented', (pem) => pem.replace(/^/gm, '    ')],
		['on one line', (pem) => pem.trim().split('\n').join(' ')],
		['with CRLF line ends', (pem) => pem.replace(/\n/g, '\r\n')],
		['with literal "\\n" sequences', (pem) => pem.trim().replace(/\n/g, '\\n')],
		['with literal "\\r\\n" sequences', (pem) => pem.trim().replace(/\n/g, '\\r\\n')],
		['between other text', (pem) => `Here is the key:\n${pem}\nThanks, Ivan\n`],
		['between other text on the same lines', (pem) => `key: ${pem.trim()} -- end`],
		['wrapped at 76 columns', (pem) => rewrapBase64(pem, 76)],
		['with tabs, CRLF and trailing spaces', (pem) => pem.replace(/\n/g, ' \t\r\n\t')],
	];

	describe.each(['pkcs8-aes256', 'legacy-aes256', 'legacy-des3', 'pkcs1-plain', 'pkcs8-plain'])(
		'%s',
		(name) => {
			const { pem, password } = readKeyFixture(keyFixture(name));

			test.each(pastes)('%s', (_paste, damage) => {
				const pasted = damage(pem);
				expect(pasted).not.toBe(pem);
				expect(repairPem(pasted)).toBe(pem);
				expect(modulusOf(loadPrivateKey(pasted, password))).toBe(REFERENCE_MODULUS);
			});
		},
	);

	test('a pasted public key and certificate are named as such, not as damaged', () => {
		const publicPem = readKeyFixture(keyFixture('public-key')).pem;
		const certificatePem = readKeyFixture(keyFixture('certificate')).pem;
		const pastedPublicKey = publicPem.trim().replace(/\n/g, '\\n');
		const pastedCertificate = `  ${certificatePem.replace(/\n/g, '\r\n  ')}`;
		expect(errorOf(() => repairPem(pastedPublicKey)).problem).toBe('public-key');
		expect(errorOf(() => repairPem(pastedCertificate)).problem).toBe('certificate');
	});

	test('base64 that lost characters is damaged', () => {
		const { pem } = readKeyFixture(keyFixture('pkcs8-plain'));
		const lines = pem.split('\n');
		lines[5] = lines[5].slice(0, -1);
		expect(errorOf(() => repairPem(lines.join('\n'))).problem).toBe('damaged');
	});
});

/** Rewraps the run of base64 lines, leaving a legacy key's headers alone. */
function rewrapBase64(pem: string, width: number): string {
	const base64 = (pem.match(/^[A-Za-z0-9+/=]+$/gm) ?? []).join('');
	const wrapped = base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
	return pem.replace(/(?:^[A-Za-z0-9+/=]+\n)+/m, wrapped.join('\n') + '\n');
}

describe('wrong passwords', () => {
	// About 1 in 256 wrong passwords decrypts to text that unpads and fails only as DER.
	const ATTEMPTS = 2000;
	const { pem } = readKeyFixture(keyFixture('pkcs8-pbkdf2-1'));

	test(`${ATTEMPTS} random wrong passwords are all "wrong-password" and never quoted`, () => {
		const random = new RandomValues(7);
		const outcomes = new Map<string, number>();
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			let password = '';
			while (password.length < 12) password += random.text(40);
			const error = errorOf(() => loadPrivateKey(pem, password));
			outcomes.set(error.problem, (outcomes.get(error.problem) ?? 0) + 1);
			expectMessageKeepsSecrets(error.message, pem, password);
		}
		expect(Object.fromEntries(outcomes)).toEqual({ 'wrong-password': ATTEMPTS });
	}, 120_000);
});
