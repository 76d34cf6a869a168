/**
 * n8n 2.8.4 in queue mode (PostgreSQL, Redis, one main, two workers, one webhook processor), the
 * package installed in every process like n8n's installer does: a batch split into chunks runs
 * on both workers, a worker killed mid-chunk loses nothing a re-send cannot recover, and the
 * AliKassa Trigger behind the webhook processor starts one execution per notification while the
 * example's claim lets the business branch run once per (payout, status).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { notificationsPrivateKey, signSha1Base64 } from '../../sandbox/keys';
import { phpJsonEncode } from '../../nodes/AliKassa/core/phpJson';
import { SANDBOX_ACCOUNT_ID, startSandbox, type Sandbox } from '../../sandbox/server';
import {
	CLAIMS_TABLE_SQL,
	claimsCredential,
	EXAMPLES,
	loadExample,
	notificationsCredential,
	pointWorkflowAt,
	sandboxCredential,
	triggerProductionUrl,
} from '../../scripts/examples';
import {
	ensureN8nInstalled,
	nodeItems,
	preparePackage,
	type ExecutionRun,
	type Workflow,
} from '../../scripts/n8n';
import { orderIdOf } from '../../scripts/sandboxProcess';
import { databaseOf, newRunId, QueueStack } from '../../scripts/queue';
import { withPostgres } from '../../scripts/queueServices';
import { nodeNamed, SETUP_TIMEOUT_MS } from '../support/n8nHarness';

const { queuePayChunk: payChunk, queueSplitBatch: splitBatch, reactToNotifications } = EXAMPLES;
const CHUNK_SIZE = 50;
const CHUNKS = 4;
const EXECUTION_WAIT_MS = 60_000;
const TEST_TIMEOUT_MS = 180_000;

interface ApiExecution extends ExecutionRun {
	id: string;
	mode: string;
	status: string;
}

let sandbox: Sandbox;
let stack: QueueStack;
let apiKey: string;
let dataDir: string;

function rowsCsv(prefix: string, count: number): string {
	const lines = ['order_id,employee,amount,service,number'];
	for (let row = 0; row < count; row++) {
		const orderId = `${prefix}-${String(row).padStart(4, '0')}`;
		lines.push(
			`${orderId},Employee ${row},${100 + row}.${String(row % 100).padStart(2, '0')},payment_card_rub,4111111111111111`,
		);
	}
	return `${lines.join('\n')}\n`;
}

function chunkRows(prefix: string, count: number) {
	return rowsCsv(prefix, count)
		.trim()
		.split('\n')
		.slice(1)
		.map((line) => {
			const [order_id, , amount, service, number] = line.split(',');
			return { order_id, amount, service, number };
		});
}

/** The splitter example reading `payoutsCsv` in chunks of CHUNK_SIZE, posting to `payChunkUrl`. */
function splitter(payoutsCsv: string, payChunkUrl: string): Workflow {
	const split = pointWorkflowAt(loadExample(splitBatch.file), {
		sandboxUrl: sandbox.url,
		payoutsCsv,
	});
	const chunks = nodeNamed(split, splitBatch.chunksNode);
	const code = String(chunks.parameters.jsCode);
	expect(code).toContain('const chunkSize = 500;');
	chunks.parameters.jsCode = code.replace(
		'const chunkSize = 500;',
		`const chunkSize = ${CHUNK_SIZE};`,
	);
	nodeNamed(split, splitBatch.payChunkNode).parameters.url = payChunkUrl;
	return split;
}

async function executionsOf(workflowId: string): Promise<ApiExecution[]> {
	const query = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
	const response = await fetch(`${stack.main.url}/api/v1/executions?${query}`, {
		headers: { 'X-N8N-API-KEY': apiKey },
	});
	if (!response.ok) throw new Error(`GET /api/v1/executions: HTTP ${response.status}`);
	return ((await response.json()) as { data: ApiExecution[] }).data;
}

/** The workflow's finished executions once there are `count`, newest first. */
async function waitForExecutions(workflowId: string, count: number): Promise<ApiExecution[]> {
	const deadline = Date.now() + EXECUTION_WAIT_MS;
	for (;;) {
		const executions = (await executionsOf(workflowId)).filter(
			(execution) => execution.status !== 'running' && execution.status !== 'new',
		);
		if (executions.length >= count || Date.now() > deadline) return executions;
		await sleep(250);
	}
}

