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

test(
	'four chunks of a 200-row batch run on both workers; every row paid once and reported',
	async () => {
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
			sandbox.requests.filter(
				(request) => request.path === '/v1/payout' && !request.signatureValid,
			),
		).toEqual([]);

		const executions = await waitForExecutions(payChunk.id, CHUNKS);
		expect(executions.map((execution) => [execution.mode, execution.status])).toEqual(
			Array(CHUNKS).fill(['webhook', 'success']),
		);
		const workerOf = stack.workerOfExecutions();
		const workers = executions.map((execution) => workerOf.get(String(execution.id)));
		expect(new Set(workers)).toEqual(new Set(['worker-1', 'worker-2']));
	},
	TEST_TIMEOUT_MS,
);

/** The branch of the example's Switch that ran in an execution, if any. */
function businessBranchRan(execution: ApiExecution): boolean {
	return Object.values(reactToNotifications.branchOfStatus).some(
		(node) => execution.data.resultData.runData[node] !== undefined,
	);
}

test(
	'a signed notification to the webhook processor starts one execution on a worker; forged ones get 403',
	async () => {
		const genuine = signedNotification('q-batch-0001', 'paid');
		expect(await notify(genuine)).toBe(200);
		const [execution, ...more] = await waitForExecutions(reactToNotifications.id, 1);
		expect(more).toEqual([]);
		expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
		expect(stack.workerOfExecutions().get(String(execution.id))).toMatch(/^worker-[12]$/);
		expect(nodeItems(execution, reactToNotifications.triggerNode)[0].json).toMatchObject({
			order_id: 'q-batch-0001',
			payment_status: 'paid',
		});
		expect(businessBranchRan(execution)).toBe(true);

		expect(await notify({ ...genuine, amount: '100000.00' })).toBe(403);
		expect(await notify({ ...genuine, payment_status: 'fail' })).toBe(403);
		const { sign: _sign, ...unsigned } = genuine;
		expect(await notify(unsigned)).toBe(403);
		// Another genuine notification: once its execution is there, any the forged ones had
		// started would be too.
		expect(await notify(signedNotification('q-batch-0002', 'paid'))).toBe(200);
		expect(await waitForExecutions(reactToNotifications.id, 2)).toHaveLength(2);
	},
	TEST_TIMEOUT_MS,
);

test(
	'one notification sent five times, three at the same moment: the business branch runs once',
	async () => {
		const notice = signedNotification('q-batch-0003', 'cancel');
		const before = (await executionsOf(reactToNotifications.id)).length;
		const concurrent = await Promise.all([notify(notice), notify(notice), notify(notice)]);
		const later = [await notify(notice), await notify(notice)];
		expect([...concurrent, ...later]).toEqual([200, 200, 200, 200, 200]);

		const executions = (await waitForExecutions(reactToNotifications.id, before + 5)).slice(0, 5);
		expect(executions).toHaveLength(5);
		expect(executions.map((execution) => execution.status)).toEqual(Array(5).fill('success'));
		expect(executions.filter(businessBranchRan)).toHaveLength(1);
		const handledAgain = executions.filter(
			(execution) => execution.data.resultData.runData[reactToNotifications.alreadyHandledNode],
		);
		expect(handledAgain).toHaveLength(4);
		const claims = await withPostgres(stack.database, (client) =>
			client.query(
				`SELECT payout_id, payment_status FROM alikassa_notifications WHERE order_id = $1`,
				['q-batch-0003'],
			),
		);
		expect(claims.rows).toEqual([{ payout_id: expect.anything(), payment_status: 'cancel' }]);
	},
	TEST_TIMEOUT_MS,
);

test(
	'a worker killed mid-chunk: the chunk sent again pays nothing twice and reports the earlier payouts',
	async () => {
		const rows = chunkRows('q-killed', CHUNK_SIZE);
		// Each payout takes ~150 ms at AliKassa, so the chunk is still running when the worker dies.
		sandbox.injectFault({ kind: 'latency', path: '/v1/payout', delayMs: 150, times: CHUNK_SIZE });
		const executionsBefore = new Set(stack.workerOfExecutions().keys());
		const abandoned = new AbortController();
		const firstSend = postChunk(rows, abandoned.signal).catch(() => undefined);

		const deadline = Date.now() + EXECUTION_WAIT_MS;
		while (sandboxPayoutsOf('q-killed').length < 10) {
			if (Date.now() > deadline) throw new Error('The chunk did not start paying');
			await sleep(20);
		}
		const [executionId, workerLabel] = [...stack.workerOfExecutions()].find(
			([id]) => !executionsBefore.has(id),
		)!;
		const worker = stack.workers.find(({ label }) => label === workerLabel)!;
		worker.service.kill('SIGKILL');
		await worker.service.whenEnded();
		// Requests already on their way still land; then nothing moves any more.
		await sleep(1000);
		const paidBeforeKill = new Map(
			sandboxPayoutsOf('q-killed').map((payout) => [payout.orderId, payout.id]),
		);
		expect(paidBeforeKill.size).toBeGreaterThan(0);
		expect(paidBeforeKill.size).toBeLessThan(CHUNK_SIZE);
		abandoned.abort();
		await firstSend;

		const again = await postChunk(rows);
		expect(again.status).toBe(200);
		const outcomes = (await again.json()) as Array<Record<string, unknown>>;
		const payouts = sandboxPayoutsOf('q-killed');
		expect(payouts).toHaveLength(CHUNK_SIZE);
		expect(new Set(payouts.map((payout) => payout.orderId)).size).toBe(CHUNK_SIZE);
		const idOf = new Map(payouts.map((payout) => [payout.orderId, payout.id]));
		expect(outcomes).toHaveLength(CHUNK_SIZE);
		for (const outcome of outcomes) {
			const orderId = String(outcome.order_id);
			expect(outcome).toMatchObject({ id: idOf.get(orderId), payment_status: 'wait' });
			expect(outcome.alreadyCreated === true).toBe(paidBeforeKill.has(orderId));
			expect(outcome.error).toBeUndefined();
		}
		expect(stack.workerOfExecutions().get(executionId)).toBe(workerLabel);
	},
	TEST_TIMEOUT_MS,
);
