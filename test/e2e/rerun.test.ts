/**
 * Running the example batch again is how a person finds out what was paid, in a real n8n 2.8.4
 * with the package installed like a community package: after n8n was killed part-way (a crash
 * keeps no run data in n8n), and after the default On Error (stop) stopped at a bad row that was
 * then fixed. Each re-run must pay only what is unpaid, report every row with the id the
 * sandbox's ledger has for it, the earlier ones `alreadyCreated: true`, and never pay twice.
 */
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';

import type { RecordedRequest } from '../../sandbox/server';

import { EXAMPLES, loadExample, pointWorkflowAt } from '../../scripts/examples';
import { nodeItems, type ExecutionRun, type Workflow } from '../../scripts/n8n';
import { orderIdOf } from '../../scripts/sandboxProcess';
import {
	EXECUTION_TIMEOUT_MS,
	nodeNamed,
	SETUP_TIMEOUT_MS,
	setUpN8n,
	variant,
	type N8nHarness,
} from '../support/n8nHarness';
import { expectNoSecrets } from '../../scripts/sandboxCredentials';

const { scheduledBatch } = EXAMPLES;

interface Batch {
	id: string;
	csv: string;
	/** of every order_id in the batch */
	prefix: string;
	rows: number;
}

const CRASH: Batch = {
	id: 'e2eRerunAfterCrash',
	csv: 'crash-batch.csv',
	prefix: 'e2e-crash-',
	rows: 60,
};
const STOP: Batch = {
	id: 'e2eRerunAfterStop',
	csv: 'stop-batch.csv',
	prefix: 'e2e-stop-',
	rows: 30,
};
const SLOW: Batch = {
	id: 'e2eSlowAnswers',
	csv: 'slow-batch.csv',
	prefix: 'e2e-slow-',
	rows: 4,
};
/** Every v1/payout answer of the slow batch, beyond its whole retry and lookup window at 1 s. */
const SLOW_LATENCY_MS = 8000;

/** The row of the stop batch whose service AliKassa refuses until it is fixed. */
const STOP_BAD_ROW = 12;
/** Each payout answers this late, so the batch is still going when n8n is killed. */
const CRASH_LATENCY_MS = 300;
/** Enough for rows to be in flight beside the bad row when it fails. */
const STOP_LATENCY_MS = 100;
const GOOD_SERVICE = 'payment_card_rub';
const BAD_SERVICE = 'payment_card_xyz';

let harness: N8nHarness;

const orderIdOfRow = (prefix: string, row: number) => `${prefix}${String(row).padStart(3, '0')}`;

function batchCsv(prefix: string, rows: number, badRow?: number): string {
	const lines = ['order_id,employee,amount,service,number'];
	for (let row = 0; row < rows; row++) {
		const service = row === badRow ? BAD_SERVICE : GOOD_SERVICE;
		lines.push(
			`${orderIdOfRow(prefix, row)},Employee ${row},${1000 + row}.${String(row % 100).padStart(2, '0')},${service},4111111111111111`,
		);
	}
	return `${lines.join('\n')}\n`;
}

/** The batch example reading its own CSV from the data folder. */
function batchWorkflow(id: string, csvFile: string, change?: (copy: Workflow) => void): Workflow {
	const example = pointWorkflowAt(loadExample(scheduledBatch.file), {
		sandboxUrl: harness.sandbox.url,
		payoutsCsv: join(harness.dataDir, csvFile),
	});
	return variant(example, id, change);
}

/** The next `times` payout requests are answered `delayMs` late, so that rows are in flight. */
function delayPayouts(delayMs: number, times: number): void {
	harness.sandbox.injectFault({ kind: 'latency', path: '/v1/payout', delayMs, times });
}

/** order_id → AliKassa id of every payout the sandbox holds for the batch. */
function ledger(prefix: string): Map<string, number> {
	const payouts = harness.sandbox.payouts().filter((payout) => payout.orderId.startsWith(prefix));
	return new Map(payouts.map((payout) => [payout.orderId, payout.id]));
}

/** order_ids the sandbox created more than one payout for. */
function paidTwice(prefix: string): string[] {
	const orderIds = harness.sandbox
		.payouts()
		.map((payout) => payout.orderId)
		.filter((orderId) => orderId.startsWith(prefix));
	return orderIds.filter((orderId, index) => orderIds.indexOf(orderId) !== index);
}

/**
 * Resolves once the requests n8n had in flight have been processed: the sandbox goes on with a
 * request whose client is gone, as a server does.
 */
