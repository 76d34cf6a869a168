/**
 * `npm run bench`: how fast the AliKassa Payout node signs and sends payouts inside n8n's engine,
 * compared with AliKassa's PHP sample and with the seed's one-request-at-a-time way, and what
 * faults and a 10 000-item batch do to it; then the same batch in a real n8n beside a bare
 * client, and its connections over HTTPS. Prints tables and PASS/MISS per target; it exits 0
 * unless it crashes, because figures vary from machine to machine.
 *
 *   node dist-dev/scripts/bench.js [--quick]
 *        [--only signing|throughput|faults|memory|n8n|connections]
 *        [--cpu-prof]   (profiles the real n8n runs: where their CPU went)
 */
// n8n-core writes into N8N_USER_FOLDER: this points it at a throwaway folder before it loads.
import { ENGINE_USER_FOLDER } from './engineEnv';

import { mkdirSync, readFileSync, rmSync } from 'fs';
import { availableParallelism, cpus } from 'os';
import { join } from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { parseArgs } from 'util';
import { setFlagsFromString } from 'v8';
import { setTimeout as sleep } from 'timers/promises';
import { runInNewContext } from 'vm';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MAX_SEND_ATTEMPTS } from '../nodes/AliKassa/core/defaults';
import { loadPrivateKey } from '../nodes/AliKassa/core/privateKey';
import { createBodySigner } from '../nodes/AliKassa/core/signer';
import { FAULT_KINDS } from '../sandbox/faults';
import { SANDBOX_ACCOUNT_ID, type FaultKind, type RecordedRequest } from '../sandbox/server';
import { runPayoutNode, stopEngineTimers, type OnError, type PayoutNodeRun } from './engine';
import { forgeKeyOf, signWithForge } from './forgeSigner';
import { phpAvailable, runPhpJson } from './php';
import { SANDBOX_PASSWORD, SANDBOX_PRIVATE_KEY, sandboxCredentials } from './sandboxCredentials';
import {
	formatMb,
	formatMs,
	formatNumber,
	formatRatio,
	formatSeconds,
	print,
	printSummary,
	printTable,
	type Cell,
	type TargetResult,
} from './benchReport';
import { benchConnections, benchRealN8n } from './benchN8n';
import { payoutRows, signedBodyOf, type PayoutRow } from './benchRows';
import { REPO_ROOT } from './n8n';
import { SandboxProcess } from './sandboxProcess';

const SECTIONS = ['signing', 'throughput', 'faults', 'memory', 'n8n', 'connections'] as const;
type Section = (typeof SECTIONS)[number];
/** The parts that run the node inside this process, after a warm-up */
const ENGINE_SECTIONS: readonly Section[] = ['throughput', 'faults', 'memory'];

interface Scale {
	signingSeconds: number;
	throughputPayouts: number;
	faultPayouts: number;
	faultPayoutsPerKind: number;
	/** rows of the slow-answers scenario, each waiting SLOW_PAYOUT_MS */
	slowPayouts: number;
	memoryPayouts: number;
	/** through a real n8n, beside the bare client */
	n8nPayouts: number;
}

const FULL: Scale = {
	signingSeconds: 2,
	throughputPayouts: 1000,
	faultPayouts: 1000,
	faultPayoutsPerKind: 300,
	slowPayouts: 50,
	memoryPayouts: 10_000,
	n8nPayouts: 1000,
};
const QUICK: Scale = {
	signingSeconds: 0.5,
	throughputPayouts: 200,
	faultPayouts: 300,
	faultPayoutsPerKind: 100,
	slowPayouts: 20,
	memoryPayouts: 2000,
	n8nPayouts: 200,
};

const LATENCY_MS = 50;
const CONCURRENCIES = [1, 10, 50];
const TARGET_CONCURRENCY = 10;
const FAULT_RATE = 0.1;
/** One kind at a time strikes more often, so that the rarer paths (gave up, lookups that fail) show. */
const SINGLE_KIND_FAULT_RATE = 0.3;
const FAULT_SEED = 20_240_601;
const FAULT_TIMEOUT_SECONDS = 2;
/**
 * Beyond the node's whole window for one row at FAULT_TIMEOUT_SECONDS (three sends, the lookups,
 * the backoffs and the last lookup one timeout later: about 4 × timeout + 1.5 s).
 */
const SLOW_PAYOUT_MS = 15_000;
const WARM_UP_PAYOUTS = 50;

