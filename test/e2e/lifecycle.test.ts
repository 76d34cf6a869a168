/**
 * Get Payout Status, Get Balance and Create Payout → Wait for Final Status, each in one real
 * `n8n execute` against the sandbox, and follow-up-payouts.json after the batch example.
 */
import { setTimeout as sleep } from 'timers/promises';

import { EXAMPLES, loadExample, pointWorkflowAt } from '../../scripts/examples';
import { nodeItems, type Workflow } from '../../scripts/n8n';
import { orderIdOf } from '../../scripts/sandboxProcess';
import {
	EXECUTION_TIMEOUT_MS,
	nodeNamed,
	SETUP_TIMEOUT_MS,
	setUpN8n,
	variant,
	type N8nHarness,
} from '../support/n8nHarness';

const { singlePayout, scheduledBatch, followUpPayouts } = EXAMPLES;
const STATUS_ID = 'e2eStatus';
const BALANCE_ID = 'e2eBalance';
const WAIT_ID = 'e2eWaitForFinal';
const PAYOUT = { operation: 'create', service: 'payment_card_rub', additionalFields: {} };

let harness: N8nHarness;

/** The single-payout example's trigger followed by AliKassa Payout nodes, one after another. */
function payoutChain(
	id: string,
	steps: Array<[name: string, parameters: Record<string, unknown>]>,
): Workflow {
	return variant(loadExample(singlePayout.file), id, (copy) => {
		const template = nodeNamed(copy, singlePayout.payoutNode);
		const trigger = copy.nodes.filter((node) => node !== template);
		const names = [...trigger.map((node) => node.name), ...steps.map(([name]) => name)];
		copy.nodes = [
			...trigger,
			...steps.map(([name, parameters], index) => ({
				name,
				type: template.type,
				typeVersion: template.typeVersion,
				position: [224 * (index + 1), 0],
				parameters,
				credentials: template.credentials,
			})),
		];
		copy.connections = Object.fromEntries(
			names
				.slice(0, -1)
				.map((name, index) => [
					name,
					{ main: [[{ node: names[index + 1], type: 'main', index: 0 }]] },
				]),
		);
	});
}

function requestsTo(path: string, orderId?: string) {
	return harness.sandbox.requests.filter(
		(request) => request.path === path && (orderId === undefined || request.body.includes(orderId)),
	);
}

beforeAll(async () => {
	harness = await setUpN8n();
	const { url: sandboxUrl } = harness.sandbox;
	await harness.n8n.importWorkflows([
		payoutChain(STATUS_ID, [
			[
				'Create Payout',
				{ ...PAYOUT, amount: '1000.44', number: '4111111111111111', orderId: 'e2e-status-0001' },
			],
			['Status by ID', { operation: 'getStatus', lookupBy: 'id', payoutId: '={{ $json.id }}' }],
			[
				'Status by Order ID',
				{ operation: 'getStatus', lookupBy: 'orderId', orderId: '={{ $json.order_id }}' },
			],
		]),
		payoutChain(BALANCE_ID, [
			[
				'Create Payout',
				{ ...PAYOUT, amount: '1234.56', number: '4111111111111111', orderId: 'e2e-balance-0001' },
			],
			['Get Balance', { operation: 'getBalance' }],
		]),
		payoutChain(WAIT_ID, [
			[
				'Create Payout',
				{
					...PAYOUT,
					amount: '250.00',
					// Ends in 0002: the sandbox fails it.
					number: '4111111111110002',
					orderId: 'e2e-wait-0001',
					waitForFinalStatus: true,
					pollIntervalSeconds: 1,
					maxWaitSeconds: 120,
				},
			],
		]),
		pointWorkflowAt(loadExample(scheduledBatch.file), { sandboxUrl }),
		pointWorkflowAt(loadExample(followUpPayouts.file), { sandboxUrl }),
	]);
}, SETUP_TIMEOUT_MS);

// Each test counts the requests and payouts it made.
beforeEach(() => harness.sandbox.reset());

afterAll(async () => {
	await harness?.close();
});

