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

import { notificationsPrivateKey } from '../../sandbox/keys';
import { Notifier } from '../../sandbox/notifier';
import { startSandbox, type Sandbox, type SandboxPayout } from '../../sandbox/server';
import {
	CLAIMS_TABLE_SQL,
	claimsCredential,
	EXAMPLES,
	loadExample,
	notificationsCredential,
	sandboxCredential,
	triggerProductionUrl,
} from '../../scripts/examples';
import { ensureN8nInstalled, N8N_VERSION, nodeItems, preparePackage } from '../../scripts/n8n';
import { databaseOf, QueueStack, type ApiExecution } from '../../scripts/queue';
import {
	payChunk,
	payChunkWorkflow,
	payoutRows,
	payoutsCsv,
	splitterWorkflow,
} from '../../scripts/queueBatch';
import { newRunId, withPostgres } from '../../scripts/queueServices';
import { SETUP_TIMEOUT_MS } from '../support/n8nHarness';
import { describeWithQueueServices } from '../support/queueServices';

const { queuePayChunk, queueSplitBatch, reactToNotifications } = EXAMPLES;
const CHUNK_SIZE = 50;
const CHUNKS = 4;
const TEST_TIMEOUT_MS = 180_000;

let sandbox: Sandbox;
let stack: QueueStack;
let dataDir: string;
/** Sends notifications signed with the sandbox's key, as AliKassa would, and records answers. */
const notifier = new Notifier(notificationsPrivateKey(), () => undefined);

function sandboxPayoutsOf(prefix: string): SandboxPayout[] {
	return sandbox.payouts().filter((payout) => payout.orderId.startsWith(`${prefix}-`));
}

/** AliKassa notifies the trigger, via the webhook processor, that a payout reached `status`. */
async function notify(orderId: string, status: SandboxPayout['status']) {
	const payout = sandbox.payouts().find((candidate) => candidate.orderId === orderId)!;
	const url = triggerProductionUrl(stack.webhook.url, reactToNotifications.webhookId);
	await notifier.notify({ ...payout, status, notificationUrl: url });
	return notifier.sent[notifier.sent.length - 1];
}

/** Sends a notification's query again, changed or not; resolves with the HTTP status. */
async function resend(url: string, query: Record<string, string>): Promise<number> {
	return (await fetch(`${url}?${new URLSearchParams(query)}`)).status;
}

function payChunkUrl(): string {
	return stack.webhookUrl(queuePayChunk.webhookPath);
}

