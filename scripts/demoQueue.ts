/**
 * `npm run demo:queue`: n8n 2.8.4 in queue mode (PostgreSQL, Redis, one main, two workers, one
 * webhook processor) pays 2 000 rows against the AliKassa sandbox. The splitter example cuts
 * them into chunks of 500 and posts each to the published pay-chunk example; n8n hands the
 * executions to the workers. Prints who ran what (n8n's execution records and worker logs) and
 * checks every row against what the sandbox received.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { EXAMPLES, sandboxCredential } from './examples';
import { ensureN8nInstalled, nodeItems, preparePackage } from './n8n';
import { QueueStack } from './queue';
import { payChunkWorkflow, payoutRows, payoutsCsv, splitterWorkflow } from './queueBatch';
import { orderIdOf, SandboxProcess } from './sandboxProcess';

const ROWS = 2_000;
const CHUNK_SIZE = 500;
const { queuePayChunk, queueSplitBatch } = EXAMPLES;

const print = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
	const started = Date.now();
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	const sandbox = await SandboxProcess.start();
	const dataDir = mkdtempSync(join(tmpdir(), 'alikassa-demo-queue-'));
	const csvPath = join(dataDir, 'payouts.csv');
	const rows = payoutRows('demo-queue', ROWS);
	writeFileSync(csvPath, payoutsCsv(rows));
	print(`AliKassa sandbox: ${sandbox.url}`);
	print('Starting n8n in queue mode (main, 2 workers, webhook processor)…');
	let stack: QueueStack | undefined;
	try {
		stack = await QueueStack.start({
			pkg,
			credentials: [sandboxCredential(sandbox.url)],
			workflows: [payChunkWorkflow(sandbox.url)],
			publish: [queuePayChunk.id],
			env: { N8N_RESTRICT_FILE_ACCESS_TO: dataDir },
			log: print,
		});
		const payChunkUrl = stack.webhookUrl(queuePayChunk.webhookPath);
		await stack.importWorkflows([
			splitterWorkflow({ sandboxUrl: sandbox.url, csvPath, payChunkUrl, chunkSize: CHUNK_SIZE }),
		]);
		print();
		print(
			`Running examples/${queueSplitBatch.file}: ${ROWS} rows in chunks of ${CHUNK_SIZE}, each posted to ${payChunkUrl}…`,
		);
		const batchStarted = Date.now();
		const run = await stack.execute(queueSplitBatch.id);
		const seconds = (Date.now() - batchStarted) / 1000;
		if (run.failed) {
			print(`The splitter failed: ${run.run.data.resultData.error?.message}`);
			return 1;
		}
		const outcomes = nodeItems(run.run, queueSplitBatch.payChunkNode).map((item) => item.json);

		print();
		print('The pay-chunk executions, from n8n (public API /api/v1/executions and worker logs):');
		const executions = await stack.waitForExecutions(queuePayChunk.id, ROWS / CHUNK_SIZE);
		const workerOf = stack.workerOfExecutions();
		for (const execution of [...executions].reverse()) {
			const items = nodeItems(execution, queuePayChunk.payoutNode);
			const orderIds = items.map((item) => String(item.json.order_id)).sort();
			print(
				`  execution ${execution.id}  ${execution.mode}  ${execution.status}  ${workerOf.get(String(execution.id)) ?? 'unknown worker'}  ${items.length} rows (${orderIds[0]} … ${orderIds[orderIds.length - 1]})`,
			);
		}
		const workersUsed = new Set(executions.map((execution) => workerOf.get(String(execution.id))));

		const payouts = await sandbox.payouts();
		const requests = (await sandbox.requests()).filter((request) => request.path === '/v1/payout');
		const idOf = new Map(payouts.map((payout) => [payout.orderId, payout.id]));
		const problems: string[] = [];
		if (payouts.length !== ROWS)
			problems.push(`the sandbox holds ${payouts.length} payouts, not ${ROWS}`);
		if (idOf.size !== payouts.length) problems.push('an order_id was paid twice');
		if (requests.some((request) => !request.signatureValid))
			problems.push('a request had an invalid signature');
		const sentPerRow = new Map<string, number>();
		for (const request of requests) {
			const orderId = orderIdOf(request) ?? '';
			sentPerRow.set(orderId, (sentPerRow.get(orderId) ?? 0) + 1);
		}
		if ([...sentPerRow.values()].some((count) => count !== 1))
			problems.push('a row was sent more than once');
		if (outcomes.length !== ROWS)
			problems.push(`${outcomes.length} outcomes came back, not ${ROWS}`);
		const wrong = outcomes.filter(
			(outcome) => outcome.error !== undefined || outcome.id !== idOf.get(String(outcome.order_id)),
		);
		if (wrong.length > 0)
			problems.push(`${wrong.length} rows were not reported as the sandbox has them`);
		if (workersUsed.size !== 2)
			problems.push(`the chunks ran on ${workersUsed.size} worker(s), not 2`);

		print();
		print(
			`Paid ${payouts.length} of ${ROWS} rows in ${seconds.toFixed(1)} s (${(ROWS / seconds).toFixed(0)} payouts/s, n8n execute start-up included) over ${executions.length} executions on ${[...workersUsed].join(' and ')}.`,
		);
		print('Cross-check against the sandbox (/_sandbox/requests, /_sandbox/payouts):');
		if (problems.length === 0) {
			print(
				'  OK: every row sent once with a valid signature, paid once, reported with its AliKassa id.',
			);
		} else {
			problems.forEach((problem) => print(`  PROBLEM: ${problem}`));
		}
		print(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
		return problems.length === 0 ? 0 : 1;
	} finally {
		print("Stopping n8n; dropping the run's database and Redis keys…");
		await stack?.stop();
		await sandbox.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

main().then(
	(exitCode) => {
		process.exitCode = exitCode;
	},
	(error: unknown) => {
		process.stderr.write(
			`Queue demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
