import { createPrivateKey } from 'crypto';

import {
	DerError,
	MAX_DER_DEPTH,
	nonNegativeIntegerOf,
	octetsOf,
	oidOf,
	readDer,
	sequenceOf,
} from '../../nodes/AliKassa/core/der';
import { KEY_FIXTURES, keyFixture, readKeyFixture } from '../support/keyFixtures';

const bytes = (...values: number[]) => Uint8Array.from(values);
const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const derOfPem = (pem: string) =>
	Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/^.*:.*$/gm, ''), 'base64');

/** A DER length field for `length` content bytes. */
function lengthOf(length: number): number[] {
	if (length < 0x80) return [length];
	const octets: number[] = [];
	for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
	return [0x80 | octets.length, ...octets];
}
const sequence = (...contents: Uint8Array[]) => {
	const content = Buffer.concat(contents);
	return Uint8Array.from([0x30, ...lengthOf(content.length), ...content]);
};

function derError(read: () => unknown): string {
	try {
		read();
	} catch (error) {
		if (error instanceof DerError) return error.message;
		throw error;
	}
	throw new Error('it was read');
}

describe('readDer reads what OpenSSL writes', () => {
	const encrypted = KEY_FIXTURES.filter(
		(fixture) =>
			fixture.expect !== 'damaged' &&
			readKeyFixture(fixture).pem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY'),
	);

	test.each(encrypted.map((fixture) => fixture.name))('%s', (name) => {
		const der = derOfPem(readKeyFixture(keyFixture(name)).pem);
		const [algorithm, data] = sequenceOf(readDer(der), 2);
		expect(oidOf(sequenceOf(algorithm, 1)[0])).toMatch(/^1\.2\.840\.113549\.1\.(5|12\.1)\./);
		expect(octetsOf(data).length).toBeGreaterThan(100);
	});

	test('an unencrypted PKCS#8 key: version 0, rsaEncryption, the key as octets', () => {
		const { pem } = readKeyFixture(keyFixture('pkcs8-plain'));
		const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
		const [version, algorithm, key] = sequenceOf(readDer(der), 3);
		expect(nonNegativeIntegerOf(version)).toBe(0);
		expect(oidOf(sequenceOf(algorithm, 1)[0])).toBe('1.2.840.113549.1.1.1');
		expect(octetsOf(key).length).toBeGreaterThan(1000);
	});
});

describe('values', () => {
	test.each([
		['06 03 2a 86 48', '1.2.840'],
		['06 09 2a 86 48 86 f7 0d 01 05 0d', '1.2.840.113549.1.5.13'],
		['06 09 2b 06 01 04 01 da 47 04 0b', '1.3.6.1.4.1.11591.4.11'],
		['06 03 88 37 03', '2.999.3'],
		['06 01 00', '0.0'],
	])('OID %s is %s', (der, dotted) => {
		expect(oidOf(readDer(hex(der)))).toBe(dotted);
	});

	test.each([
		['02 01 00', 0],
		['02 01 7f', 127],
		['02 02 00 80', 128],
		['02 03 03 0d 40', 200_000],
		['02 07 00 ff ff ff ff ff ff', 2 ** 48 - 1],
		['02 07 01 00 00 00 00 00 00', Infinity],
		['02 10 7f ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff', Infinity],
	])('INTEGER %s is %s', (der, value) => {
		expect(nonNegativeIntegerOf(readDer(hex(der)))).toBe(value);
	});

	test.each([
		['a negative INTEGER', nonNegativeIntegerOf, '02 01 ff', /negative INTEGER/],
		['a non-minimal INTEGER', nonNegativeIntegerOf, '02 02 00 7f', /non-minimal INTEGER/],
		['an empty INTEGER', nonNegativeIntegerOf, '02 00', /empty INTEGER/],
		['an OID where an INTEGER belongs', nonNegativeIntegerOf, '06 01 2a', /not universal tag 2/],
		['an OID with a padded arc', oidOf, '06 03 2a 80 01', /non-minimal arc/],
		['an OID cut inside an arc', oidOf, '06 02 2a 86', /unterminated/],
		['an empty OID', oidOf, '06 00', /unterminated/],
		['an OID arc of 8 bytes', oidOf, '06 09 2a ff ff ff ff ff ff ff 7f', /arc too large/],
		['an OCTET STRING where an OID belongs', oidOf, '04 01 2a', /not universal tag 6/],
	])('%s is refused', (_name, read, der, message) => {
		expect(derError(() => read(readDer(hex(der))))).toMatch(message);
	});

	test('a SEQUENCE shorter than asked for, or missing, is refused', () => {
		const node = readDer(sequence(hex('05 00')));
		expect(sequenceOf(node, 1)).toHaveLength(1);
		expect(derError(() => sequenceOf(node, 2))).toMatch(/too short/);
		expect(derError(() => sequenceOf(undefined, 0))).toMatch(/missing SEQUENCE/);
		expect(derError(() => sequenceOf(readDer(hex('05 00')), 0))).toMatch(/not universal tag 16/);
	});
});