/** Signatures a batch has in flight at once, one per core, for the thread-pool figure */
const SIGNING_IN_FLIGHT = availableParallelism();

const LIMITS = {
	signingShareOfPhp: 0.5,
	wallOverIdeal: 1.15,
	speedUpOverSeed: 10,
	loopDelayMs: 50,
	memoryGrowthBytes: 150 * 2 ** 20,
};

/** Coarse enough to cost nothing; it also sets the smallest delay the histogram can see. */
const LOOP_RESOLUTION_MS = 10;
const RSS_SAMPLE_MS = 20;
/** Payouts stay `wait` past the end of the run, so the sandbox's timers do no work meanwhile. */
const FINAL_AFTER_MS = 3_600_000;

const SIGNATURE_HASH = 'sha1';

interface Measured<T> {
	result: T;
	wallMs: number;
	/** CPU time of this process (all its threads), so of n8n and the node, not of the sandbox */
	cpuMs: number;
	peakRssBytes: number;
	/** How late the loop ran a timer at worst: the longest interval seen less the resolution */
	loopDelayMs: number;
}

async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
	const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
	let peakRssBytes = process.memoryUsage.rss();
	const sampleRss = () => {
		peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
	};
	const sampler = setInterval(sampleRss, RSS_SAMPLE_MS);
	loopDelay.enable();
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	try {
		const result = await work();
		const wallMs = performance.now() - started;
		const cpu = process.cpuUsage(cpuBefore);
		sampleRss();
		const loopDelayMs = Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS);
		return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes, loopDelayMs };
	} finally {
		clearInterval(sampler);
		loopDelay.disable();
	}
}

/** For the sandbox CLI, through the ALIKASSA_SANDBOX_<NAME> variables SandboxProcess passes on. */
interface SandboxSettings {
	latencyMs: number;
	faultRate?: number;
	faultKinds?: readonly FaultKind[];
	seed?: number;
}

/**
 * The sandbox runs as its own process, as AliKassa would: in this one it would take about
 * 0.5 ms of the event loop per request away from n8n and blur the figures.
 */
async function withSandbox<T>(
	settings: SandboxSettings,
	work: (sandbox: SandboxProcess) => Promise<T>,
): Promise<T> {
	// Every setting is given, '' meaning the default, so none leaks in from the shell.
	const environment: Record<string, string> = {
		ALIKASSA_SANDBOX_LATENCY_MS: String(settings.latencyMs),
		ALIKASSA_SANDBOX_FINAL_AFTER_MS: String(FINAL_AFTER_MS),
		ALIKASSA_SANDBOX_FAULT_RATE: String(settings.faultRate ?? 0),
		ALIKASSA_SANDBOX_FAULT_KINDS: settings.faultKinds?.join(',') ?? '',
		ALIKASSA_SANDBOX_SEED: settings.seed === undefined ? '' : String(settings.seed),
	};
	Object.assign(process.env, environment);
	const sandbox = await SandboxProcess.start().finally(() => {
		for (const name of Object.keys(environment)) delete process.env[name];
	});
	try {
		return await work(sandbox);
	} finally {
		await sandbox.stop();
	}
}

function createParameters(concurrency: number, timeoutSeconds?: number): IDataObject {
	return {
		operation: 'create',
		amount: '={{ $json.amount }}',
		number: '={{ $json.number }}',
		orderId: '={{ $json.order_id }}',
		service: '={{ $json.service }}',
		options: { concurrency, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) },
	};
}

function runNode(
	sandbox: SandboxProcess,
	rows: PayoutRow[],
	concurrency: number,
	extra: { timeoutSeconds?: number; onError?: OnError } = {},
) {
	return runPayoutNode({
		parameters: createParameters(concurrency, extra.timeoutSeconds),
		items: rows,
		credentials: sandboxCredentials(sandbox.url),
		onError: extra.onError,
	});
}

function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = item.pairedItem;
	if (typeof paired === 'number') return paired;
	if (Array.isArray(paired)) return paired.length === 1 ? paired[0].item : undefined;
	return paired?.item;
}

function failOnWorkflowError(what: string, run: PayoutNodeRun): void {
	if (run.error) throw new Error(`${what}: the workflow failed: ${run.error.message}`);
}

// ─── 1. Signatures per second ───────────────────────────────────────────────────────────────────

interface SigningKey {
	label: string;
	pem: string;
	/** as password.txt holds it, as PHP reads it */
	password: string;
}

