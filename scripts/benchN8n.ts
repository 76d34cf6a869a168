/**
 * The bench's real-n8n parts: the example batch workflow run by `n8n execute` with the package
 * installed the way n8n's Community Nodes installer does, beside a bare keep-alive client
 * sending the same signed requests to the same sandbox in the same run.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';

import { sandboxCaFile, type ConnectionCounts } from '../sandbox/server';
import { sendBare, type BareRun } from './bareClient';
import {
	formatNumber,
	formatRatio,
	formatSeconds,
	printTable,
	type Cell,
	type TargetResult,
} from './benchReport';
import { payoutCsv, payoutRows, type PayoutRow } from './benchRows';
import { EXAMPLES, loadExample, pointWorkflowAt, sandboxCredential } from './examples';
import {
	ensureN8nInstalled,
	N8nUserFolder,
	nodeItems,
	preparePackage,
	type ExecutionRun,
	type Workflow,
} from './n8n';
import { SandboxProcess } from './sandboxProcess';

const BATCH = EXAMPLES.scheduledBatch;
/** Payouts stay `wait` past the end of the run, so the sandbox's timers do no work meanwhile. */
const FINAL_AFTER_MS = 3_600_000;

export const N8N_LATENCY_MS = 50;
export const CONNECTIONS_LATENCY_MS = 20;
const LIMITS = {
	/** n8n's time over the bare client's, per concurrency */
	overBare: new Map([
		[10, 1.15],
		[50, 1.3],
	]),
};

/** One `n8n execute` of the batch: what the Create Payouts node took, by n8n's own clock. */
interface N8nRun {
	created: number;
	refused: number;
	/** runData's executionTime of the Create Payouts node */
	nodeMs: number;
	/** the whole `n8n execute`, start-up and import of the run data included */
	processMs: number;
}

interface Side {
	n8n: N8nRun;
	bare: BareRun;
	/** accepted by the sandbox during each run */
	n8nConnections: ConnectionCounts;
	bareConnections: ConnectionCounts;
}

function nodeExecutionMs(run: ExecutionRun): number {
	const runs = run.data.resultData.runData[BATCH.payoutNode] as Array<{ executionTime?: number }>;
	const executionTime = runs?.[0]?.executionTime;
	if (executionTime === undefined) throw new Error(`${BATCH.payoutNode} has no executionTime`);
	return executionTime;
}

/** The example, reading `csvPath`, with the node's Concurrency option set. */
export function batchWorkflow(sandboxUrl: string, csvPath: string, concurrency: number): Workflow {
	const workflow = pointWorkflowAt(loadExample(BATCH.file), {
		sandboxUrl,
		payoutsCsv: csvPath,
	});
	const payoutNode = workflow.nodes.find((node) => node.name === BATCH.payoutNode);
	if (payoutNode === undefined) throw new Error(`${BATCH.file} has no "${BATCH.payoutNode}"`);
	payoutNode.parameters.options = { concurrency };
	return { ...workflow, id: `benchBatchC${concurrency}`, name: `bench c${concurrency}` };
}

interface Setting {
	latencyMs: number;
	tls: boolean;
	concurrencies: readonly number[];
	count: number;
	/** Node.js options for the n8n processes, e.g. --cpu-prof */
	nodeArgs?: string[];
}

/**
 * For each concurrency, on one sandbox: the bare client, then n8n, each after a sandbox reset,
 * so both send the very same order_ids and signed bodies.
 */
