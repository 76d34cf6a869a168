// `npm run scan`: n8n's own package scanner (@n8n/scan-community-package, pinned in
// lint/package.json) the way n8n's verification runs it, offline: analyzePackage with the Cloud
// config (`recommended` of @n8n/eslint-plugin-community-nodes, no-console, inline disables
// ignored, no rule off) over the sources (SOURCE_FILE_PATTERNS: package.json, nodes/**,
// credentials/**) and over the unpacked `npm pack` output (every .js and package.json).
// Prints each leg's per-file errors and the total; exits non-zero on any error.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The scanner makes a temp dir on import (for downloads this offline scan never does); tmp
// removes it on exit only when asked.
createRequire(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'))(
	'tmp',
).setGracefulCleanup();

function run(command, args, cwd) {
	const finished = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
	if (finished.error) throw finished.error;
	if (finished.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

/** analyzePackage's result as its stylish report and the error count that report ends with. */
async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	if (result.details) console.log(result.details.trimEnd());
	if (result.passed) {
		console.log(`${label}: 0 errors`);
		return 0;
	}
	const errors = Number(/\((\d+) errors?,/.exec(result.details ?? '')?.[1] ?? 1);
	console.log(`${label}: ${errors} error(s) (${result.message})`);
	return errors;
}

const workDir = mkdtempSync(join(tmpdir(), 'alikassa-scan-'));
try {
	const sourceErrors = await scan('sources', REPO_ROOT, SOURCE_FILE_PATTERNS);
	run('npm', ['pack', '--pack-destination', workDir], REPO_ROOT);
	const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
	console.log(`${tarball}: ${(statSync(join(workDir, tarball)).size / 1000).toFixed(1)} kB`);
	run('tar', ['-xzf', tarball], workDir);
	const tarballErrors = await scan(`tarball ${tarball}`, join(workDir, 'package'), [
		'**/*.js',
		'package.json',
	]);
	console.log(`n8n's scanner (Cloud rules): ${sourceErrors + tarballErrors} error(s) in total`);
	process.exitCode = sourceErrors + tarballErrors === 0 ? 0 : 1;
} finally {
	rmSync(workDir, { recursive: true, force: true });
}