function signingKeys(): SigningKey[] {
	const fixtureDir = join(REPO_ROOT, 'test', 'fixtures', 'keys');
	const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8')) as Array<{
		file: string;
		passwordFile: string | null;
		bits: number | null;
		expect: string;
	}>;
	const rsa4096 = manifest.find((entry) => entry.bits === 4096 && entry.expect === 'ok');
	if (!rsa4096?.passwordFile) {
		throw new Error('test/fixtures/keys/manifest.json lists no password-protected RSA-4096 key');
	}
	return [
		{ label: 'RSA-2048 (sandbox)', pem: SANDBOX_PRIVATE_KEY, password: SANDBOX_PASSWORD },
		{
			label: 'RSA-4096 (fixture)',
			pem: readFileSync(join(fixtureDir, rsa4096.file), 'utf8'),
			password: readFileSync(join(fixtureDir, rsa4096.passwordFile), 'utf8'),
		},
	];
}

/**
 * Calls per second over about `seconds`: `inFlight` lanes, each awaiting its call before the
 * next (one lane is PHP's loop); the first call, which warms up, is not counted.
 */
async function callsPerSecond(call: () => unknown, seconds: number, inFlight = 1): Promise<number> {
	await call();
	const budgetMs = seconds * 1000;
	const started = performance.now();
	let calls = 0;
	const lane = async () => {
		while (performance.now() - started < budgetMs) {
			await call();
			calls++;
		}
	};
	await Promise.all(Array.from({ length: inFlight }, lane));
	return (calls * 1000) / (performance.now() - started);
}

interface PhpRate {
	perSecond: number;
	signature: string;
}

function phpSigningRate(key: SigningKey, body: string, seconds: number): PhpRate {
	const answer = runPhpJson(join(REPO_ROOT, 'scripts', 'bench-php-sign.php'), {
		pem: key.pem,
		password: key.password,
		body,
		hash: SIGNATURE_HASH,
		seconds,
	}) as { signatures: number; seconds: number; signature: string };
	return { perSecond: answer.signatures / answer.seconds, signature: answer.signature };
}

async function benchSigning(scale: Scale): Promise<TargetResult[]> {
	const php = phpAvailable();
	if (!php && process.env.CI === 'true') {
		throw new Error('php-cli (with openssl) is required under CI to measure PHP openssl_sign');
	}
	const body = signedBodyOf(payoutRows(1, 'sign')[0]);
	const rows: Cell[][] = [];
	const targets: TargetResult[] = [];
	for (const key of signingKeys()) {
		const nativeKey = loadPrivateKey(key.pem, key.password);
		const native = createBodySigner(nativeKey, SIGNATURE_HASH);
		const forgeKey = forgeKeyOf(nativeKey);
		const forgeSignature = signWithForge(forgeKey, body, SIGNATURE_HASH);

		const forgeRate = await callsPerSecond(
			() => signWithForge(forgeKey, body, SIGNATURE_HASH),
			scale.signingSeconds,
		);
		const nativeRate = await callsPerSecond(() => native.sign(body), scale.signingSeconds);
		const nativeInFlightRate = await callsPerSecond(
			() => native.sign(body),
			scale.signingSeconds,
			SIGNING_IN_FLIGHT,
		);
		const phpRate = php ? phpSigningRate(key, body, scale.signingSeconds) : undefined;
		const otherSignatures = [await native.sign(body), phpRate?.signature ?? forgeSignature];
		const sameSignature = otherSignatures.every((signature) => signature === forgeSignature);

		const phpPerSecond = phpRate?.perSecond ?? NaN;
		rows.push([
			key.label,
			formatNumber(forgeRate),
			formatNumber(nativeRate),
			formatNumber(nativeInFlightRate),
			phpRate ? formatNumber(phpPerSecond) : 'php-cli not installed',
			formatRatio(nativeRate / phpPerSecond),
			formatRatio(nativeRate / forgeRate),
			sameSignature ? 'yes' : 'NO',
		]);
		targets.push({
			target: `${key.label} signing ≥ ${LIMITS.signingShareOfPhp} × PHP`,
			measured: phpRate
				? `${formatRatio(nativeRate / phpPerSecond)} ` +
					`(${formatNumber(nativeRate)}/s vs ${formatNumber(phpPerSecond)}/s)`
				: 'php-cli not installed',
			pass: phpRate !== undefined && nativeRate >= LIMITS.signingShareOfPhp * phpPerSecond,
		});
	}
	const notes = [
		`RSASSA-PKCS1-v1_5 ${SIGNATURE_HASH.toUpperCase()} over a ${body.length}-byte payout body,`,
		`base64 included, key loaded once, about ${scale.signingSeconds} s per figure.`,
		"native: OpenSSL on libuv's thread pool, as the node signs (off n8n's JavaScript thread);",
		`one signature at a time, each awaited, like PHP's loop, and ${SIGNING_IN_FLIGHT} in flight, as a batch has them.`,
		'"same sig": forge, native and PHP gave identical bytes.',
	];
	printTable(
		'1. Signatures per second',
		[
			'key',
			'forge/s',
			'native/s',
			`native/s, ${SIGNING_IN_FLIGHT} in flight`,
			'PHP/s',
			'native÷PHP',
			'native÷forge',
			'same sig',
		],
		rows,
		notes,
	);
	return targets;
}