async function runSideBySide(setting: Setting): Promise<Map<number, Side>> {
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	const sandbox = await SandboxProcess.start({
		tls: setting.tls,
		latencyMs: setting.latencyMs,
		finalAfterMs: FINAL_AFTER_MS,
	});
	const dataDir = mkdtempSync(join(tmpdir(), 'alikassa-bench-'));
	const ca = setting.tls ? sandboxCaFile() : undefined;
	const userFolder = await N8nUserFolder.create(pkg, {
		readableDirs: [dataDir],
		env: {
			...(ca && { NODE_EXTRA_CA_CERTS: ca }),
		},
		nodeArgs: setting.nodeArgs,
	});
	try {
		const rows: PayoutRow[] = payoutRows(setting.count, 'n8n');
		const csvPath = join(dataDir, 'payouts.csv');
		writeFileSync(csvPath, payoutCsv(rows));
		const credential = sandboxCredential(sandbox.url);
		await userFolder.importCredentials([credential]);
		await userFolder.importWorkflows(
			setting.concurrencies.map((concurrency) => batchWorkflow(sandbox.url, csvPath, concurrency)),
		);
		const bareOptions = {
			credential: credential.data,
			ca: ca === undefined ? undefined : readFileSync(ca),
		};
		// Warms up this process's JIT and TLS before the first measured run.
		await sendBare({ ...bareOptions, rows: payoutRows(50, 'warm-up'), concurrency: 10 });

		const sides = new Map<number, Side>();
		for (const concurrency of setting.concurrencies) {
			await sandbox.reset();
			const bare = await sendBare({ ...bareOptions, rows, concurrency });
			const bareConnections = await sandbox.connections();
			await sandbox.reset();
			const started = performance.now();
			const execution = await userFolder.execute(`benchBatchC${concurrency}`);
			const processMs = performance.now() - started;
			if (execution.failed) {
				throw new Error(
					`n8n execute failed: ${execution.run.data.resultData.error?.message ?? execution.output}`,
				);
			}
			const n8n: N8nRun = {
				created: nodeItems(execution.run, BATCH.payoutNode, 0).length,
				refused: nodeItems(execution.run, BATCH.payoutNode, 1).length,
				nodeMs: nodeExecutionMs(execution.run),
				processMs,
			};
			sides.set(concurrency, {
				n8n,
				bare,
				bareConnections,
				n8nConnections: await sandbox.connections(),
			});
		}
		return sides;
	} finally {
		await sandbox.stop();
		userFolder.remove();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const created = (made: number, count: number) => `${made}/${count}`;

export async function benchRealN8n(count: number, nodeArgs?: string[]): Promise<TargetResult[]> {
	const concurrencies = [...LIMITS.overBare.keys()];
	const sides = await runSideBySide({
		latencyMs: N8N_LATENCY_MS,
		tls: false,
		concurrencies,
		count,
		nodeArgs,
	});
	const rows: Cell[][] = [];
	const targets: TargetResult[] = [];
	for (const [concurrency, { n8n, bare }] of sides) {
		const idealMs = (count * N8N_LATENCY_MS) / concurrency;
		const ratio = n8n.nodeMs / bare.wallMs;
		rows.push([
			`concurrency ${concurrency}`,
			created(n8n.created, count),
			formatSeconds(n8n.nodeMs),
			created(bare.created, count),
			formatSeconds(bare.wallMs),
			formatRatio(ratio),
			formatSeconds(idealMs),
			formatRatio(n8n.nodeMs / idealMs),
			formatSeconds(n8n.processMs),
		]);
		const limit = LIMITS.overBare.get(concurrency) as number;
		targets.push({
			target: `real n8n ≤ ${limit} × the bare client at concurrency ${concurrency}`,
			measured: `${formatRatio(ratio)} (${formatSeconds(n8n.nodeMs)} vs ${formatSeconds(bare.wallMs)})`,
			pass: ratio <= limit && n8n.created === count && bare.created === count,
		});
	}
	printTable(
		`5. ${count} payouts in a real n8n (n8n execute, the example batch workflow) vs a bare client,` +
			` sandbox latency ${N8N_LATENCY_MS} ms`,
		[
			'run',
			'n8n created',
			'n8n node time',
			'bare created',
			'bare client',
			'n8n÷bare',
			'ideal',
			'n8n÷ideal',
			'n8n execute, whole',
		],
		rows,
		[
			"n8n node time: the Create Payouts node's executionTime in the run data (n8n's own clock).",
			'bare client: Node http, keep-alive, native signing, the same signed bodies, one after a reset.',
			'"n8n execute, whole": the process from start to exit (start-up, CSV, run data output).',
		],
	);
	return targets;
}

export async function benchConnections(
	count: number,
	concurrency: number,
): Promise<TargetResult[]> {
	const side = (
		await runSideBySide({
			latencyMs: CONNECTIONS_LATENCY_MS,
			tls: true,
			concurrencies: [concurrency],
			count,
		})
	).get(concurrency) as Side;
	const row = (client: string, made: number, wallMs: number, counts: ConnectionCounts): Cell[] => [
		client,
		created(made, count),
		formatSeconds(wallMs),
		formatNumber((count * 1000) / wallMs),
		counts.tcp,
		`${counts.tlsHandshakes} (${counts.tlsResumed} resumed)`,
		(counts.tlsHandshakes / count).toFixed(3),
	];
	printTable(
		`6. Connections: ${count} payouts over HTTPS (test CA via NODE_EXTRA_CA_CERTS), latency` +
			` ${CONNECTIONS_LATENCY_MS} ms, concurrency ${concurrency}`,
		['client', 'created', 'time', 'payouts/s', 'TCP connections', 'TLS handshakes', 'per payout'],
		[
			row('real n8n (node time)', side.n8n.created, side.n8n.nodeMs, side.n8nConnections),
			row('bare client', side.bare.created, side.bare.wallMs, side.bareConnections),
		],
		[
			'Counted by the sandbox: connections it accepted and handshakes it completed during each run.',
		],
	);
	const handshakes = side.n8nConnections.tlsHandshakes;
	return [
		{
			target: `TLS handshakes ≤ concurrency (${concurrency}) for ${count} payouts in real n8n`,
			measured: `${handshakes} (${(handshakes / count).toFixed(3)} per payout)`,
			pass: handshakes <= concurrency && side.n8n.created === count,
		},
	];
}
