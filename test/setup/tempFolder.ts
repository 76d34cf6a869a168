/**
 * `npm test` must leave nothing in the system temp folder. Jest's global setup gives the run a
 * private TMPDIR (inherited by the test workers and by everything they start: n8n, npm, Chromium)
 * and the global teardown fails the run if anything is still in it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const RUN_TMPDIR = 'ALIKASSA_TEST_TMPDIR';
/**
 * gulp-cli's cache of V8's flag list (the v8flags package), one per machine, V8 version and
 * user: written to the temp folder when ~/.cache does not exist yet (a new machine) and a test
 * builds the package. It is gulp's, it is kept for reuse outside a test run, and it goes with
 * the run's folder.
 */
const GULP_FLAG_CACHE = /^\.v8flags-\d+-[\w.-]+\.[0-9a-f]{64}\.json$/;

export function giveTheRunItsOwnTempFolder(): void {
	const folder = mkdtempSync(join(tmpdir(), 'alikassa-test-run-'));
	process.env[RUN_TMPDIR] = folder;
	process.env.TMPDIR = folder;
}

export function failIfSomethingWasLeftBehind(): void {
	const folder = process.env[RUN_TMPDIR];
	if (folder === undefined) return;
	const leftovers = readdirSync(folder).filter((name) => !GULP_FLAG_CACHE.test(name));
	// Removed either way, so that a failing run does not fill the disk.
	rmSync(folder, { recursive: true, force: true });
	if (leftovers.length > 0) {
		throw new Error(
			`The tests left ${leftovers.length} entries in the temp folder: ${leftovers.sort().join(', ')}`,
		);
	}
}
