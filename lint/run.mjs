// `npm run lint`: n8n's own rules (../eslint.config.mjs) over nodes/, credentials/ and
// package.json, then an ordinary lint (dev.config.mjs) over everything else that is code.
// (`npm run scan` runs n8n's scanner itself over the sources and what `npm pack` publishes.)
// Inline eslint comments are ignored everywhere, as n8n's scanner ignores them. The tools are
// installed into lint/ on first use.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LINT_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = dirname(LINT_DIR);
const ESLINT = join(LINT_DIR, 'node_modules', '.bin', 'eslint');

function run(command, args, cwd) {
	const finished = spawnSync(command, args, { cwd, stdio: 'inherit' });
	if (finished.error) throw finished.error;
	return finished.status ?? 1;
}

function ensureLintToolsInstalled() {
	const installed = join(LINT_DIR, 'node_modules', '.package-lock.json');
	const lockfile = join(LINT_DIR, 'package-lock.json');
	if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs) return;
	console.log('Installing the lint tools into lint/ …');
	if (run('npm', ['ci', '--no-audit', '--no-fund'], LINT_DIR) !== 0) process.exit(1);
}

function lintSources(extraArgs) {
	console.log('n8n community-node rules: nodes/, credentials/, package.json');
	const n8nRules = run(
		ESLINT,
		['--no-inline-config', ...extraArgs, 'nodes', 'credentials', 'package.json'],
		REPO_ROOT,
	);
	console.log('TypeScript lint: sandbox/, scripts/, test/, lint/, build files');
	const devRules = run(
		ESLINT,
		[
			'--no-inline-config',
			'-c',
			join(LINT_DIR, 'dev.config.mjs'),
			...extraArgs,
			'sandbox',
			'scripts',
			'test',
			'lint',
			'gulpfile.js',
			'jest.config.js',
			'eslint.config.mjs',
		],
		REPO_ROOT,
	);
	return n8nRules || devRules;
}

ensureLintToolsInstalled();
process.exitCode = lintSources(process.argv.slice(2));
