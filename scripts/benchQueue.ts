/**
 * `npm run bench:queue`: payouts per second through n8n 2.8.4 in queue mode with one and with two
 * workers on this machine, and what the first payout of a fresh worker costs. Each setting gets
 * its own stack (database, Redis prefixes, user folders) and its own sandbox answering after
 * LATENCY_MS, like a remote AliKassa. The bare reference is what that latency alone allows.
 */
import { cpus, loadavg } from 'os';

import { EXAMPLES, sandboxCredential } from './examples';
import { ensureN8nInstalled, preparePackage, type PreparedPackage } from './n8n';
import { QueueStack, type ApiExecution } from './queue';
import { payChunk, payChunkWorkflow, payoutRows } from './queueBatch';
import { SandboxProcess } from './sandboxProcess';

const ROWS = 2_000;
const CHUNK_SIZE = 250;
const LATENCY_MS = 50;
/** The AliKassa Payout node's default concurrency within one execution. */
const NODE_CONCURRENCY = 5;
/** Single-row chunks sent one after another to a fresh worker: the first is the cold one. */
const SINGLE_ROW_CHUNKS = 6;
const { queuePayChunk } = EXAMPLES;

const print = (line = '') => process.stdout.write(`${line}\n`);

interface Measured {
	workers: number;
	seconds: number;
	perSecond: number;
	/** Which worker ran how many chunks. */
	chunksPerWorker: Map<string, number>;
	/** Execution durations (n8n's startedAt → stoppedAt) of the single-row chunks, in ms. */
	singleRowMs: number[];
}

function durationMs(execution: ApiExecution): number {
	return (
		new Date(execution.stoppedAt ?? execution.startedAt).getTime() -
		new Date(execution.startedAt).getTime()
	);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function measure(pkg: PreparedPackage, workers: number): Promise<Measured> {
	const sandbox = await SandboxProcess.start({ latencyMs: LATENCY_MS });
	let stack: QueueStack | undefined;
	try {
		stack = await QueueStack.start({
			pkg,
			workers,
			credentials: [sandboxCredential(sandbox.url)],
			workflows: [payChunkWorkflow(sandbox.url)],
			publish: [queuePayChunk.id],
			log: print,
		});
		const url = stack.webhookUrl(queuePayChunk.webhookPath);

		// One worker at first use: loading the node, decrypting the credential, loading the key.
		const singles = payoutRows(`bench-q${workers}-single`, SINGLE_ROW_CHUNKS);
		for (const row of singles) await payChunk(url, [row]);
		const singleExecutions = await stack.waitForExecutions(queuePayChunk.id, SINGLE_ROW_CHUNKS);
		const singleRowMs = [...singleExecutions].reverse().map(durationMs);

		const rows = payoutRows(`bench-q${workers}`, ROWS);
		const chunks = Array.from({ length: ROWS / CHUNK_SIZE }, (_, index) =>
			rows.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE),
		);
		const started = Date.now();
		const answers = await Promise.all(chunks.map((chunk) => payChunk(url, chunk)));
		const seconds = (Date.now() - started) / 1000;
		const paid = answers.flat().filter((outcome) => outcome.error === undefined).length;
		if (paid !== ROWS) throw new Error(`Only ${paid} of ${ROWS} rows were paid`);

		const executions = await stack.waitForExecutions(
			queuePayChunk.id,
			SINGLE_ROW_CHUNKS + chunks.length,
		);
		const workerOf = stack.workerOfExecutions();
		const chunksPerWorker = new Map<string, number>();
		for (const execution of executions.slice(0, chunks.length)) {
			const worker = workerOf.get(String(execution.id)) ?? 'unknown';
			chunksPerWorker.set(worker, (chunksPerWorker.get(worker) ?? 0) + 1);
		}
		return { workers, seconds, perSecond: ROWS / seconds, chunksPerWorker, singleRowMs };
	} finally {
		await stack?.stop();
		await sandbox.stop();
	}
}

async function main(): Promise<void> {
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	const results: Measured[] = [];
	for (const workers of [1, 2]) {
		print();
		print(`== ${workers} worker(s) ==`);
		results.push(await measure(pkg, workers));
	}
	const chunks = ROWS / CHUNK_SIZE;
	print();
	// Other work on the machine slows n8n's processes: the figures mean little without it.
	print(
		`${cpus().length} cores; load average over the last 1/5/15 min: ${loadavg()
			.map((load) => load.toFixed(1))
			.join(' / ')}`,
	);
	const idealSeconds = (ROWS / (chunks * NODE_CONCURRENCY)) * (LATENCY_MS / 1000);
	print();
	print(
		`n8n queue mode, ${ROWS} payouts in ${chunks} chunks of ${CHUNK_SIZE} posted at once to the webhook processor; sandbox answers in ${LATENCY_MS} ms; node concurrency ${NODE_CONCURRENCY}.`,
	);
	print(
		`Bare reference: the latency alone allows ${idealSeconds.toFixed(2)} s (${(ROWS / idealSeconds).toFixed(0)} payouts/s) with ${chunks * NODE_CONCURRENCY} requests in flight.`,
	);
	for (const result of results) {
		const spread = [...result.chunksPerWorker]
			.map(([worker, count]) => `${worker} ${count}`)
			.join(', ');
		print(
			`  ${result.workers} worker(s): ${result.seconds.toFixed(2)} s, ${result.perSecond.toFixed(0)} payouts/s (${(result.seconds / idealSeconds).toFixed(2)}× the bare reference; chunks: ${spread})`,
		);
	}
	print(
		`  2 workers / 1 worker: ${(results[1].perSecond / results[0].perSecond).toFixed(2)}× the payouts/s`,
	);
	const [cold, ...warm] = results[0].singleRowMs;
	print(
		`First payout on a fresh worker (one-row chunk, n8n's execution time): ${cold} ms; the next ${warm.length}: median ${median(warm)} ms (${warm.join(', ')} ms) — the first costs ${cold - median(warm)} ms more.`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`Queue benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exitCode = 1;
});
