/** PHP itself, the reference for JSON and signatures: the tests and the benchmark call it. */
import { spawnSync } from 'child_process';

let phpFound: boolean | undefined;

export function phpAvailable(): boolean {
	phpFound ??=
		spawnSync('php', ['-r', 'exit(function_exists("openssl_sign") ? 0 : 1);']).status === 0;
	return phpFound;
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