// ─── 2. Throughput through n8n's engine ─────────────────────────────────────────────────────────

/** The seed's way: one request at a time, the key decrypted again and signed by forge for each. */
async function sendLikeSeed(sandbox: SandboxProcess, rows: PayoutRow[]): Promise<number> {
	let accepted = 0;
	for (const row of rows) {
		const key = forgeKeyOf(loadPrivateKey(SANDBOX_PRIVATE_KEY, SANDBOX_PASSWORD));
		const body = signedBodyOf(row);
		const response = await fetch(`${sandbox.url}/v1/payout`, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				Account: SANDBOX_ACCOUNT_ID,
				Sign: signWithForge(key, body, SIGNATURE_HASH),
			},
			body,
		});
		await response.text();
		if (response.ok) accepted++;
	}
	return accepted;
}

function createdItems(run: PayoutNodeRun): number {
	return run.output.filter((item) => item.json.id !== undefined && item.json.error === undefined)
		.length;
}

async function warmUp(): Promise<void> {
	await withSandbox({ latencyMs: 0 }, async (sandbox) => {
		failOnWorkflowError(
			'warm-up',
			await runNode(sandbox, payoutRows(WARM_UP_PAYOUTS, 'warm-up'), TARGET_CONCURRENCY),
		);
	});
}

async function benchThroughput(scale: Scale): Promise<TargetResult[]> {
	const count = scale.throughputPayouts;
	const tableRows: Cell[][] = [];
	const nodeRuns = new Map<number, Measured<PayoutNodeRun>>();
	for (const concurrency of CONCURRENCIES) {
		const measured = await withSandbox({ latencyMs: LATENCY_MS }, (sandbox) =>
			measure(() => runNode(sandbox, payoutRows(count, `c${concurrency}`), concurrency)),
		);
		failOnWorkflowError(`concurrency ${concurrency}`, measured.result);
		nodeRuns.set(concurrency, measured);
		const idealMs = (count * LATENCY_MS) / concurrency;
		tableRows.push([
			`node, concurrency ${concurrency}`,
			`${createdItems(measured.result)}/${count}`,
			formatSeconds(measured.wallMs),
			formatSeconds(idealMs),
			formatRatio(measured.wallMs / idealMs),
			formatMs(measured.cpuMs / count),
			formatMb(measured.peakRssBytes),
			formatMs(measured.loopDelayMs),
		]);
	}
	const seed = await withSandbox({ latencyMs: LATENCY_MS }, (sandbox) =>
		measure(() => sendLikeSeed(sandbox, payoutRows(count, 'seed'))),
	);
	tableRows.push([
		'seed way (sequential, key re-loaded, forge)',
		`${seed.result}/${count}`,
		formatSeconds(seed.wallMs),
		formatSeconds(count * LATENCY_MS),
		formatRatio(seed.wallMs / (count * LATENCY_MS)),
		formatMs(seed.cpuMs / count),
		formatMb(seed.peakRssBytes),
		formatMs(seed.loopDelayMs),
	]);

	const target = nodeRuns.get(TARGET_CONCURRENCY) as Measured<PayoutNodeRun>;
	const speedUps = [...nodeRuns].map(
		([concurrency, run]) => `concurrency ${concurrency}: ${formatRatio(seed.wallMs / run.wallMs)}`,
	);
	printTable(
		`2. ${count} payouts through the node in n8n's engine, sandbox latency ${LATENCY_MS} ms`,
		['run', 'created', 'wall', 'ideal', 'wall÷ideal', 'CPU/payout', 'peak RSS', 'worst loop delay'],
		tableRows,
		[
			`ideal = payouts × ${LATENCY_MS} ms ÷ concurrency.`,
			`The sandbox runs in its own process; a ${WARM_UP_PAYOUTS}-payout warm-up ran first.`,
			`CPU/payout and peak RSS: of this process, which runs n8n, not of the sandbox.`,
			`Loop delay: monitorEventLoopDelay's max less its ${LOOP_RESOLUTION_MS} ms resolution.`,
			`Speed-up over the seed way: ${speedUps.join(', ')}.`,
		],
	);
	const worstLoopDelayMs = Math.max(...[...nodeRuns.values()].map((run) => run.loopDelayMs));
	const wallOverIdeal = target.wallMs / ((count * LATENCY_MS) / TARGET_CONCURRENCY);
	const speedUp = seed.wallMs / target.wallMs;
	return [
		{
			target: `wall ≤ ${LIMITS.wallOverIdeal} × ideal at concurrency ${TARGET_CONCURRENCY}`,
			measured: `${formatRatio(wallOverIdeal)} (${formatSeconds(target.wallMs)})`,
			pass: wallOverIdeal <= LIMITS.wallOverIdeal,
		},
		{
			target:
				`≥ ${LIMITS.speedUpOverSeed} × faster than the seed way` +
				` (concurrency ${TARGET_CONCURRENCY})`,
			measured: formatRatio(speedUp),
			pass: speedUp >= LIMITS.speedUpOverSeed,
		},
		{
			target: `worst event-loop delay ≤ ${LIMITS.loopDelayMs} ms (node runs)`,
			measured: formatMs(worstLoopDelayMs),
			pass: worstLoopDelayMs <= LIMITS.loopDelayMs,
		},
	];
}

