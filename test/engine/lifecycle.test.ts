import type { IDataObject } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/server';
import { runPayoutNode } from '../../scripts/engine';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 400 });

const payout = {
	operation: 'create',
	amount: '250.50',
	number: '4111111111111111',
	service: 'payment_card_rub',
};

async function run(parameters: IDataObject, items?: IDataObject[]) {
	return await runPayoutNode({ parameters, items, credentials: sandboxCredentials(sandbox().url) });
}

async function createPayout(orderId: string, number = payout.number) {
	const result = await run({ ...payout, number, orderId });
	expect(result.error).toBeUndefined();
	return result.output[0].json;
}

describe('Get Payout Status', () => {
	it('by AliKassa id and by order_id, with isFinal', async () => {
		const created = await createPayout('status-1');
		const byId = await run(
			{ operation: 'getStatus', lookupBy: 'id', payoutId: '={{ $json.id }}' },
			[created],
		);
		expect(byId.error).toBeUndefined();
		expect(byId.output[0].json).toMatchObject({
			id: created.id,
			order_id: 'status-1',
			payment_status: 'wait',
			amount: '250.50',
			isFinal: false,
		});
		expect(byId.output[0].pairedItem).toEqual({ item: 0 });

		await new Promise((resolve) => setTimeout(resolve, 500));
		const byOrderId = await run({
			operation: 'getStatus',
			lookupBy: 'orderId',
			orderId: 'status-1',
		});
		expect(byOrderId.output[0].json).toMatchObject({
			id: created.id,
			payment_status: 'paid',
			isFinal: true,
		});
		expect(
			sandbox()
				.requests.filter((request) => request.path === '/v1/payout/status')
				.every((r) => r.signatureValid),
		).toBe(true);
	});

	it('an unknown payout is a clear "not found" for that item only', async () => {
		const created = await createPayout('status-2');
		const result = await runPayoutNode({
			parameters: { operation: 'getStatus', lookupBy: 'orderId', orderId: '={{ $json.order_id }}' },
			items: [{ order_id: 'no-such-order' }, created],
			credentials: sandboxCredentials(sandbox().url),
			onError: 'continueRegularOutput',
		});
		expect(result.output[0].json.error).toMatch(
			/AliKassa has no payout with order ID "no-such-order"/,
		);
		expect(result.output[0].json.order_id).toBe('no-such-order');
		expect(result.output[1].json).toMatchObject({ order_id: 'status-2', payment_status: 'wait' });
	});

	it('a payout id that is not a number is refused without asking', async () => {
		const result = await run({ operation: 'getStatus', lookupBy: 'id', payoutId: 'abc' });
		expect(result.error!.message).toMatch(/Payout ID must be AliKassa's numeric ID/);
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('Get Balance', () => {
	it('returns the account balance, signed over PHP json_encode([])', async () => {
		await createPayout('balance-1');
		const result = await run({ operation: 'getBalance' });
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			currency: 'RUB',
			balance: expect.any(String),
			hold: expect.any(String),
			rolling_reserve: expect.any(String),
			pending_payouts: '250.50',
		});
		const request = sandbox().requests.find(
			(candidate) => candidate.path === '/v1/account/balance',
		)!;
		expect(request.body).toBe('[]');
		expect(request.signatureValid).toBe(true);
	});
});

describe('Create Payout → Wait for Final Status', () => {
	it('polls until the status is final and returns it', async () => {
		const result = await run({
			...payout,
			orderId: 'wait-1',
			number: '4000000000000002',
			waitForFinalStatus: true,
			pollIntervalSeconds: 0.1,
			maxWaitSeconds: 10,
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toMatchObject({
			order_id: 'wait-1',
			payment_status: 'fail',
			isFinal: true,
		});
		expect(sandbox().requests.filter((request) => request.path === '/v1/payout')).toHaveLength(1);
	});

	it('at the maximum wait returns the last status with isFinal false and a note, not an error', async () => {
		const slowSandbox = await startSandbox({ quiet: true, finalAfterMs: 60_000 });
		try {
			const result = await runPayoutNode({
				parameters: {
					...payout,
					orderId: 'wait-2',
					waitForFinalStatus: true,
					pollIntervalSeconds: 0.2,
					maxWaitSeconds: 1,
				},
				credentials: sandboxCredentials(slowSandbox.url),
			});
			expect(result.error).toBeUndefined();
			expect(result.output[0].json).toMatchObject({
				order_id: 'wait-2',
				id: expect.any(Number),
				payment_status: 'wait',
				isFinal: false,
				note: expect.stringMatching(
					/The payout exists \(ID \d+\); check it later with Get Payout Status/,
				),
			});
		} finally {
			await slowSandbox.close();
		}
	});
});
