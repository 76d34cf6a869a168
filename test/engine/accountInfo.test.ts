import { expectSuccess, fromItem, payoutRunner, row } from '../support/payoutRows';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });
const { run, payoutRequests, sentOrderIds } = payoutRunner(sandbox);

const infoRequests = () =>
	sandbox().requests.filter((request) => request.path === '/v1/account/info');

const onlyCardRub = {
	payouts: [
		{ method: 'payment_card', currency: 'RUB', service_code: 'payment_card_rub', status: 'active' },
		{ method: 'qiwi', currency: 'RUB', service_code: 'qiwi_rub', status: 'disabled' },
	],
};

describe('account info in n8n’s engine against the sandbox', () => {
	it('Get Account Info gives one item per service with the allowed flags, signed over []', async () => {
		sandbox().setAccountInfo(sandbox().accountId, onlyCardRub);
		const result = await run({ parameters: { operation: 'getAccountInfo' } });
		expectSuccess(result);
		expect(result.output.map((item) => item.json)).toEqual([
			{
				kind: 'payout',
				service_code: 'payment_card_rub',
				method: 'payment_card',
				currency: 'RUB',
				status: 'active',
				enabled: true,
				is_allowed_payout: true,
				is_allowed_payment: true,
			},
			expect.objectContaining({ kind: 'payout', service_code: 'qiwi_rub', enabled: false }),
			expect.objectContaining({ kind: 'payment', service_code: 'payment_card_rub_hpp' }),
		]);
		expect(result.output.every((item) => item.pairedItem)).toBe(true);
		const [request] = infoRequests();
		expect(request.body).toBe('[]');
		expect(request.signatureValid).toBe(true);
	});

	it('a batch asks once, and a row with a service the account lacks is not sent', async () => {
		sandbox().setAccountInfo(sandbox().accountId, onlyCardRub);
		const result = await run({
			parameters: { ...fromItem },
			items: [row('svc-1'), row('svc-2', { service: 'qiwi_rub' }), row('svc-3')],
			onError: 'continueRegularOutput',
		});
		expect(infoRequests()).toHaveLength(1);
		// asked before any row was signed
		expect(sandbox().requests[0].path).toBe('/v1/account/info');
		expect(sentOrderIds()).toEqual(['svc-1', 'svc-3']);
		expect(result.output[0].json).toEqual(
			expect.objectContaining({ order_id: 'svc-1', id: expect.any(Number) }),
		);
		expect(result.output[0].json.serviceChecked).toBeUndefined();
		expect(result.output[1].json.error).toBe(
			'Not paid: Order ID "svc-2": the account has no enabled payout service qiwi_rub (enabled: payment_card_rub)',
		);
	});

	it('only Create Payout asks: Get Payout Status and Get Balance send their one request', async () => {
		const created = await run({ parameters: { ...fromItem }, items: [row('only-create-1')] });
		expectSuccess(created);
		expect(infoRequests()).toHaveLength(1);
		const status = await run({
			parameters: { operation: 'getStatus', lookupBy: 'orderId', orderId: 'only-create-1' },
		});
		expectSuccess(status);
		expectSuccess(await run({ parameters: { operation: 'getBalance' } }));
		expect(sandbox().requests.map((request) => request.path)).toEqual([
			'/v1/account/info',
			'/v1/payout',
			'/v1/payout/status',
			'/v1/account/balance',
		]);
	});

	it('a plain string Service (as saved before the list) and the list value both pay', async () => {
		const plain = await run({
			parameters: { ...fromItem, service: 'payment_card_sbp_rub' },
			items: [row('plain-1')],
		});
		expectSuccess(plain);
		const picked = await run({
			parameters: {
				...fromItem,
				service: { __rl: true, mode: 'list', value: 'payment_card_sbp_rub' },
			},
			items: [row('picked-1')],
		});
		expectSuccess(picked);
		expect(
			payoutRequests().map((request) => (JSON.parse(request.body) as { service: string }).service),
		).toEqual(['payment_card_sbp_rub', 'payment_card_sbp_rub']);
	});

	it('is_allowed_payout: false stops the batch before anything is sent', async () => {
		sandbox().setAccountInfo(sandbox().accountId, { is_allowed_payout: false });
		const result = await run({
			parameters: { ...fromItem },
			items: [row('deny-1'), row('deny-2')],
		});
		expect(result.error?.message).toMatch(
			/^Not paid: AliKassa says this account may not make payouts \(is_allowed_payout: false\)/,
		);
		expect(payoutRequests()).toHaveLength(0);
	});

	it('when account info cannot be read (a 500), the batch goes on and says nothing was checked', async () => {
		sandbox().injectFault({ kind: 'http500', path: '/v1/account/info', times: 10 });
		const result = await run({
			parameters: { ...fromItem },
			items: [row('un-1'), row('un-2')],
		});
		expectSuccess(result);
		expect(sentOrderIds()).toEqual(['un-1', 'un-2']);
		expect(result.output.map((item) => item.json.serviceChecked)).toEqual([false, false]);
	});
});
