/**
 * The bench's real-n8n parts: the example batch workflow run by `n8n execute` with the package
 * installed the way n8n's Community Nodes installer does, beside a bare keep-alive client
 * sending the same signed requests to the same sandbox in the same run.
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';

import { sandboxCaFile, type ConnectionCounts } from '../sandbox/server';
import { sendBare, type BareRun } from './bareClient';
import { profileBreakdown, type ProfileBreakdown } from './cpuProfile';
import { CpuSampler } from './cpuSampler';
import {
	formatMs,
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
/** The payout node's operations, as a profile names their built files */
const NODE_ACTIONS_URL = 'nodes/AliKassa/actions/';
/** Payouts stay `wait` past the end of the run, so the sandbox's timers do no work meanwhile. */
const FINAL_AFTER_MS = 3_600_000;

export const N8N_LATENCY_MS = 50;
/** Runs of each side per concurrency for the ratio; the fastest of each counts. */
const RATIO_ROUNDS = 2;
export const CONNECTIONS_LATENCY_MS = 20;
const LIMITS = {
	/** n8n's time over the bare client's, per concurrency */
	overBare: new Map([
		[10, 1.15],
		[50, 1.3],
	]),
};

/**
 * `n8n execute` boots n8n's JavaScript task runner (a second Node.js process, ~2 s of a core)
 * just as the workflow starts, so the batch would share the 2 cores with it; a long-running n8n
 * boots it once, at start. In external mode n8n launches none, and the batch workflow has no
 * Code node that would need one.
 */
const NO_TASK_RUNNER_ENV = {
	N8N_RUNNERS_MODE: 'external',
	N8N_RUNNERS_AUTH_TOKEN: randomBytes(24).toString('base64'),
};

/** One `n8n execute` of the batch: what the Create Payouts node took, by n8n's own clock. */
interface N8nRun {
	created: number;
	refused: number;
	/** runData's executionTime of the Create Payouts node */
	nodeMs: number;
	/** the whole `n8n execute`, start-up and import of the run data included */
	processMs: number;
	/** CPU time of the n8n process, all its threads, while the node ran */
	cpuMs: number;
}

interface Side {
	n8n: N8nRun;
	/** where n8n's CPU went during the node's run, with --cpu-prof */
	profile?: ProfileBreakdown;
	bare: BareRun;
	/** accepted by the sandbox during each run */
	n8nConnections: ConnectionCounts;
	bareConnections: ConnectionCounts;
}

/** When the payout node started (epoch ms) and how long it ran, by n8n's own clock. */
function nodeTiming(run: ExecutionRun): { startTime: number; executionTime: number } {
	const runs = run.data.resultData.runData[BATCH.payoutNode] as Array<{
		startTime?: number;
		executionTime?: number;
	}>;
	const { startTime, executionTime } = runs?.[0] ?? {};
	if (startTime === undefined || executionTime === undefined) {
		throw new Error(`${BATCH.payoutNode} has no startTime or executionTime`);
	}
	return { startTime, executionTime };
}

/**
 * How the payout node gets each row's fields: as the example does (Auto-Map Input Data to
 * Fields), or by four expressions, {{ $json.amount }} and so on, which n8n evaluates per row.
 */
export type Mapping = 'example' | 'expressions';

const BY_EXPRESSIONS = {
	dataMode: 'defineBelow',
	amount: '={{ $json.amount }}',
	number: '={{ $json.number }}',
	orderId: '={{ $json.order_id }}',
	service: '={{ $json.service }}',
};

/** The example, reading `csvPath`, with the node's Concurrency option set. */
export function batchWorkflow(
	sandboxUrl: string,
	csvPath: string,
	concurrency: number,
	mapping: Mapping = 'example',
): Workflow {
	const workflow = pointWorkflowAt(loadExample(BATCH.file), {
		sandboxUrl,
		payoutsCsv: csvPath,
	});
	const payoutNode = workflow.nodes.find((node) => node.name === BATCH.payoutNode);
	if (payoutNode === undefined) throw new Error(`${BATCH.file} has no "${BATCH.payoutNode}"`);
	if (mapping === 'expressions') Object.assign(payoutNode.parameters, BY_EXPRESSIONS);
	payoutNode.parameters.options = { concurrency };
	const id = batchWorkflowId({ concurrency, mapping });
	return { ...workflow, id, name: `bench ${id}` };
}

/** One measured setting of the batch. */
interface Case {
	concurrency: number;
	mapping: Mapping;
}