test(
	'Get Payout Status by ID and by order ID return the same signed status, isFinal false while "wait"',
	async () => {
		const execution = await harness.n8n.execute(STATUS_ID);

		expect(execution.failed).toBe(false);
		const [created] = nodeItems(execution.run, 'Create Payout');
		const [byId] = nodeItems(execution.run, 'Status by ID');
		const [byOrderId] = nodeItems(execution.run, 'Status by Order ID');
		expect(byId.json).toMatchObject({
			id: created.json.id,
			order_id: 'e2e-status-0001',
			payment_status: 'wait',
			isFinal: false,
			amount: '1000.44',
			card_mask: '411111******1111',
			commission_amount: '0.00',
			service_code: 'payment_card_rub',
		});
		expect(byOrderId.json).toEqual(byId.json);
		expect(byOrderId.pairedItem).toEqual({ item: 0 });
		expect(requestsTo('/v1/payout/status').map((request) => request.body)).toEqual([
			JSON.stringify({ id: created.json.id }),
			'{"order_id":"e2e-status-0001"}',
		]);
		expect(requestsTo('/v1/payout/status').every((request) => request.signatureValid)).toBe(true);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'Get Balance returns what the account holds after the payout just made, signed over "[]"',
	async () => {
		const execution = await harness.n8n.execute(BALANCE_ID);

		expect(execution.failed).toBe(false);
		expect(nodeItems(execution.run, 'Get Balance').map((item) => item.json)).toEqual([
			{
				currency: 'RUB',
				balance: '998765.44',
				hold: '0.00',
				rolling_reserve: '0.00',
				pending_payouts: '1234.56',
			},
		]);
		expect(requestsTo('/v1/account/balance')).toEqual([
			expect.objectContaining({ body: '[]', signatureValid: true, status: 200 }),
		]);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'Wait for Final Status polls while "wait" and outputs the final status once AliKassa has it',
	async () => {
		let ended = false;
		const running = harness.n8n.execute(WAIT_ID).finally(() => (ended = true));
		// Let n8n see "wait" twice before the sandbox turns the payout final.
		while (!ended && requestsTo('/v1/payout/status').length < 2) await sleep(200);
		const payout = harness.payout('e2e-wait-0001');
		expect(payout.status).toBe('wait');
		await harness.sandbox.finalize(payout.id);
		const execution = await running;

		expect(execution.failed).toBe(false);
		const [item] = nodeItems(execution.run, 'Create Payout');
		expect(item.json).toMatchObject({
			order_id: 'e2e-wait-0001',
			id: payout.id,
			payment_status: 'fail',
			isFinal: true,
		});
		expect(item.json).not.toHaveProperty('note');
		expect(requestsTo('/v1/payout', 'e2e-wait-0001')).toHaveLength(1);
		const polls = requestsTo('/v1/payout/status');
		expect(polls.length).toBeGreaterThanOrEqual(3);
		expect(polls.every((request) => request.signatureValid)).toBe(true);
	},
	EXECUTION_TIMEOUT_MS,
);

test(
	'follow-up-payouts.json after the batch: final, still waiting and never created, each on its branch',
	async () => {
		const batch = await harness.n8n.execute(scheduledBatch.id);
		expect(batch.failed).toBe(false);
		const finalStatuses = {
			'2026-11-payroll-001': 'paid',
			'2026-11-payroll-002': 'cancel',
			'2026-11-payroll-003': 'fail',
		} as const;
		for (const [orderId, status] of Object.entries(finalStatuses)) {
			await harness.sandbox.finalize(harness.payout(orderId).id, status);
		}

		const execution = await harness.n8n.execute(followUpPayouts.id);

		expect(execution.failed).toBe(false);
		const statusOf = (nodeName: string) =>
			Object.fromEntries(
				nodeItems(execution.run, nodeName).map(({ json }) => [json.order_id, json.payment_status]),
			);
		expect(statusOf(followUpPayouts.finalNode)).toEqual(finalStatuses);
		const waiting = statusOf(followUpPayouts.waitingNode);
		expect(Object.keys(waiting)).toHaveLength(8);
		expect(new Set(Object.values(waiting))).toEqual(new Set(['wait']));
		const notFound = nodeItems(execution.run, followUpPayouts.notFoundNode);
		expect(notFound.map((item) => item.json.error)).toEqual([
			expect.stringContaining('AliKassa has no payout with order ID "2026-11-payroll-007"'),
		]);
		const lookups = requestsTo('/v1/payout/status').filter((request) =>
			orderIdOf(request)?.startsWith('2026-11-payroll-'),
		);
		expect(lookups).toHaveLength(12);
		expect(lookups.every((request) => request.signatureValid)).toBe(true);
	},
	EXECUTION_TIMEOUT_MS,
);