// ─── 3. Faults ──────────────────────────────────────────────────────────────────────────────────

/** The first words of every Create Payout error say what happened to the money. */
const NOT_PAID = /^Not paid\b/;
const OUTCOME_UNKNOWN = /^Outcome unknown\b/;

/**
 * What the node's output says about one row, held against the sandbox's ledger: "truthful" when
 * they agree (a success with the id the sandbox has for the order_id, whose label is true: no
 * label, "made now", only if the order_id had no payout before this run; `alreadyCreated` only
 * if it had one; `found` either way; "Not paid" when the sandbox has no such payout); "unknown"
 * for an honest "Outcome unknown"; anything else is "untruthful".
 */
type RowVerdict = 'truthful' | 'unknown' | 'untruthful';

function verdictOf(
	item: INodeExecutionData,
	payoutIds: readonly number[],
	paidBefore: boolean,
): RowVerdict {
	if (item.json.error === undefined) {
		if (payoutIds.length !== 1 || item.json.id !== payoutIds[0]) return 'untruthful';
		if (item.json.found === true) return 'truthful';
		return (item.json.alreadyCreated === true) === paidBefore ? 'truthful' : 'untruthful';
	}
	const message = String(item.json.error);
	if (OUTCOME_UNKNOWN.test(message)) return 'unknown';
	return NOT_PAID.test(message) && payoutIds.length === 0 ? 'truthful' : 'untruthful';
}

interface FaultRun {
	label: string;
	rows: number;
	faultsDealt: number;
	paidOnce: number;
	notPaid: number;
	/** order_ids with more than one payout at the sandbox */
	paidTwice: number;
	created: number;
	found: number;
	alreadyCreated: number;
	verdicts: Map<RowVerdict, number>;
	/** input rows without exactly one output item paired with them */
	lost: number;
	errorMessages: Map<string, number>;
	wallMs: number;
}

function countInto<K>(counts: Map<K, number>, key: K, times = 1): void {
	counts.set(key, (counts.get(key) ?? 0) + times);
}

/**
 * An error message without what differs from row to row, so that alike ones count together, and
 * without the advice every "Outcome unknown" message ends with.
 */
const messageShape = (message: string) =>
	message
		.replace(/"bench-[^"]*"/g, '"…"')
		.replace(/\b\d{9,}\b/g, 'N')
		.replace(/\. AliKassa may have taken it: .*$/, '. …');

interface FaultScenario {
	label: string;
	kinds: readonly FaultKind[];
	rate: number;
	payouts: number;
	/** 2: the same rows run again in the same sandbox, under the same faults */
	runs?: number;
	/** every v1/payout request answered this late: slower than the whole retry and lookup window */
	slowPayoutMs?: number;
}

