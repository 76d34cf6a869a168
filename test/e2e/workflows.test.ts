/**
 * The example workflows, run by a real n8n 2.8.4 (`n8n execute`) with the packed package
 * installed like a community package, against the AliKassa sandbox.
 */
import { readFileSync } from 'fs';

import {
	allExamples,
	EXAMPLES,
	loadExample,
	PAYOUTS_CSV,
	pointWorkflowAt,
} from '../../scripts/examples';
import { nodeItems, type ExecutionRun, type NodeItem, type Workflow } from '../../scripts/n8n';
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

const { singlePayout, scheduledBatch, httpRequestSigned } = EXAMPLES;
const REFUSED_PAYOUT_ID = 'e2eRefusedPayout';
const LARGE_BATCH_ID = 'e2eLargeBatch';
const LARGE_BATCH_ROWS = 120;
/** Rows of the large batch with a service the account does not have. */
const LARGE_BATCH_BAD_ROWS = new Set([17, 64, 101]);
const UNKNOWN_OUTCOME_ID = 'e2eUnknownOutcome';
const UNKNOWN_OUTCOME_ORDER_IDS = ['e2e-unknown-1', 'e2e-unknown-2', 'e2e-unknown-3'];

let harness: N8nHarness;

function largeBatchCsv(): string {
	const lines = ['order_id,employee,amount,service,number'];
	for (let row = 0; row < LARGE_BATCH_ROWS; row++) {
		const service = LARGE_BATCH_BAD_ROWS.has(row) ? 'payment_card_xyz' : 'payment_card_rub';
		lines.push(
			`e2e-large-${String(row).padStart(3, '0')},Employee ${row},${100 + row}.${String(row % 100).padStart(2, '0')},${service},4111111111111111`,
		);
	}
	return `${lines.join('\n')}\n`;
}

function workflows(sandboxUrl: string): Workflow[] {
	const examples = allExamples(sandboxUrl);
	const single = pointWorkflowAt(loadExample(singlePayout.file), { sandboxUrl });
	const refused = variant(single, REFUSED_PAYOUT_ID, (copy) => {
		Object.assign(nodeNamed(copy, singlePayout.payoutNode).parameters, {
			orderId: 'e2e-refused-0001',
			service: { __rl: true, mode: 'id', value: 'payment_card_xyz' },
		});
	});
	const largeCsv = harness.writeDataFile('large-batch.csv', largeBatchCsv());
	const large = variant(
		pointWorkflowAt(loadExample(scheduledBatch.file), { sandboxUrl, payoutsCsv: largeCsv }),
		LARGE_BATCH_ID,
	);
	const unknownCsv = harness.writeDataFile(
		'unknown-outcome.csv',
		[
			'order_id,employee,amount,service,number',
			...UNKNOWN_OUTCOME_ORDER_IDS.map(
				(orderId) => `${orderId},Employee,1500.00,payment_card_rub,4111111111111111`,
			),
		].join('\n'),
	);
	const unknown = variant(
		pointWorkflowAt(loadExample(scheduledBatch.file), { sandboxUrl, payoutsCsv: unknownCsv }),
		UNKNOWN_OUTCOME_ID,
	);
	return [...examples, refused, large, unknown];
}

/** The items a node received; none when no item reached it (n8n then does not run it). */
function itemsReaching(run: ExecutionRun, nodeName: string): NodeItem[] {
	return run.data.resultData.runData[nodeName] === undefined ? [] : nodeItems(run, nodeName);
}

/** Create Payout's one question per run: which payout services the account has. */
function serviceChecks() {
	return harness.sandbox.requests.filter((request) => request.path === '/v1/account/info');
}

function payoutRequestsFor(orderId: string) {
	return harness.sandbox.requests.filter(
		(request) => request.path === '/v1/payout' && orderIdOf(request) === orderId,
	);
}

beforeAll(async () => {
	harness = await setUpN8n();
	await harness.n8n.importWorkflows(workflows(harness.sandbox.url));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await harness?.close();
});

