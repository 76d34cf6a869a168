/**
 * HTTPS through n8n's own request helper in a real n8n (`n8n execute`, the package installed
 * like a community package): with the sandbox's test CA trusted through NODE_EXTRA_CA_CERTS a
 * batch pays every row, at most one TLS handshake per request (n8n's helper builds a new agent
 * for every request, so connections are not reused: the README's performance section has the
 * cost), directly and through the HTTPS_PROXY n8n applies, whose tunnels all go to AliKassa.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { sandboxCaFile, startSandbox, type Sandbox } from '../../sandbox/server';
import { batchWorkflow } from '../../scripts/benchN8n';
import { payoutCsv, payoutRows } from '../../scripts/benchRows';
import { EXAMPLES, sandboxCredential } from '../../scripts/examples';
import {
	ensureN8nInstalled,
	N8nUserFolder,
	nodeItems,
	preparePackage,
	type PreparedPackage,
} from '../../scripts/n8n';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy';
import { EXECUTION_TIMEOUT_MS, SETUP_TIMEOUT_MS } from '../support/n8nHarness';

const ROWS = 40;
const CONCURRENCY = 4;

let pkg: PreparedPackage;
let sandbox: Sandbox;
let proxy: ConnectProxy;
let dataDir: string;
let csvPath: string;
const userFolders: N8nUserFolder[] = [];

beforeAll(async () => {
	await ensureN8nInstalled();
	pkg = await preparePackage();
	sandbox = await startSandbox({ quiet: true, tls: true, finalAfterMs: 60 * 60_000 });
	proxy = await startConnectProxy();
	dataDir = mkdtempSync(join(tmpdir(), 'alikassa-e2e-tls-'));
	csvPath = join(dataDir, 'payouts.csv');
	writeFileSync(csvPath, payoutCsv(payoutRows(ROWS, 'tls')));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await sandbox?.close();
	await proxy?.close();
	userFolders.forEach((folder) => folder.remove());
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => sandbox.reset());

/** The batch of ROWS payouts in a fresh n8n whose processes get `env`. */
async function runBatch(env: NodeJS.ProcessEnv) {
	const n8n = await N8nUserFolder.create(pkg, { readableDirs: [dataDir], env });
	userFolders.push(n8n);
	await n8n.importCredentials([sandboxCredential(sandbox.url)]);
	const workflow = batchWorkflow(sandbox.url, csvPath, CONCURRENCY);
	await n8n.importWorkflows([workflow]);
	const execution = await n8n.execute(workflow.id);
	expect(execution.run.data.resultData.error).toBeUndefined();
	return nodeItems(execution.run, EXAMPLES.scheduledBatch.payoutNode, 0);
}

it(
	'pays a batch over HTTPS through n8n’s helper, every request signed, at most one TLS handshake each',
	async () => {
		const created = await runBatch({ NODE_EXTRA_CA_CERTS: sandboxCaFile() });
		expect(created.filter((item) => typeof item.json.id === 'number')).toHaveLength(ROWS);
		expect(sandbox.payouts()).toHaveLength(ROWS);
		expect(sandbox.requests.every((request) => request.signatureValid)).toBe(true);
		// the one question before the batch (which services the account has), then one per row
		expect(sandbox.requests.map((request) => request.path)).toEqual([
			'/v1/account/info',
			...Array<string>(ROWS).fill('/v1/payout'),
		]);
		const counts = sandbox.connections();
		expect(counts.requests).toBe(ROWS + 1);
		expect(counts.tlsHandshakes).toBeGreaterThanOrEqual(1);
		expect(counts.tlsHandshakes).toBeLessThanOrEqual(counts.requests);
	},
	EXECUTION_TIMEOUT_MS,
);

it(
	'goes through the proxy HTTPS_PROXY names, still verifying AliKassa’s certificate',
	async () => {
		const created = await runBatch({
			NODE_EXTRA_CA_CERTS: sandboxCaFile(),
			HTTPS_PROXY: proxy.url,
			NO_PROXY: '',
		});
		expect(created.filter((item) => typeof item.json.id === 'number')).toHaveLength(ROWS);
		const target = new URL(sandbox.url).host;
		expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
		expect(proxy.tunnels.length).toBeLessThanOrEqual(ROWS + 1);
		expect(proxy.tunnels.every((tunnel) => tunnel.target === target)).toBe(true);
		expect(sandbox.connections().tlsHandshakes).toBeLessThanOrEqual(ROWS + 1);
	},
	EXECUTION_TIMEOUT_MS,
);

it(
	'fails cleanly, nothing paid, when AliKassa’s certificate is not trusted',
	async () => {
		const n8n = await N8nUserFolder.create(pkg, { readableDirs: [dataDir] });
		userFolders.push(n8n);
		await n8n.importCredentials([sandboxCredential(sandbox.url)]);
		const fewRows = join(dataDir, 'untrusted.csv');
		writeFileSync(fewRows, payoutCsv(payoutRows(2, 'untrusted')));
		const workflow = batchWorkflow(sandbox.url, fewRows, CONCURRENCY);
		await n8n.importWorkflows([workflow]);
		const execution = await n8n.execute(workflow.id);
		const refused = nodeItems(execution.run, EXAMPLES.scheduledBatch.payoutNode, 1);
		expect(refused).toHaveLength(2);
		// the handshake failed before the request left: proven unpaid, not "Outcome unknown"
		for (const item of refused) {
			expect(String(item.json.error)).toMatch(
				/^Not paid: .*AliKassa's TLS certificate was not accepted; nothing was sent/,
			);
		}
		expect(sandbox.payouts()).toHaveLength(0);
		expect(sandbox.requests).toHaveLength(0);
	},
	EXECUTION_TIMEOUT_MS,
);