/** Until the sandbox has processed every request it got, clients gone or not. */
async function sandboxSettled(sandbox: SandboxProcess): Promise<void> {
	const inProgress = (request: RecordedRequest) =>
		request.status === null && (request.fault === null || request.fault === 'latency');
	while ((await sandbox.requests()).some(inProgress)) await sleep(200);
}

async function runWithFaults({
	label,
	kinds,
	rate,
	payouts: count,
	runs: runCount = 1,
	slowPayoutMs,
}: FaultScenario): Promise<FaultRun> {
	const rows = payoutRows(count, `faults-${label.split(',')[0].replace(/\s+/g, '-')}`);
	const settings = { latencyMs: LATENCY_MS, faultRate: rate, faultKinds: kinds, seed: FAULT_SEED };
	const { results, payouts, requests } = await withSandbox(settings, async (sandbox) => {
		if (slowPayoutMs !== undefined) {
			await sandbox.injectFault({
				kind: 'latency',
				path: '/v1/payout',
				delayMs: slowPayoutMs,
				times: count * MAX_SEND_ATTEMPTS,
			});
		}
		const results: { measured: Measured<PayoutNodeRun>; paidBefore: Set<string> }[] = [];
		for (let run = 0; run < runCount; run++) {
			await sandboxSettled(sandbox);
			const paidBefore = new Set((await sandbox.payouts()).map((payout) => payout.orderId));
			const measured = await measure(() =>
				runNode(sandbox, rows, TARGET_CONCURRENCY, {
					timeoutSeconds: FAULT_TIMEOUT_SECONDS,
					onError: 'continueRegularOutput',
				}),
			);
			results.push({ measured, paidBefore });
		}
		await sandboxSettled(sandbox);
		return { results, payouts: await sandbox.payouts(), requests: await sandbox.requests() };
	});

	const payoutIds = new Map<string, number[]>();
	for (const payout of payouts) {
		payoutIds.set(payout.orderId, [...(payoutIds.get(payout.orderId) ?? []), payout.id]);
	}
	const tally: FaultRun = {
		label: runCount === 1 ? label : `${label} (${runCount} runs)`,
		rows: rows.length * runCount,
		faultsDealt: requests.filter((request) => request.fault !== null).length,
		paidOnce: 0,
		notPaid: 0,
		paidTwice: 0,
		created: 0,
		found: 0,
		alreadyCreated: 0,
		verdicts: new Map(),
		lost: 0,
		errorMessages: new Map(),
		wallMs: results.reduce((sum, { measured }) => sum + measured.wallMs, 0),
	};
	for (const row of rows) {
		const ids = payoutIds.get(row.order_id) ?? [];
		if (ids.length === 0) tally.notPaid++;
		else if (ids.length === 1) tally.paidOnce++;
		else tally.paidTwice++;
	}
	for (const { measured, paidBefore } of results) {
		const run = measured.result;
		failOnWorkflowError(`faults (${label})`, run);
		const itemsOfRow = rows.map((): INodeExecutionData[] => []);
		for (const item of [...run.output, ...run.errorOutput]) {
			itemsOfRow[pairedIndex(item) ?? -1]?.push(item);
		}
		rows.forEach((row, index) => {
			const items = itemsOfRow[index];
			if (items.length !== 1) {
				tally.lost++;
				return;
			}
			const [item] = items;
			const ids = payoutIds.get(row.order_id) ?? [];
			countInto(tally.verdicts, verdictOf(item, ids, paidBefore.has(row.order_id)));
			if (item.json.error !== undefined)
				countInto(tally.errorMessages, messageShape(String(item.json.error)));
			else if (item.json.alreadyCreated === true) tally.alreadyCreated++;
			else if (item.json.found === true) tally.found++;
			else tally.created++;
		});
	}
	return tally;
}