describe('hostile encodings are refused, in bounded time and depth', () => {
	const withContent = (header: string, length: number) =>
		Uint8Array.from([...hex(header), ...new Uint8Array(length)]);

	test.each([
		['nothing', bytes(), /truncated header/],
		['a lone tag', bytes(0x30), /truncated header/],
		['indefinite length (BER)', hex('30 80 05 00 00 00'), /indefinite length/],
		['a length past the end', hex('04 05 01 02'), /length past the end/],
		['a length of 2^32 - 1', hex('04 84 ff ff ff ff 00'), /length past the end/],
		['a length in 5 bytes', hex('04 85 00 00 00 00 01 00'), /length too large/],
		['a long-form length under 128', hex('04 81 01 00'), /non-minimal length/],
		['a long-form length with a leading zero', withContent('04 82 00 81', 129), /non-minimal/],
		['a length field cut short', hex('04 82 01'), /truncated length/],
		['a high tag number', hex('1f 81 00 00'), /high tag number/],
		['a constructed OCTET STRING (BER)', hex('24 03 04 01 00'), /tag 4 constructed/],
		['a primitive SEQUENCE', hex('10 00'), /tag 16 primitive/],
		['bytes after the element', hex('05 00 00'), /bytes after the element/],
		['a child longer than its parent', hex('30 03 04 05 00 00 00 00 00'), /past the end/],
	])('%s', (_name, der, reason) => {
		expect(derError(() => readDer(der))).toMatch(reason);
	});

	test(`nesting: ${MAX_DER_DEPTH} levels read, one more refused`, () => {
		let node = hex('05 00');
		for (let level = 1; level < MAX_DER_DEPTH; level++) node = sequence(node);
		expect(() => readDer(node)).not.toThrow();
		expect(derError(() => readDer(sequence(node)))).toMatch(/nested too deeply/);
	});

	test('100 000 nested SEQUENCE headers: refused at the depth limit, no stack overflow', () => {
		// built from the inside out: each header claims exactly what it wraps
		const headers: number[][] = [];
		let size = 2;
		for (let level = 0; level < 100_000; level++) {
			const header = [0x30, ...lengthOf(size)];
			headers.push(header);
			size += header.length;
		}
		const der = Uint8Array.from([...headers.reverse().flat(), 0x05, 0x00]);
		const started = performance.now();
		expect(derError(() => readDer(der))).toMatch(/nested too deeply/);
		expect(performance.now() - started).toBeLessThan(50);
	});

	test('linear time: 64 KB of empty elements in one SEQUENCE, and every truncation of a key', () => {
		const many = sequence(new Uint8Array(64 * 1024).fill(0).map((_zero, at) => (at % 2 ? 0 : 5)));
		let started = performance.now();
		expect(sequenceOf(readDer(many), 0)).toHaveLength(32 * 1024);
		expect(performance.now() - started).toBeLessThan(500);

		const der = derOfPem(readKeyFixture(KEY_FIXTURES[0]).pem);
		started = performance.now();
		for (let length = 0; length < der.length; length++) {
			expect(derError(() => readDer(der.subarray(0, length)))).toMatch(/^Not valid DER: /);
		}
		expect(performance.now() - started).toBeLessThan(2_000);
	});

	test('random bytes never throw anything but DerError', () => {
		let seed = 1;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
		for (let attempt = 0; attempt < 20_000; attempt++) {
			const der = Uint8Array.from({ length: 1 + (attempt % 40) }, next);
			// structures that look like SEQUENCEs more often
			if (attempt % 2) der[0] = 0x30;
			try {
				const node = readDer(der);
				expect(node.content.length).toBeLessThanOrEqual(der.length);
			} catch (error) {
				expect(error).toBeInstanceOf(DerError);
			}
		}
	});
});
