/**
 * The bench's real-n8n parts: the example batch workflow run by `n8n execute` with the package
 * installed the way n8n's Community Nodes installer does, beside two bare clients sending the
 * same signed requests to the same sandbox in the same run: one over keep-alive connections (the
 * limit), one over a new connection per request (what n8n's request helper does).
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';

import { sandboxCaFile, type ConnectionCounts } from '../sandbox/server';
import { BARE_CONNECTIONS, sendBare, type BareConnections, type BareRun } from './bareClient';
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
const CONCURRENCIES = [10, 50];
const LIMITS = {
	/** n8n's time over the keep-alive client's, at TARGET_CONCURRENCY */
	overKeepAlive: 1.3,
};
const TARGET_CONCURRENCY = 10;

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

/** A client's run and the connections the sandbox accepted during it. */
interface BareSide {
	bare: BareRun;
	connections: ConnectionCounts;
}

interface Side {
	n8n: N8nRun;
	/** where n8n's CPU went during the node's run, with --cpu-prof */
	profile?: ProfileBreakdown;
	/** accepted by the sandbox during n8n's run */
	n8nConnections: ConnectionCounts;
	bare: Record<BareConnections, BareSide>;
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
 * For each concurrency, on one sandbox: the bare clients, then n8n, each after a sandbox reset,
 * so all send the very same order_ids and signed bodies.
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
		for (const connections of BARE_CONNECTIONS) {
			const warmUp = payoutRows(50, 'warm-up');
			await sendBare({ ...bareOptions, rows: warmUp, concurrency: 10, connections });
		}

		const runN8n = async (workflowId: string): Promise<Omit<Side, 'bare'>> => {
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
			connections: BareConnections,
		): Promise<BareSide> => {
			await sandbox.reset();
			const bare = await sendBare({ ...bareOptions, rows, concurrency, connections });
			return { bare, connections: await sandbox.connections() };
		};