async function sandboxSettled(): Promise<void> {
	const inProgress = (request: RecordedRequest) =>
		request.status === null && (request.fault === null || request.fault === 'latency');
	const deadline = Date.now() + 30_000;
	await sleep(100);
	while (harness.sandbox.requests.some(inProgress)) {
		if (Date.now() > deadline) throw new Error('The sandbox still has requests in progress');
		await sleep(50);
	}
}

/**
 * Runs the batch again without faults. It must pay every row still unpaid and report every row on
 * the success output, paired with its row, with the id the sandbox has for it, and
 * `alreadyCreated: true` exactly for the rows paid before.
 */
async function expectSafeRerun(batch: Batch, paidBefore: Map<string, number>): Promise<void> {
	harness.sandbox.clearFaults();
	const rerun = await harness.n8n.execute(batch.id);

	expect(rerun.failed).toBe(false);
	expectNoSecrets(rerun.output);
	const { prefix, rows } = batch;
	const paid = ledger(prefix);
	const reported = nodeItems(rerun.run, scheduledBatch.payoutNode, 0).map((item) => ({
		row: item.pairedItem?.item,
		order_id: item.json.order_id,
		id: item.json.id,
		alreadyCreated: item.json.alreadyCreated === true,
	}));
	const expected = [...Array(rows).keys()].map((row) => {
		const orderId = orderIdOfRow(prefix, row);
		return {
			row,
			order_id: orderId,
			id: paid.get(orderId),
			alreadyCreated: paidBefore.has(orderId),
		};
	});
	expect(reported).toEqual(expected);
	expect(nodeItems(rerun.run, scheduledBatch.payoutNode, 1)).toEqual([]);
	expect(paid.size).toBe(rows);
	// The rows paid before keep the ids they had: the re-run created nothing new for them.
	for (const [orderId, id] of paidBefore) expect(paid.get(orderId)).toBe(id);
	expect(paidTwice(prefix)).toEqual([]);
	// Every row was accepted by AliKassa exactly once, however often it was sent.
	for (const { order_id: orderId } of expected) {
		const accepted = harness.sandbox.requests.filter(
			(request) =>
				request.path === '/v1/payout' && request.status === 200 && orderIdOf(request) === orderId,
		);
		expect({ orderId, accepted: accepted.length }).toEqual({ orderId, accepted: 1 });
	}
}

beforeAll(async () => {
	harness = await setUpN8n();
	await harness.n8n.importWorkflows([
		batchWorkflow(CRASH.id, CRASH.csv),
		// The default On Error: the first failing row stops the node.
		batchWorkflow(STOP.id, STOP.csv, (copy) => {
			delete nodeNamed(copy, scheduledBatch.payoutNode).onError;
		}),
		batchWorkflow(SLOW.id, SLOW.csv, (copy) => {
			nodeNamed(copy, scheduledBatch.payoutNode).parameters.options = { timeoutSeconds: 1 };
		}),
	]);
}, SETUP_TIMEOUT_MS);

afterEach(() => harness?.sandbox.clearFaults());

afterAll(async () => {
	await harness?.close();
});

