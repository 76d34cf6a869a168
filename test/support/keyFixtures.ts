import type { KeyObject } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import type { PrivateKeyProblem } from '../../nodes/AliKassa/core/privateKey';
import type { SignatureHash } from '../../nodes/AliKassa/core/signer';
import type { TaggedValue } from './php';

const REPOSITORY = join(__dirname, '..', '..');
const KEY_DIRECTORY = join(REPOSITORY, 'test', 'fixtures', 'keys');

/** One entry of test/fixtures/keys/manifest.json. */
export interface KeyFixture {
	name: string;
	file: string;
	passwordFile: string | null;
	format: string;
	bits: number | null;
	expect: 'ok' | PrivateKeyProblem;
}

export interface PemWithPassword {
	pem: string;
	/** as password.txt holds it, trailing newline included; '' when there is none */
	password: string;
}

type Signatures = Record<SignatureHash, string>;

/** test/fixtures/php-vectors.json, written by test/php/make-vectors.php. */
export interface PhpVectors {
	php: string;
	openssl: string;
	probe: string;
	signingKeys: Array<{ name: string; file: string; passwordFile: string }>;
	cases: Array<{
		name: string;
		value: TaggedValue;
		json: string;
		signatures: Record<string, Signatures>;
	}>;
	keys: Array<{ name: string; phpLoads: boolean; signatureOfProbe: Signatures | null }>;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

export const KEY_FIXTURES = readJson(join(KEY_DIRECTORY, 'manifest.json')) as KeyFixture[];

export const PHP_VECTORS = readJson(
	join(REPOSITORY, 'test', 'fixtures', 'php-vectors.json'),
) as PhpVectors;

export function keyFixture(name: string): KeyFixture {
	const fixture = KEY_FIXTURES.find((entry) => entry.name === name);
	if (!fixture) throw new Error(`no key fixture named ${name}`);
	return fixture;
}

export function readKeyFixture(fixture: KeyFixture): PemWithPassword {
	const read = (file: string) => readFileSync(join(KEY_DIRECTORY, file), 'utf8');
	return {
		pem: read(fixture.file),
		password: fixture.passwordFile === null ? '' : read(fixture.passwordFile),
	};
}

/** A key PHP signed the vectors with; its files are named relative to the repository. */
export function readSigningKey(name: string): PemWithPassword {
	const signingKey = PHP_VECTORS.signingKeys.find((entry) => entry.name === name);
	if (!signingKey) throw new Error(`php-vectors.json has no signing key named ${name}`);
	return {
		pem: readFileSync(join(REPOSITORY, signingKey.file), 'utf8'),
		password: readFileSync(join(REPOSITORY, signingKey.passwordFile), 'utf8'),
	};
}

/** An RSA key's modulus (base64url), to tell keys apart without exporting them. */
export const modulusOf = (key: KeyObject): string => key.export({ format: 'jwk' }).n as string;