const batchWorkflowId = ({ concurrency, mapping }: Case) => `benchBatchC${concurrency}${mapping}`;

interface Setting {
	latencyMs: number;
	tls: boolean;
	cases: readonly Case[];
	count: number;
	/** Profiles every `n8n execute` into this folder (node --cpu-prof). */
	profileDir?: string;
	/** runs of each side per concurrency; the fastest counts */
	rounds: number;
}

/** The profile `n8n execute` wrote last: the execution's, as the imports ran before it. */
function newestProfile(dir: string): string {
	const files = readdirSync(dir)
		.filter((name) => name.endsWith('.cpuprofile'))
		.map((name) => join(dir, name))
		.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
	if (files.length === 0) throw new Error(`n8n wrote no CPU profile into ${dir}`);
	return files[0];
}

/**
 * For each concurrency, on one sandbox: the bare client, then n8n, each after a sandbox reset,
 * so both send the very same order_ids and signed bodies.
 */
async function runSideBySide(setting: Setting): Promise<Array<Case & Side>> {
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
			...NO_TASK_RUNNER_ENV,
		},
		nodeArgs:
			setting.profileDir === undefined
				? []
				: ['--cpu-prof', `--cpu-prof-dir=${setting.profileDir}`],
	});
	try {
		const rows: PayoutRow[] = payoutRows(setting.count, 'n8n');
		const csvPath = join(dataDir, 'payouts.csv');
		writeFileSync(csvPath, payoutCsv(rows));
		const credential = sandboxCredential(sandbox.url);
		await userFolder.importCredentials([credential]);
		await userFolder.importWorkflows(
			setting.cases.map(({ concurrency, mapping }) =>
				batchWorkflow(sandbox.url, csvPath, concurrency, mapping),
			),
		);
		const bareOptions = {
			credential: credential.data,
			ca: ca === undefined ? undefined : readFileSync(ca),
		};
		// Warms up this process's JIT and TLS before the first measured run.
		await sendBare({ ...bareOptions, rows: payoutRows(50, 'warm-up'), concurrency: 10 });

		const runN8n = async (workflowId: string): Promise<Omit<Side, 'bare' | 'bareConnections'>> => {
			await sandbox.reset();
			const started = performance.now();
			const cpu = new CpuSampler();
			const execution = await userFolder.execute(workflowId, (pid) => cpu.start(pid));
			cpu.stop();
			const processMs = performance.now() - started;
			if (execution.failed) {
				throw new Error(
					`n8n execute failed: ${execution.run.data.resultData.error?.message ?? execution.output}`,
				);
			}
			const { startTime, executionTime } = nodeTiming(execution.run);
			return {
				n8n: {
					created: nodeItems(execution.run, BATCH.payoutNode, 0).length,
					refused: nodeItems(execution.run, BATCH.payoutNode, 1).length,
					nodeMs: executionTime,
					processMs,
					cpuMs: cpu.cpuBetween(startTime, startTime + executionTime),
				},
				profile:
					setting.profileDir === undefined
						? undefined
						: profileBreakdown(newestProfile(setting.profileDir), NODE_ACTIONS_URL),
				n8nConnections: await sandbox.connections(),
			};
		};
		const runBare = async (
			concurrency: number,
		): Promise<Pick<Side, 'bare' | 'bareConnections'>> => {
			await sandbox.reset();
			const bare = await sendBare({ ...bareOptions, rows, concurrency });
			return { bare, bareConnections: await sandbox.connections() };
		};

		const sides: Array<Case & Side> = [];
		for (const measured of setting.cases) {
			// Other processes share the cores: each side runs ROUNDS times, alternating, and its
			// fastest run counts.
			const bareRuns: Array<Pick<Side, 'bare' | 'bareConnections'>> = [];
			const n8nRuns: Array<Omit<Side, 'bare' | 'bareConnections'>> = [];
			for (let round = 0; round < setting.rounds; round++) {
				bareRuns.push(await runBare(measured.concurrency));
				n8nRuns.push(await runN8n(batchWorkflowId(measured)));
			}
			const fastest = <T>(runs: T[], ms: (run: T) => number) =>
				runs.reduce((best, run) => (ms(run) < ms(best) ? run : best));
			sides.push({
				...measured,
				...fastest(bareRuns, (run) => run.bare.wallMs),
				...fastest(n8nRuns, (run) => run.n8n.nodeMs),
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

const MAPPING_LABELS: Record<Mapping, string> = {
	example: 'auto-mapped',
	expressions: 'expressions',
};

function printProfile(profile: ProfileBreakdown, count: number, run: string): void {
	printTable(
		`   Where n8n's CPU went while the node ran (${run}, ${formatSeconds(profile.windowMs)} of samples)`,
		['activity', 'CPU', 'per payout', 'share'],
		profile.activities.map(({ label, ms }) => [
			label,
			formatMs(ms),
			formatMs(ms / count),
			`${((100 * ms) / profile.windowMs).toFixed(1)} %`,
		]),
		['Each sample goes to the innermost frame that names an activity (scripts/cpuProfile.ts).'],
	);
}

/**
 * With `profileDir`, n8n runs under --cpu-prof (slower: its times are then not comparable) and
 * a table per concurrency says where its CPU went while the node ran.
 */
export async function benchRealN8n(count: number, profileDir?: string): Promise<TargetResult[]> {
	const concurrencies = [...LIMITS.overBare.keys()];
	const mappings: Mapping[] = ['example', 'expressions'];
	const sides = await runSideBySide({
		latencyMs: N8N_LATENCY_MS,
		tls: false,
		cases: mappings.flatMap((mapping) =>
			concurrencies.map((concurrency) => ({ concurrency, mapping })),
		),
		count,
		profileDir,
		rounds: RATIO_ROUNDS,
	});
	const rows: Cell[][] = [];
	const targets: TargetResult[] = [];
	for (const { concurrency, mapping, n8n, bare } of sides) {
		const idealMs = (count * N8N_LATENCY_MS) / concurrency;
		const ratio = n8n.nodeMs / bare.wallMs;
		const n8nCpuPerPayout = n8n.cpuMs / count;
		const bareCpuPerPayout = bare.cpuMs / count;
		rows.push([
			`${MAPPING_LABELS[mapping]}, concurrency ${concurrency}`,
			`${n8n.created}, ${bare.created}`,
			formatSeconds(n8n.nodeMs),
			formatSeconds(bare.wallMs),
			formatRatio(ratio),
			formatRatio(n8n.nodeMs / idealMs),
			formatMs(n8nCpuPerPayout),
			formatMs(bareCpuPerPayout),
			formatRatio(n8nCpuPerPayout / bareCpuPerPayout),
			formatSeconds(n8n.processMs),
		]);
		// The targets are the example's; the other mapping is shown beside it.
		if (mapping !== 'example') continue;
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
			'created: n8n, bare',
			'n8n node time',
			'bare client',
			'n8n÷bare',
			'n8n÷ideal',
			'CPU/payout n8n',
			'CPU/payout bare',
			'CPU n8n÷bare',
			'n8n execute, whole',
		],
		rows,
		[
			"n8n node time: the Create Payouts node's executionTime in the run data (n8n's own clock).",
			"bare client: Node http, keep-alive, the node's native signer, the same signed bodies, after a reset.",
			`Each side ran ${RATIO_ROUNDS} times per row, alternating; the fastest run of each is shown.`,
			'auto-mapped: the example as shipped (Data Mode: Auto-Map Input Data to Fields);',
			'expressions: the same with amount, number, order ID and service as {{ $json.… }} expressions.',
			`ideal = payouts × ${N8N_LATENCY_MS} ms ÷ concurrency.`,
			'CPU/payout n8n: CPU of the n8n process (all its threads: signing, GC) while the node ran,',
			"read from /proc every 5 ms; bare: the client's process during its run.",
			'"n8n execute, whole": the process from start to exit (start-up, CSV, run data output).',
			"n8n's task runner is not started (N8N_RUNNERS_MODE=external; the workflow has no Code node):",
			'n8n execute would boot it just as the batch starts; a long-running n8n boots it once.',
			...(profileDir === undefined
				? []
				: [`Profiled with --cpu-prof (profiles in ${profileDir}): times are inflated.`]),
		],
	);
	for (const { concurrency, mapping, profile } of sides) {
		if (profile !== undefined)
			printProfile(profile, count, `${MAPPING_LABELS[mapping]}, concurrency ${concurrency}`);
	}
	return targets;
}

export async function benchConnections(
	count: number,
	concurrency: number,
): Promise<TargetResult[]> {
	const [side] = await runSideBySide({
		latencyMs: CONNECTIONS_LATENCY_MS,
		tls: true,
		cases: [{ concurrency, mapping: 'example' }],
		count,
		rounds: 1,
	});
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