function sandboxPayoutsOf(prefix: string) {
	return sandbox.payouts().filter((payout) => payout.orderId.startsWith(`${prefix}-`));
}

/** A notification signed like AliKassa's, for a payout the sandbox holds. */
function signedNotification(orderId: string, status: 'paid' | 'cancel' | 'fail') {
	const payout = sandbox.payouts().find((candidate) => candidate.orderId === orderId)!;
	const fields = {
		type: 'payout',
		id: payout.id,
		order_id: payout.orderId,
		payment_status: status,
		amount: payout.amount,
		payment_amount: payout.amount,
		commission_amount: '0.00',
		is_partial_payment: '0',
		account: SANDBOX_ACCOUNT_ID,
		service: payout.service,
		desc: `Выплата ${payout.orderId}`,
	};
	const query = Object.fromEntries(
		Object.entries(fields).map(([key, value]) => [key, String(value)]),
	);
	return {
		...query,
		sign: signSha1Base64(phpJsonEncode(fields), notificationsPrivateKey()),
	};
}

function notify(query: Record<string, string>) {
	const url = triggerProductionUrl(stack.webhook.url, reactToNotifications.webhookId);
	return fetch(`${url}?${new URLSearchParams(query)}`).then((response) => response.status);
}

function postChunk(rows: unknown[], signal?: AbortSignal) {
	return fetch(stack.webhookUrl(payChunk.webhookPath), {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ rows }),
		signal,
	});
}

beforeAll(async () => {
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	sandbox = await startSandbox({ quiet: true, finalAfterMs: 60 * 60_000 });
	dataDir = mkdtempSync(join(tmpdir(), 'alikassa-queue-data-'));
	const payoutsCsv = join(dataDir, 'payouts.csv');
	writeFileSync(payoutsCsv, rowsCsv('q-batch', CHUNK_SIZE * CHUNKS));
	const runId = newRunId();
	stack = await QueueStack.start({
		pkg,
		runId,
		credentials: [
			sandboxCredential(sandbox.url),
			notificationsCredential(),
			claimsCredential(databaseOf(runId)),
		],
		workflows: [
			pointWorkflowAt(loadExample(payChunk.file), { sandboxUrl: sandbox.url }),
			loadExample(reactToNotifications.file),
		],
		publish: [payChunk.id, reactToNotifications.id],
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: dataDir,
			// A killed worker's execution is given up after ~10 s instead of ~90 s.
			QUEUE_WORKER_LOCK_DURATION: '5000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		},
		log: () => undefined,
	});
	await withPostgres(stack.database, (client) => client.query(CLAIMS_TABLE_SQL));
	// The webhook processor's port is known once it runs; a workflow run with `n8n execute`
	// needs no publishing, so it can be imported now.
	await stack.importWorkflows([splitter(payoutsCsv, stack.webhookUrl(payChunk.webhookPath))]);
	apiKey = await stack.apiKey();
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await stack?.stop();
	await sandbox?.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

test('four chunks of a 200-row batch run on both workers; every row paid once and reported', async () => {
	const run = await stack.execute(splitBatch.id);
	expect(run.failed).toBe(false);
	const rows = nodeItems(run.run, splitBatch.payChunkNode).map((item) => item.json);
	const payouts = sandboxPayoutsOf('q-batch');
	expect(payouts).toHaveLength(CHUNK_SIZE * CHUNKS);
	expect(new Set(payouts.map((payout) => payout.orderId)).size).toBe(CHUNK_SIZE * CHUNKS);
	const idOf = new Map(payouts.map((payout) => [payout.orderId, payout.id]));
	expect(rows).toHaveLength(CHUNK_SIZE * CHUNKS);
	for (const row of rows) {
		expect(row).toEqual({
			order_id: expect.any(String),
			id: idOf.get(String(row.order_id)),
			payment_status: 'wait',
		});
	}
	expect(
		sandbox.requests.filter((request) => request.path === '/v1/payout' && !request.signatureValid),
	).toEqual([]);

	const executions = await waitForExecutions(payChunk.id, CHUNKS);
	expect(executions.map((execution) => [execution.mode, execution.status])).toEqual(
		Array(CHUNKS).fill(['webhook', 'success']),
	);
	const workerOf = stack.workerOfExecutions();
	const workers = executions.map((execution) => workerOf.get(String(execution.id)));
	expect(new Set(workers)).toEqual(new Set(['worker-1', 'worker-2']));
}, TEST_TIMEOUT_MS);