async function benchFaults(scale: Scale): Promise<TargetResult[]> {
	const scenarios: FaultScenario[] = [
		...FAULT_KINDS.map((kind) => ({
			label: kind,
			kinds: [kind],
			rate: SINGLE_KIND_FAULT_RATE,
			payouts: scale.faultPayoutsPerKind,
		})),
		{
			label: 'every kind, mixed',
			kinds: FAULT_KINDS,
			rate: FAULT_RATE,
			payouts: scale.faultPayouts,
		},
		{
			label: 'every kind, re-run',
			kinds: FAULT_KINDS,
			rate: SINGLE_KIND_FAULT_RATE,
			payouts: scale.faultPayoutsPerKind,
			runs: 2,
		},
		{
			label: 'slow answers',
			kinds: [],
			rate: 0,
			payouts: scale.slowPayouts,
			runs: 2,
			slowPayoutMs: SLOW_PAYOUT_MS,
		},
	];
	const runs: FaultRun[] = [];
	for (const scenario of scenarios) runs.push(await runWithFaults(scenario));
	const verdict = (run: FaultRun, kind: RowVerdict) => run.verdicts.get(kind) ?? 0;
	printTable(
		`3. Faults: ${scale.faultPayoutsPerKind} payouts with ${SINGLE_KIND_FAULT_RATE * 100} % of requests` +
			` faulty per kind, ${scale.faultPayouts} with ${FAULT_RATE * 100} % of every kind mixed` +
			` (seed ${FAULT_SEED}), concurrency ${TARGET_CONCURRENCY}, timeout ${FAULT_TIMEOUT_SECONDS} s`,
		[
			'faults of kind',
			'rows',
			'faults',
			'paid once',
			'not paid',
			'paid twice',
			'created',
			'found',
			'already created',
			'truthful',
			'unknown',
			'untruthful',
			'lost',
			'wall',
		],
		runs.map((run) => [
			run.label,
			run.rows,
			run.faultsDealt,
			run.paidOnce,
			run.notPaid,
			run.paidTwice,
			run.created,
			run.found,
			run.alreadyCreated,
			verdict(run, 'truthful'),
			verdict(run, 'unknown'),
			verdict(run, 'untruthful'),
			run.lost,
			formatSeconds(run.wallMs),
		]),
		[
			'Rows and the sandbox\'s ledger: "paid once", "not paid", "paid twice" count its payouts per order_id.',
			'The node\'s output per row: "created" (made now); "found" (by order_id after a faulted send:',
			'made now or earlier, unknown); "already created" (AliKassa had the order_id before the run\'s',
			'first send); the rest are error items. "truthful": the output agrees with the ledger (a success',
			'with the id the sandbox has, "created" only where no earlier run made it and "already created"',
			'only where one did; "Not paid" when it has no such payout); "unknown": "Outcome unknown",',
			'honest but unresolved; "untruthful": anything else. Faults strike before or after the sandbox',
			'processes a request, half and half, on every endpoint (status lookups too); each scenario runs',
			'in a fresh sandbox; "(2 runs)" runs the same rows twice and counts both runs\' rows. "slow',
			`answers": every v1/payout answered ${SLOW_PAYOUT_MS / 1000} s late, beyond the whole retry and lookup window.`,
		],
	);
	const errorMessages = new Map<string, number>();
	for (const run of runs) {
		for (const [message, times] of run.errorMessages) countInto(errorMessages, message, times);
	}
	if (errorMessages.size > 0) {
		printTable(
			'   Error items by message (all runs)',
			['message', 'count'],
			[...errorMessages].sort((a, b) => b[1] - a[1]),
		);
	}
	const total = (pick: (run: FaultRun) => number) => runs.reduce((sum, run) => sum + pick(run), 0);
	const rows = total((run) => run.rows);
	const paidTwice = total((run) => run.paidTwice);
	const lost = total((run) => run.lost);
	const untruthful = total((run) => verdict(run, 'untruthful'));
	const unknown = total((run) => verdict(run, 'unknown'));
	return [
		{
			target: `0 payouts made twice under faults (${rows} rows)`,
			measured: String(paidTwice),
			pass: paidTwice === 0,
		},
		{ target: '0 lost items under faults', measured: String(lost), pass: lost === 0 },
		{
			target: 'every row\'s output agrees with the ledger or says "Outcome unknown"',
			measured: `${untruthful} untruthful, ${unknown} unknown of ${rows}`,
			pass: untruthful === 0,
		},
	];
}

// ─── 4. Memory ──────────────────────────────────────────────────────────────────────────────────

/**
 * `npm run bench` starts node without --expose-gc; switched on at run time, it gives a baseline
 * and a retained size that do not depend on when V8 last happened to collect.
 */