test(
	'single-payout.json creates a payout: id and payment_status "wait", signed so the sandbox accepts it',
	async () => {
		const checksBefore = serviceChecks().length;
		const execution = await harness.n8n.execute(singlePayout.id);

		expect(execution.failed).toBe(false);
		const items = nodeItems(execution.run, singlePayout.payoutNode);
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			order_id: 'example-single-0001',
			id: expect.any(Number),
			payment_status: 'wait',
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(serviceChecks().slice(checksBefore)).toEqual([
			expect.objectContaining({ body: '[]', signatureValid: true, status: 200 }),
		]);
		const [request] = payoutRequestsFor('example-single-0001');
		expect(request).toMatchObject({ signatureValid: true, signatureHash: 'sha1', status: 200 });
		expect(payoutRequestsFor('example-single-0001')).toHaveLength(1);
		expect(
			harness.sandbox.payouts().find((payout) => payout.orderId === 'example-single-0001')?.id,
		).toBe(items[0].json.id);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	"a 400 from AliKassa fails the execution with the node's error naming the field",
	async () => {
		// AliKassa itself must refuse: the check before the batch would have refused the row first
		harness.sandbox.injectFault({ kind: 'http500', path: '/v1/account/info' });
		const execution = await harness.n8n.execute(REFUSED_PAYOUT_ID);

		expect(execution.failed).toBe(true);
		expect(execution.exitCode).toBe(1);
		const { error } = execution.run.data.resultData;
		expect(error?.message).toMatch(/service/);
		expect(error?.message).toMatch(/The selected service is invalid/);
		expect(error?.node?.name).toBe(singlePayout.payoutNode);
		expect(error?.httpCode).toBe('400');
		expect(payoutRequestsFor('e2e-refused-0001')).toEqual([
			expect.objectContaining({ signatureValid: true, status: 400 }),
		]);
		expect(harness.sandbox.payouts().some((payout) => payout.orderId === 'e2e-refused-0001')).toBe(
			false,
		);
		expectNoSecrets(execution.output);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'scheduled-batch-payouts.json: the bad row goes to the error output with its order_id and reason; the others are paid',
	async () => {
		const checksBefore = serviceChecks().length;
		const execution = await harness.n8n.execute(scheduledBatch.id);

		expect(execution.failed).toBe(false);
		const csvRows = readFileSync(PAYOUTS_CSV, 'utf8').trim().split('\n').slice(1);
		const accepted = nodeItems(execution.run, scheduledBatch.payoutNode, 0);
		const refused = nodeItems(execution.run, scheduledBatch.payoutNode, 1);
		expect(accepted).toHaveLength(csvRows.length - 1);
		expect(refused).toHaveLength(1);
		const [refusedItem] = refused;
		expect(refusedItem.pairedItem).toEqual({ item: 6 });
		// the check before the batch refused it (asked once for the twelve rows): it was never sent
		expect(serviceChecks()).toHaveLength(checksBefore + 1);
		expect(refusedItem.json.error).toEqual(
			expect.stringContaining(
				'the account has no enabled payout service payment_card_usd (enabled: payment_card_eur, ',
			),
		);
		expect(payoutRequestsFor('2026-11-payroll-007')).toEqual([]);
		expect(refusedItem.json.error).toMatch(/^Not paid\b/);
		// n8n keeps little more than the message of an error item: the order_id must be in what is left.
		expect(JSON.stringify(refusedItem.json)).toContain('2026-11-payroll-007');
		// What the branches after the node received: n8n routed by output.
		expect(nodeItems(execution.run, scheduledBatch.acceptedNode)).toHaveLength(accepted.length);
		expect(nodeItems(execution.run, scheduledBatch.refusedNode).map((item) => item.json)).toEqual([
			refusedItem.json,
		]);
		expect(itemsReaching(execution.run, scheduledBatch.unknownNode)).toEqual([]);
		for (const item of accepted) {
			expect(item.json).toEqual({
				order_id: expect.stringMatching(/^2026-11-payroll-\d{3}$/),
				id: expect.any(Number),
				payment_status: 'wait',
			});
			expect(payoutRequestsFor(String(item.json.order_id))).toEqual([
				expect.objectContaining({ signatureValid: true, status: 200 }),
			]);
		}
		expectNoSecrets(execution.output);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	`a batch of ${LARGE_BATCH_ROWS} rows keeps the input order and pairs every output item with its row`,
	async () => {
		// The first answers come late, so later rows finish first.
		harness.sandbox.injectFault({ kind: 'latency', path: '/v1/payout', delayMs: 500, times: 3 });
		const checksBefore = serviceChecks().length;
		const execution = await harness.n8n.execute(LARGE_BATCH_ID);

		expect(execution.failed).toBe(false);
		const orderIdOfRow = (row: number) => `e2e-large-${String(row).padStart(3, '0')}`;
		const accepted = nodeItems(execution.run, scheduledBatch.payoutNode, 0);
		const refused = nodeItems(execution.run, scheduledBatch.payoutNode, 1);
		const goodRows = [...Array(LARGE_BATCH_ROWS).keys()].filter(
			(row) => !LARGE_BATCH_BAD_ROWS.has(row),
		);
		expect(accepted.map((item) => item.pairedItem?.item)).toEqual(goodRows);
		expect(accepted.map((item) => item.json.order_id)).toEqual(goodRows.map(orderIdOfRow));
		expect(refused.map((item) => item.pairedItem?.item)).toEqual([...LARGE_BATCH_BAD_ROWS]);
		expect(refused.map((item) => item.json.error)).toEqual(
			[...LARGE_BATCH_BAD_ROWS].map(() =>
				expect.stringContaining('the account has no enabled payout service payment_card_xyz'),
			),
		);
		// one question for the whole run, not one per row; the refused rows were never sent
		expect(serviceChecks()).toHaveLength(checksBefore + 1);
		for (const row of LARGE_BATCH_BAD_ROWS)
			expect(payoutRequestsFor(orderIdOfRow(row))).toEqual([]);
		const paidOrderIds = harness.sandbox
			.payouts()
			.map((payout) => payout.orderId)
			.filter((orderId) => orderId.startsWith('e2e-large-'));
		expect(paidOrderIds.sort()).toEqual(goodRows.map(orderIdOfRow));
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'scheduled-batch-payouts.json: a payout whose outcome stays unknown goes to "Outcome unknown", not to "Refused: fix the row"',
	async () => {
		// AliKassa takes the first payout but its answer is lost, and it cannot be asked about it.
		harness.sandbox.injectFault({ kind: 'http500', path: '/v1/payout', when: 'after' });
		harness.sandbox.injectFault({ kind: 'http503', path: '/v1/payout/status', times: 50 });
		const execution = await harness.n8n.execute(UNKNOWN_OUTCOME_ID);
		harness.sandbox.clearFaults();

		expect(execution.failed).toBe(false);
		const unknown = itemsReaching(execution.run, scheduledBatch.unknownNode);
		expect(unknown).toHaveLength(1);
		const [unknownItem] = unknown;
		const orderId = String(unknownItem.json.order_id);
		expect(unknownItem.json.error).toMatch(/^Outcome unknown\b/);
		expect(unknownItem.json.error).toContain(orderId);
		// It was paid, so nothing may call it refused; the other rows were accepted.
		expect(harness.payout(orderId).id).toEqual(expect.any(Number));
		expect(itemsReaching(execution.run, scheduledBatch.refusedNode)).toEqual([]);
		expect(
			nodeItems(execution.run, scheduledBatch.acceptedNode).map((item) => item.json.order_id),
		).toEqual(UNKNOWN_OUTCOME_ORDER_IDS.filter((other) => other !== orderId));
		expect(
			harness.sandbox.payouts().filter((payout) => payout.orderId.startsWith('e2e-unknown-')),
		).toHaveLength(UNKNOWN_OUTCOME_ORDER_IDS.length);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'http-request-signed.json: the HTTP Request node signs with the credential and the sandbox accepts it',
	async () => {
		const execution = await harness.n8n.execute(httpRequestSigned.id);

		expect(execution.failed).toBe(false);
		const [balance] = nodeItems(execution.run, httpRequestSigned.requestNode);
		expect(balance.json).toMatchObject({ currency: 'RUB', balance: expect.any(String) });
		const requests = harness.sandbox.requests.filter(
			(request) => request.path === '/v1/account/balance',
		);
		expect(requests).toEqual([
			expect.objectContaining({
				method: 'POST',
				body: '[]',
				signatureValid: true,
				signatureHash: 'sha1',
				status: 200,
			}),
		]);
	},
	EXECUTION_TIMEOUT_MS,
);
