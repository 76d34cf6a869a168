/**
 * One real n8n per e2e test file: installed on first use (a failed install fails the tests),
 * a throwaway user folder with the packed package installed like n8n's installer does, and
 * the in-process AliKassa sandbox, so tests can read what it received.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startSandbox, type Sandbox, type SandboxPayout } from '../../sandbox/server';
import type { SandboxOptions } from '../../sandbox/types';
import { EXAMPLES_DIR, notificationsCredential, sandboxCredential } from '../../scripts/examples';
import {
	ensureN8nInstalled,
	N8nUserFolder,
	preparePackage,
	type PreparedPackage,
	type UserFolderOptions,
	type Workflow,
} from '../../scripts/n8n';

/** The first run installs n8n (~6 min on 2 cores) and builds the package. */
export const SETUP_TIMEOUT_MS = 15 * 60_000;
/** One `n8n execute` takes ~10 s; a 120-row batch a little more. */
export const EXECUTION_TIMEOUT_MS = 3 * 60_000;

export interface N8nHarness {
	pkg: PreparedPackage;
	n8n: N8nUserFolder;
	sandbox: Sandbox;
	/** A folder n8n may read files from, for CSV files a test writes. */
	dataDir: string;
	writeDataFile(name: string, content: string): string;
	/** The sandbox's payout with this order_id; throws when there is none. */
	payout(orderId: string): SandboxPayout;
	close(): Promise<void>;
}

export async function setUpN8n(
	options: Omit<UserFolderOptions, 'readableDirs'> = {},
	sandboxOptions: Pick<SandboxOptions, 'firstPayoutId'> = {},
): Promise<N8nHarness> {
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	// Payouts stay "wait" until a test makes them final with sandbox.finalize().
	const sandbox = await startSandbox({ ...sandboxOptions, quiet: true, finalAfterMs: 60 * 60_000 });
	const dataDir = mkdtempSync(join(tmpdir(), 'alikassa-e2e-data-'));
	const n8n = await N8nUserFolder.create(pkg, {
		...options,
		readableDirs: [EXAMPLES_DIR, dataDir],
	});
	await n8n.importCredentials([sandboxCredential(sandbox.url), notificationsCredential()]);
	return {
		pkg,
		n8n,
		sandbox,
		dataDir,
		writeDataFile(name, content) {
			const path = join(dataDir, name);
			writeFileSync(path, content);
			return path;
		},
		payout(orderId) {
			const payout = sandbox.payouts().find((candidate) => candidate.orderId === orderId);
			if (payout === undefined) throw new Error(`The sandbox has no payout "${orderId}"`);
			return payout;
		},
		async close() {
			await sandbox.close();
			n8n.remove();
			rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

/** A copy with another id and name, so that variants of one example can sit side by side. */
export function variant(
	workflow: Workflow,
	id: string,
	change: (copy: Workflow) => void = () => undefined,
): Workflow {
	const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
	copy.id = id;
	copy.name = `${workflow.name} (${id})`;
	change(copy);
	return copy;
}

export function nodeNamed(workflow: Workflow, name: string) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (node === undefined) throw new Error(`The workflow "${workflow.name}" has no node "${name}"`);
	return node;
}