function garbageCollector(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

async function benchMemory(scale: Scale): Promise<TargetResult[]> {
	const count = scale.memoryPayouts;
	const rows = payoutRows(count, 'memory');
	const collectGarbage = garbageCollector();
	const { measured, before, retained } = await withSandbox({ latencyMs: 0 }, async (sandbox) => {
		collectGarbage();
		const before = process.memoryUsage();
		const measured = await measure(() => runNode(sandbox, rows, TARGET_CONCURRENCY));
		collectGarbage();
		return { measured, before, retained: process.memoryUsage() };
	});
	failOnWorkflowError('memory', measured.result);
	const growth = measured.peakRssBytes - before.rss;
	printTable(
		`4. ${count} payouts, sandbox latency 0 ms, concurrency ${TARGET_CONCURRENCY}`,
		['measure', 'value'],
		[
			['created', `${createdItems(measured.result)}/${count}`],
			['wall', formatSeconds(measured.wallMs)],
			['payouts per second', formatNumber((count * 1000) / measured.wallMs)],
			['CPU per payout', formatMs(measured.cpuMs / count)],
			['RSS before (garbage collected)', formatMb(before.rss)],
			['RSS peak', formatMb(measured.peakRssBytes)],
			['RSS growth (peak − before)', formatMb(growth)],
			['RSS after (garbage collected)', formatMb(retained.rss)],
			['heap used before → after', `${formatMb(before.heapUsed)} → ${formatMb(retained.heapUsed)}`],
			['worst loop delay', formatMs(measured.loopDelayMs)],
		],
		['"after" holds the run\'s result, as n8n does until the execution is saved.'],
	);
	return [
		{
			target: `RSS growth ≤ ${formatMb(LIMITS.memoryGrowthBytes)} for ${count} payouts`,
			measured: formatMb(growth),
			pass: growth <= LIMITS.memoryGrowthBytes,
		},
	];
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────────

const USAGE = `Usage: node dist-dev/scripts/bench.js [--quick] [--only ${SECTIONS.join('|')}] [--cpu-prof]`;
/** Where --cpu-prof leaves the profiles of the real n8n runs (git ignores .n8n-runs). */
const PROFILE_DIR = join(REPO_ROOT, '.n8n-runs', 'cpu-prof');

/** A mistake on the command line: its message and the usage say all, a stack would not help. */
class UsageError extends Error {}

function readArguments(): {
	scale: Scale;
	sections: readonly Section[];
	profileDir: string | undefined;
} {
	let values: { quick?: boolean; only?: string; 'cpu-prof'?: boolean };
	try {
		({ values } = parseArgs({
			options: {
				quick: { type: 'boolean' },
				only: { type: 'string' },
				'cpu-prof': { type: 'boolean' },
			},
		}));
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	if (values.only !== undefined && !SECTIONS.includes(values.only as Section)) {
		throw new UsageError(`--only takes one of ${SECTIONS.join(', ')}, not "${values.only}"`);
	}
	return {
		scale: values.quick ? QUICK : FULL,
		sections: values.only === undefined ? SECTIONS : [values.only as Section],
		profileDir: values['cpu-prof'] ? PROFILE_DIR : undefined,
	};
}

async function main(): Promise<void> {
	const { scale, sections, profileDir } = readArguments();
	if (profileDir !== undefined) {
		rmSync(profileDir, { recursive: true, force: true });
		mkdirSync(profileDir, { recursive: true });
	}
	print(`AliKassa Payout node benchmark${scale === QUICK ? ' (--quick: smaller runs)' : ''}`);
	print(`Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores`);
	print();
	const results: TargetResult[] = [];
	try {
		if (sections.includes('signing')) results.push(...(await benchSigning(scale)));
		if (sections.some((section) => ENGINE_SECTIONS.includes(section))) await warmUp();
		if (sections.includes('throughput')) results.push(...(await benchThroughput(scale)));
		if (sections.includes('faults')) results.push(...(await benchFaults(scale)));
		if (sections.includes('memory')) results.push(...(await benchMemory(scale)));
		if (sections.includes('n8n')) {
			results.push(...(await benchRealN8n(scale.n8nPayouts, profileDir)));
		}
		if (sections.includes('connections')) {
			results.push(...(await benchConnections(scale.n8nPayouts)));
		}
	} finally {
		stopEngineTimers();
		rmSync(ENGINE_USER_FOLDER, { recursive: true, force: true });
	}
	printSummary(results);
}

main().catch((error: unknown) => {
	if (error instanceof UsageError) {
		process.stderr.write(`${error.message}\n${USAGE}\n`);
		process.exitCode = 2;
		return;
	}
	process.stderr.write(
		`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