		const fastest = <T>(runs: T[], ms: (run: T) => number) =>
			runs.reduce((best, run) => (ms(run) < ms(best) ? run : best));
		const sides: Array<Case & Side> = [];
		for (const measured of setting.cases) {
			// Other processes share the cores: each side runs ROUNDS times, alternating, and its
			// fastest run counts.
			const bareRuns = BARE_CONNECTIONS.map((): BareSide[] => []);
			const n8nRuns: Array<Omit<Side, 'bare'>> = [];
			for (let round = 0; round < setting.rounds; round++) {
				for (const [index, connections] of BARE_CONNECTIONS.entries()) {
					bareRuns[index].push(await runBare(measured.concurrency, connections));
				}
				n8nRuns.push(await runN8n(batchWorkflowId(measured)));
			}
			const bare = Object.fromEntries(
				BARE_CONNECTIONS.map((connections, index) => [
					connections,
					fastest(bareRuns[index], (run) => run.bare.wallMs),
				]),
			) as Record<BareConnections, BareSide>;
			sides.push({ ...measured, ...fastest(n8nRuns, (run) => run.n8n.nodeMs), bare });
		}
		return sides;
	} finally {
		await sandbox.stop();
		userFolder.remove();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const MAPPING_LABELS: Record<Mapping, string> = {
	example: 'auto-mapped',
	expressions: 'expressions',
};

const CLIENT_LABELS: Record<BareConnections, string> = {
	'keep-alive': 'bare, keep-alive',
	new: 'bare, new connection per request',
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

interface SideBySide {
	/** the section's number and what it shows, for the tables' titles */
	title: string;
	tls: boolean;
	mappings: readonly Mapping[];
	count: number;
	profileDir?: string;
}

/**
 * The batch at each concurrency in real n8n and in both bare clients: their times, payouts per
 * second and ratios, then the connections each came over; PASS/MISS for the auto-mapped example
 * at TARGET_CONCURRENCY against the keep-alive client.
 */
async function benchSideBySide({
	title,
	tls,
	mappings,
	count,
	profileDir,
}: SideBySide): Promise<TargetResult[]> {
	const sides = await runSideBySide({
		latencyMs: N8N_LATENCY_MS,
		tls,
		cases: mappings.flatMap((mapping) =>
			CONCURRENCIES.map((concurrency) => ({ concurrency, mapping })),
		),
		count,
		profileDir,
		rounds: RATIO_ROUNDS,
	});
	const scheme = tls ? 'HTTPS' : 'HTTP';
	const perSecond = (ms: number) => formatNumber((count * 1000) / ms);
	const cpuPerPayout = (cpuMs: number) => formatMs(cpuMs / count);
	const timeRows: Cell[][] = [];
	const connectionRows: Cell[][] = [];
	const targets: TargetResult[] = [];
	for (const { concurrency, mapping, n8n, n8nConnections, bare } of sides) {
		const run = `${MAPPING_LABELS[mapping]}, concurrency ${concurrency}`;
		const keepAlive = bare['keep-alive'].bare;
		const fresh = bare.new.bare;
		const overKeepAlive = n8n.nodeMs / keepAlive.wallMs;
		timeRows.push([
			run,
			[n8n.created, keepAlive.created, fresh.created].join(', '),
			formatSeconds(n8n.nodeMs),
			formatSeconds(keepAlive.wallMs),
			formatSeconds(fresh.wallMs),
			perSecond(n8n.nodeMs),
			perSecond(keepAlive.wallMs),
			perSecond(fresh.wallMs),
			formatRatio(overKeepAlive),
			formatRatio(n8n.nodeMs / fresh.wallMs),
			formatRatio(n8n.nodeMs / ((count * N8N_LATENCY_MS) / concurrency)),
			cpuPerPayout(n8n.cpuMs),
			cpuPerPayout(keepAlive.cpuMs),
			cpuPerPayout(fresh.cpuMs),
			formatSeconds(n8n.processMs),
		]);
		const clients: Array<[string, ConnectionCounts]> = [
			['real n8n', n8nConnections],
			...BARE_CONNECTIONS.map((connections): [string, ConnectionCounts] => [
				CLIENT_LABELS[connections],
				bare[connections].connections,
			]),
		];
		for (const [client, counts] of clients) {
			connectionRows.push([
				run,
				client,
				counts.requests,
				counts.tcp,
				(counts.tcp / count).toFixed(3),
				...(tls
					? [
							`${counts.tlsHandshakes} (${counts.tlsResumed} resumed)`,
							(counts.tlsHandshakes / count).toFixed(3),
						]
					: []),
			]);
		}
		// The target is the example's; the other mapping is shown beside it.
		if (mapping !== 'example' || concurrency !== TARGET_CONCURRENCY) continue;
		targets.push({
			target:
				`real n8n ≤ ${LIMITS.overKeepAlive} × the keep-alive client at concurrency` +
				` ${concurrency} (${scheme})`,
			measured:
				`${formatRatio(overKeepAlive)} (${formatSeconds(n8n.nodeMs)} vs` +
				` ${formatSeconds(keepAlive.wallMs)}; new connection per request` +
				` ${formatSeconds(fresh.wallMs)})`,
			pass:
				overKeepAlive <= LIMITS.overKeepAlive &&
				[n8n, keepAlive, fresh].every((side) => side.created === count),
		});
	}
	printTable(
		`${title}: ${count} payouts in a real n8n (n8n execute, the example batch workflow) vs bare` +
			` clients, ${scheme}, sandbox latency ${N8N_LATENCY_MS} ms`,
		[
			'run',
			'created: n8n, keep-alive, new',
			'n8n node time',
			'keep-alive',
			'new conn.',
			'payouts/s n8n',
			'keep-alive',
			'new conn.',
			'n8n÷keep-alive',
			'n8n÷new conn.',
			'n8n÷ideal',
			'CPU/payout n8n',
			'keep-alive',
			'new conn.',
			'n8n execute, whole',
		],
		timeRows,
		[
			"n8n node time: the Create Payouts node's executionTime in the run data (n8n's own clock).",
			"keep-alive: a bare Node client, the node's native signer, the same signed bodies, after a",
			'reset, over keep-alive connections (the limit); new conn.: the same with a new agent, so a',
			"new connection, per request, as n8n's request helper sends them.",
			`Each side ran ${RATIO_ROUNDS} times per row, alternating; the fastest run of each is shown.`,
			'auto-mapped: the example as shipped (Data Mode: Auto-Map Input Data to Fields);',
			...(mappings.includes('expressions')
				? [
						'expressions: the same with amount, number, order ID and service as {{ $json.… }} expressions.',
					]
				: []),
			`ideal = payouts × ${N8N_LATENCY_MS} ms ÷ concurrency.`,
			'CPU/payout n8n: CPU of the n8n process (all its threads: signing, GC) while the node ran,',
			"read from /proc every 5 ms; bare: the client's process during its run.",
			'"n8n execute, whole": the process from start to exit (start-up, CSV, run data output).',
			"n8n's task runner is not started (N8N_RUNNERS_MODE=external; the workflow has no Code node):",
			'n8n execute would boot it just as the batch starts; a long-running n8n boots it once.',
			...(tls ? ["n8n trusts the sandbox's test CA through NODE_EXTRA_CA_CERTS."] : []),
			...(profileDir === undefined
				? []
				: [`Profiled with --cpu-prof (profiles in ${profileDir}): times are inflated.`]),
		],
	);
	printTable(
		`   Connections the API requests came over (${scheme}, the runs above)`,
		[
			'run',
			'client',
			'requests',
			'TCP connections',
			'per payout',
			...(tls ? ['TLS handshakes', 'per payout'] : []),
		],
		connectionRows,
		[
			'Counted by the sandbox: connections it accepted and handshakes it completed during each run.',
		],
	);
	for (const { concurrency, mapping, profile } of sides) {
		if (profile !== undefined)
			printProfile(profile, count, `${MAPPING_LABELS[mapping]}, concurrency ${concurrency}`);
	}
	return targets;
}

/**
 * With `profileDir`, n8n runs under --cpu-prof (slower: its times are then not comparable) and
 * a table per concurrency says where its CPU went while the node ran.
 */
export function benchRealN8n(count: number, profileDir?: string): Promise<TargetResult[]> {
	return benchSideBySide({
		title: '5',
		tls: false,
		mappings: ['example', 'expressions'],
		count,
		profileDir,
	});
}

/** The same over HTTPS, for the TLS handshakes per payout: AliKassa serves HTTPS only. */
export function benchConnections(count: number): Promise<TargetResult[]> {
	return benchSideBySide({ title: '6', tls: true, mappings: ['example'], count });
}