describeWithQueueServices('n8n in queue mode', () => {
	beforeAll(async () => {
		await ensureN8nInstalled();
		const pkg = await preparePackage();
		sandbox = await startSandbox({ quiet: true, finalAfterMs: 60 * 60_000 });
		dataDir = mkdtempSync(join(tmpdir(), 'alikassa-queue-data-'));
		const csvPath = join(dataDir, 'payouts.csv');
		writeFileSync(csvPath, payoutsCsv(payoutRows('q-batch', CHUNK_SIZE * CHUNKS)));
		const runId = newRunId();
		stack = await QueueStack.start({
			pkg,
			runId,
			credentials: [
				sandboxCredential(sandbox.url),
				notificationsCredential(),
				claimsCredential(databaseOf(runId)),
			],
			workflows: [payChunkWorkflow(sandbox.url), loadExample(reactToNotifications.file)],
			publish: [queuePayChunk.id, reactToNotifications.id],
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
		await stack.importWorkflows([
			splitterWorkflow({
				sandboxUrl: sandbox.url,
				csvPath,
				payChunkUrl: payChunkUrl(),
				chunkSize: CHUNK_SIZE,
			}),
		]);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		notifier.abortAll();
		await stack?.stop();
		await sandbox?.close();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	}, 120_000);

	test(
		'four chunks of a 200-row batch run on both workers; every row paid once and reported',
		async () => {
			const run = await stack.execute(queueSplitBatch.id);
			expect(run.failed).toBe(false);
			const rows = nodeItems(run.run, queueSplitBatch.payChunkNode).map((item) => item.json);
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

			const executions = await stack.waitForExecutions(queuePayChunk.id, CHUNKS);
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
			const { url, query: genuine, status } = await notify('q-batch-0001', 'paid');
			expect(status).toBe(200);
			const [execution, ...more] = await stack.waitForExecutions(reactToNotifications.id, 1);
			expect(more).toEqual([]);
			expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
			expect(stack.workerOfExecutions().get(String(execution.id))).toMatch(/^worker-[12]$/);
			expect(nodeItems(execution, reactToNotifications.triggerNode)[0].json).toMatchObject({
				order_id: 'q-batch-0001',
				payment_status: 'paid',
			});
			expect(businessBranchRan(execution)).toBe(true);

			expect(await resend(url, { ...genuine, amount: '100000.00' })).toBe(403);
			expect(await resend(url, { ...genuine, payment_status: 'fail' })).toBe(403);
			const { sign: _sign, ...unsigned } = genuine;
			expect(await resend(url, unsigned)).toBe(403);
			// Another genuine notification: once its execution is there, any the forged ones had
			// started would be too.
			expect((await notify('q-batch-0002', 'paid')).status).toBe(200);
			expect(await stack.waitForExecutions(reactToNotifications.id, 2)).toHaveLength(2);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'one notification sent five times, three at the same moment: the business branch runs once',
		async () => {
			const before = (await stack.executions(reactToNotifications.id)).length;
			const send = async () => (await notify('q-batch-0003', 'cancel')).status;
			const concurrent = await Promise.all([send(), send(), send()]);
			const later = [await send(), await send()];
			expect([...concurrent, ...later]).toEqual([200, 200, 200, 200, 200]);

			const executions = await stack.waitForExecutions(reactToNotifications.id, before + 5);
			expect(executions).toHaveLength(before + 5);
			executions.splice(5);
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
			const rows = payoutRows('q-killed', CHUNK_SIZE);
			// Each payout takes ~150 ms at AliKassa, so the chunk is still running when the worker dies.
			sandbox.injectFault({ kind: 'latency', path: '/v1/payout', delayMs: 150, times: CHUNK_SIZE });
			const executionsBefore = new Set(stack.workerOfExecutions().keys());
			const abandoned = new AbortController();
			const firstSend = payChunk(payChunkUrl(), rows, abandoned.signal).catch(() => undefined);

			const deadline = Date.now() + 60_000;
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

			const outcomes = await payChunk(payChunkUrl(), rows);
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

			// What n8n itself keeps of the killed execution, once its lock has run out. n8n 2.x gives
			// the job up (its queue's maxStalledCount is 0): a failed run without the payouts it made,
			// which only AliKassa (and a re-send) knows. n8n 1.x runs the stalled job once more on
			// another worker: that run succeeds, and the package's re-run safety is what keeps it from
			// paying anything twice.
			const recordDeadline = Date.now() + 120_000;
			let killed: ApiExecution | undefined;
			while (killed === undefined && Date.now() < recordDeadline) {
				killed = (await stack.executions(queuePayChunk.id)).find(
					({ id }) => String(id) === executionId,
				);
				if (killed === undefined) await sleep(500);
			}
			if (N8N_VERSION.startsWith('1.')) {
				expect(killed?.status).toBe('success');
			} else {
				expect(killed?.status).toMatch(/^(crashed|error)$/);
				expect(killed?.data?.resultData.runData[queuePayChunk.payoutNode]).toBeUndefined();
			}
			const payoutsInTheEnd = sandboxPayoutsOf('q-killed');
			expect(payoutsInTheEnd).toHaveLength(CHUNK_SIZE);
			expect(new Set(payoutsInTheEnd.map((payout) => payout.orderId)).size).toBe(CHUNK_SIZE);
		},
		TEST_TIMEOUT_MS,
	);
});
