import { spawnSync } from 'child_process';
import { join } from 'path';

import type { PhpJsonValue } from '../../nodes/AliKassa/core/phpJson';

/** A value as cases.json and the PHP scripts write it: maps are tagged so their order survives. */
export type TaggedValue =
	null | boolean | number | string | TaggedValue[] | { $map: Array<[string, TaggedValue]> };

export const PHP_SCRIPTS = join(__dirname, '..', 'php');

const underCi = process.env.CI === 'true';
let phpFound: boolean | undefined;

export function phpAvailable(): boolean {
	phpFound ??=
		spawnSync('php', ['-r', 'exit(function_exists("openssl_sign") ? 0 : 1);']).status === 0;
	return phpFound;
}

/**
 * Why the live-PHP tests are skipped here, or undefined when they can run. Under CI they must
 * run, so a missing php is an error there rather than a quiet skip.
 */
export function requirePhpOrSkipReason(): string | undefined {
	if (phpAvailable()) return undefined;
	if (underCi) {
		throw new Error(
			'php-cli is required under CI (with the openssl extension) for the live-PHP tests',
		);
	}
	return 'php-cli with openssl not found; CI runs these';
}

/** `describe` for live-PHP tests; outside CI a missing PHP skips them, saying why in the title. */
export function describePhp(title: string, body: () => void): void {
	if (phpAvailable() || underCi) {
		describe(title, () => {
			beforeAll(() => {
				requirePhpOrSkipReason();
			});
			body();
		});
	} else {
		describe.skip(`${title} [skipped: ${requirePhpOrSkipReason()}]`, body);
	}
}

/**
 * JavaScript numbers are doubles, so each one is written as a JSON float for PHP: an integer
 * literal would become a PHP int and lose -0, and 1e17 would be printed as digits.
 */
function toPhpInputJson(value: unknown): string {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Error(`${value} cannot be sent to PHP as JSON`);
		return Object.is(value, -0) ? '-0.0' : value.toExponential();
	}
	if (Array.isArray(value)) return '[' + value.map(toPhpInputJson).join(',') + ']';
	if (value !== null && typeof value === 'object') {
		const members = Object.entries(value).map(
			([key, item]) => JSON.stringify(key) + ':' + toPhpInputJson(item),
		);
		return '{' + members.join(',') + '}';
	}
	return JSON.stringify(value);
}

/** Runs a PHP script with `input` as JSON on stdin and returns its JSON output. */
export function runPhpJson(scriptPath: string, input: unknown): unknown {
	const run = spawnSync('php', [scriptPath], {
		input: toPhpInputJson(input),
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
	});
	if (run.error) throw run.error;
	if (run.status !== 0) {
		throw new Error(`php ${scriptPath} exited with ${run.status}: ${run.stderr || run.stdout}`);
	}
	return JSON.parse(run.stdout);
}

export function fromTagged(tagged: TaggedValue): PhpJsonValue {
	if (Array.isArray(tagged)) return tagged.map(fromTagged);
	if (tagged !== null && typeof tagged === 'object') {
		return new Map(tagged.$map.map(([key, item]) => [key, fromTagged(item)]));
	}
	return tagged;
}