test(
	'n8n killed (SIGKILL) in the middle of the batch: running it again pays only the unpaid rows and reports every row with its id',
	async () => {
		harness.writeDataFile(CRASH.csv, batchCsv(CRASH.prefix, CRASH.rows));
		delayPayouts(CRASH_LATENCY_MS, CRASH.rows);

		const execution = await harness.n8n.startExecution(CRASH.id);
		try {
			while (ledger(CRASH.prefix).size < CRASH.rows / 3) {
				if (!execution.running) throw new Error('n8n ended before a third of the batch was paid');
				await sleep(20);
			}
		} finally {
			await execution.crash();
		}
		await sandboxSettled();
		const paidBefore = ledger(CRASH.prefix);
		// Killed in the middle: some rows paid, some not.
		expect(paidBefore.size).toBeGreaterThanOrEqual(CRASH.rows / 3);
		expect(paidBefore.size).toBeLessThan(CRASH.rows);

		await expectSafeRerun(CRASH, paidBefore);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'default On Error (stop): the run stops at the bad row saying how many rows were paid; after fixing the row, running again pays the rest',
	async () => {
		const badOrderId = orderIdOfRow(STOP.prefix, STOP_BAD_ROW);
		harness.writeDataFile(STOP.csv, batchCsv(STOP.prefix, STOP.rows, STOP_BAD_ROW));
		delayPayouts(STOP_LATENCY_MS, STOP.rows);

		const stopped = await harness.n8n.execute(STOP.id);

		expect(stopped.failed).toBe(true);
		const { error } = stopped.run.data.resultData;
		expect(error?.node?.name).toBe(scheduledBatch.payoutNode);
		await sandboxSettled();
		const paidBefore = ledger(STOP.prefix);
		// The message is all n8n keeps of the failed node: it must tell the truth about the money.
		expect(error?.message).toContain(badOrderId);
		expect(error?.message).toMatch(/again is safe/i);
		expect(paidRowsIn(error?.message ?? '')).toBe(paidBefore.size);
		expect(paidBefore.has(badOrderId)).toBe(false);
		// The rows after the bad one that were not yet in flight were never sent.
		expect(paidBefore.size).toBeGreaterThanOrEqual(STOP_BAD_ROW);
		expect(paidBefore.size).toBeLessThan(STOP.rows - 1);
		expectNoSecrets(stopped.output);

		harness.writeDataFile(STOP.csv, batchCsv(STOP.prefix, STOP.rows));
		await expectSafeRerun(STOP, paidBefore);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'answers slower than the whole retry and lookup window: "Outcome unknown" (routed so), never "Not paid"; the re-run reports them alreadyCreated; a corrected number is "Not paid: … another recipient"',
	async () => {
		harness.writeDataFile(SLOW.csv, batchCsv(SLOW.prefix, SLOW.rows));
		delayPayouts(SLOW_LATENCY_MS, SLOW.rows * 3);

		const slow = await harness.n8n.execute(SLOW.id);

		expect(slow.failed).toBe(false);
		expect(nodeItems(slow.run, scheduledBatch.payoutNode, 0)).toEqual([]);
		const errors = nodeItems(slow.run, scheduledBatch.payoutNode, 1).map((item) =>
			String(item.json.error),
		);
		expect(errors).toHaveLength(SLOW.rows);
		for (const error of errors)
			expect(error).toMatch(/^Outcome unknown: .*running the same batch again is safe/);
		expect(itemsIfRan(slow.run, scheduledBatch.refusedNode)).toEqual([]);
		expect(nodeItems(slow.run, scheduledBatch.unknownNode)).toHaveLength(SLOW.rows);
		await sandboxSettled();
		// they were all paid after all, once each
		expect(ledger(SLOW.prefix).size).toBe(SLOW.rows);
		expect(paidTwice(SLOW.prefix)).toEqual([]);

		await expectSafeRerun(SLOW, ledger(SLOW.prefix));

		// the first row again, its card number corrected: the payout under its order ID went to the old card
		const corrected = batchCsv(SLOW.prefix, SLOW.rows).replace(
			`${orderIdOfRow(SLOW.prefix, 0)},Employee 0,1000.00,${GOOD_SERVICE},4111111111111111`,
			`${orderIdOfRow(SLOW.prefix, 0)},Employee 0,1000.00,${GOOD_SERVICE},5555555555554444`,
		);
		harness.writeDataFile(SLOW.csv, corrected);
		const again = await harness.n8n.execute(SLOW.id);
		const [refused, ...more] = nodeItems(again.run, scheduledBatch.payoutNode, 1);
		expect(more).toEqual([]);
		expect(refused.json.error).toMatch(
			new RegExp(
				`^Not paid: Order ID "${orderIdOfRow(SLOW.prefix, 0)}": this order ID is a payout to another recipient \\(411111\\*{6}1111\\)`,
			),
		);
		expect(nodeItems(again.run, scheduledBatch.refusedNode)).toHaveLength(1);
		expect(
			nodeItems(again.run, scheduledBatch.payoutNode, 0).every(
				(item) => item.json.alreadyCreated === true,
			),
		).toBe(true);
		expect(ledger(SLOW.prefix).size).toBe(SLOW.rows);
	},
	EXECUTION_TIMEOUT_MS,
);

/** A node's items, none if it did not run (n8n runs no node an If's branch gave nothing). */
function itemsIfRan(run: ExecutionRun, nodeName: string) {
	return run.data.resultData.runData[nodeName] === undefined ? [] : nodeItems(run, nodeName);
}

/** The count of rows paid that the stop message states ("… 12 of 30 rows were paid …"). */
function paidRowsIn(message: string): number | undefined {
	const count = /(\d+)(?: of \d+)? rows? (?:were|was) paid/.exec(message);
	return count === null ? undefined : Number(count[1]);
}
