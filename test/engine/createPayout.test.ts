import { readFileSync } from 'fs';
import { join } from 'path';

import type { IDataObject } from 'n8n-workflow';
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Fault } from '../../sandbox/types';
import { expectNoSecrets, sandboxCredentials } from '../../scripts/sandboxCredentials';
import { expectSuccess, fromItem, payoutRunner, row } from '../support/payoutRows';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });
const {
	run,
	everyRun,
	payoutRequests,
	sentOrderIds,
	creationsPerOrderId,
	serviceChecks,
	expectOnlyTheServiceCheck,
	failTheServiceCheck,
} = payoutRunner(sandbox);

describe('Create Payout in n8n’s engine against the sandbox', () => {
	it('sends one payout signed over exactly the bytes it sends, and returns id and payment_status', async () => {
		const result = await run({
			parameters: {
				operation: 'create',
				amount: 500,
				number: '79005554455',
				orderId: 'single-1',
				service: 'qiwi_rub',
			},
		});
		expectSuccess(result);
		expect(result.output).toHaveLength(1);
		const [item] = result.output;
		expect(item.json).toEqual({
			order_id: 'single-1',
			id: expect.any(Number),
			payment_status: 'wait',
		});
		expect(item.pairedItem).toEqual({ item: 0 });

		const [request] = payoutRequests();
		expect(request.body).toBe(
			'{"amount":"500.00","number":"79005554455","order_id":"single-1","service":"qiwi_rub"}',
		);
		expect(request.signatureValid).toBe(true);
		expect(request.signatureHash).toBe('sha1');
		expect(request.account).toBe(sandbox().accountId);
		expect(request.contentType).toMatch(/^application\/json/);
	});

	it('signs with SHA-256 when the credential asks for it', async () => {
		const result = await run({
			parameters: { ...fromItem },
			items: [row('sha256-1')],
			credentials: sandboxCredentials(sandbox().url, { signatureHash: 'sha256' }),
		});
		expectSuccess(result);
		expect(payoutRequests()[0].signatureHash).toBe('sha256');
	});

	it('escapes text the PHP way in what it signs and sends', async () => {
		const result = await run({
			parameters: {
				...fromItem,
				additionalFields: {
					cardHolder: 'Пётр “Q” / 🙂',
					notificationEndpointUrl: 'https://example.com/hook?x=1',
				},
			},
			items: [row('escape-1')],
		});
		expectSuccess(result);
		const [request] = payoutRequests();
		expect(request.signatureValid).toBe(true);
		expect(request.body).toContain(
			'"notification_endpoint_url":"https:\\/\\/example.com\\/hook?x=1","extra":{"card_holder":"\\u041f\\u0451\\u0442\\u0440 \\u201cQ\\u201d \\/ \\ud83d\\ude42"}',
		);
	});

	it('keeps input order and pairedItem across a concurrent batch', async () => {
		const items = Array.from({ length: 40 }, (_, index) =>
			row(`batch-${index}`, { amount: `${index + 1}.25` }),
		);
		const result = await run({
			parameters: { ...fromItem, options: { concurrency: 8 } },
			items,
		});
		expectSuccess(result);
		expect(result.output.map((item) => item.json.order_id)).toEqual(
			items.map((item) => item.order_id),
		);
		expect(result.output.map((item) => item.pairedItem)).toEqual(
			items.map((_, index) => ({ item: index })),
		);
		expect(new Set(result.output.map((item) => item.json.id)).size).toBe(40);
		expect(payoutRequests().every((request) => request.signatureValid)).toBe(true);
		expect(
			sandbox()
				.payouts()
				.map((payout) => payout.amount)
				.sort(),
		).toEqual(items.map((item) => Number(item.amount).toFixed(2)).sort());
	});

	it('turns a 400 into an error that names the fields and AliKassa’s words', async () => {
		// AliKassa itself must refuse: the check before the batch would have refused the row first
		failTheServiceCheck();
		const result = await run({
			parameters: { ...fromItem },
			items: [row('bad-service-1', { service: 'no_such_service' })],
		});
		expect(result.run.status).toBe('error');
		const error = result.error as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(
			/AliKassa refused the request: service: The selected service is invalid/,
		);
		expect(error.httpCode).toBe('400');
		expect(serviceChecks()).toHaveLength(1);
		expect(payoutRequests()).toHaveLength(1);
	});

	it('with Continue (regular output) gives one item per input, the failed one saying which order_id', async () => {
		// AliKassa itself must refuse: the check before the batch would have refused the row first
		failTheServiceCheck();
		const result = await run({
			parameters: { ...fromItem },
			items: [row('cof-1'), row('cof-2', { service: 'no_such_service' }), row('cof-3')],
			onError: 'continueRegularOutput',
		});
		expectSuccess(result);
		expect(result.output).toHaveLength(3);
		expect(result.output[0].json.payment_status).toBe('wait');
		expect(result.output[1].json).toMatchObject({
			order_id: 'cof-2',
			error: expect.stringMatching(/service: The selected service is invalid/),
			httpCode: '400',
		});
		expect(result.output[1].pairedItem).toEqual({ item: 1 });
		expect(result.output[2].json.payment_status).toBe('wait');
		// the check could not be made: the rows AliKassa paid say so
		expect(result.output[0].json.serviceChecked).toBe(false);
	});

	it('with Continue (error output) routes the failed item to the error branch, good items go on', async () => {
		const result = await run({
			parameters: { ...fromItem, amount: '={{ $json.amount }}' },
			items: [
				row('eo-1'),
				row('eo-2', { amount: '10.005' }),
				row('eo-3', { service: 'no_such_service' }),
				row('eo-4'),
			],
			onError: 'continueErrorOutput',
		});
		expectSuccess(result);
		expect(result.output.map((item) => item.json.order_id)).toEqual(['eo-1', 'eo-4']);
		expect(result.output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		// the error output carries the failed row itself plus the message, which names the order
		expect(result.errorOutput.map((item) => item.json)).toEqual([
			{
				...row('eo-2', { amount: '10.005' }),
				error: expect.stringMatching(
					/^Not paid: Order ID "eo-2": Amount "10.005" has more than 2 decimals/,
				),
			},
			{
				...row('eo-3', { service: 'no_such_service' }),
				error: expect.stringMatching(
					/^Not paid: Order ID "eo-3": the account has no enabled payout service no_such_service \(enabled: payment_card_eur, /,
				),
			},
		]);
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		// asked once for the whole run; the refused rows were never sent
		expect(serviceChecks()).toHaveLength(1);
		expect(sentOrderIds()).toEqual(['eo-1', 'eo-4']);
	});
});

describe('bad input: a clear error and nothing sent', () => {
	const badItems: Array<[string, IDataObject, RegExp]> = [
		[
			'amount with 3 decimals',
			row('x1', { amount: '10.005' }),
			/Amount "10.005" has more than 2 decimals/,
		],
		['amount with a comma', row('x2', { amount: '1,000.00' }), /comma/],
		['negative amount', row('x3', { amount: -5 }), /not a positive decimal/],
		['zero amount', row('x4', { amount: 0 }), /above 0/],
		['amount above the maximum', row('x5', { amount: '1000000000' }), /above the maximum/],
		['empty number', row('x6', { number: '' }), /Number is empty/],
		['order_id too long', row('y'.repeat(129)), /129 characters long; AliKassa allows at most 128/],
		['empty order_id', row(''), /Order ID is empty/],
		['service too long', row('x7', { service: 's'.repeat(101) }), /at most 100/],
	];

	it.each(badItems)('%s', async (_name, item, message) => {
		const result = await run({ parameters: { ...fromItem }, items: [item] });
		expect(result.run.status).toBe('error');
		expect(result.error!.name).toBe('NodeOperationError');
		expect(result.error!.message).toMatch(/^Not paid: /);
		expect(result.error!.message).toMatch(message);
		expect((result.error as NodeOperationError).description).toMatch(/Nothing was sent/);
		expectOnlyTheServiceCheck();
	});

	it('a non-integer notification endpoint id', async () => {
		const result = await run({
			parameters: {
				...fromItem,
				additionalFields: { notificationEndpointId: 2.5 },
			},
			items: [row('x8')],
		});
		expect(result.error!.message).toMatch(/whole positive number/);
		expectOnlyTheServiceCheck();
	});

	it('the same order_id twice in one run: the second is refused without sending', async () => {
		const result = await run({
			parameters: { ...fromItem },
			items: [row('twice'), row('other'), row('twice')],
			onError: 'continueRegularOutput',
		});
		expectSuccess(result);
		expect(result.output[2].json.error).toMatch(
			/^Not paid: Order ID "twice": the order ID is used twice in this run \(items 0 and 2\)/,
		);
		expect(sentOrderIds()).toEqual(['other', 'twice']);
	});

	const badCredentials: Array<[string, Partial<Record<string, string>>, RegExp]> = [
		['an account id that is not a UUID', { accountId: '12345' }, /Account ID is not a UUID/],
		[
			'a wrong password',
			{ password: 'not-the-password' },
			/password does not open this private key/,
		],
		['no password', { password: '' }, /protected by a password/],
		[
			'the public key pasted as the private key',
			{ privateKey: readFileSync(join(__dirname, '../../sandbox/cert/payout/public.pem'), 'utf8') },
			/This is a public key/,
		],
		['garbage pasted as the key', { privateKey: 'hello world' }, /not a PEM key/],
	];

	it.each(badCredentials)('%s', async (_name, overrides, message) => {
		const result = await run({
			parameters: { ...fromItem },
			items: [row('cred-1')],
			credentials: sandboxCredentials(sandbox().url, overrides),
		});
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(/^Not paid: AliKassa credential: /);
		expect(result.error!.message).toMatch(message);
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('faults: a clear per-item error, and never a payout twice', () => {
	const fastOptions = { options: { timeoutSeconds: 1 } };

	async function createWithFault(fault: Fault, orderId: string, overrides: IDataObject = {}) {
		sandbox().injectFault({ path: '/v1/payout', ...fault });
		return await run({
			parameters: { ...fromItem, ...fastOptions },
			items: [row(orderId, overrides)],
		});
	}

	it.each([
		['timeout', 'before', false],
		['timeout', 'after', true],
		['reset', 'before', false],
		['reset', 'after', true],
		['http500', 'before', false],
		['http502', 'after', true],
		['http503', 'after', true],
		['garbage', 'after', true],
	] as const)('%s %s the payout is made: one creation, found=%p', async (kind, when, found) => {
		const orderId = `fault-${kind}-${when}`;
		const result = await createWithFault({ kind, when }, orderId);
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: orderId, payment_status: 'wait' });
		expect(Boolean(result.output[0].json.found)).toBe(found);
		expect(creationsPerOrderId().get(orderId)).toBe(1);
		expect(sandbox().requests.some((request) => request.path === '/v1/payout/status')).toBe(true);
	});

	it('a status lookup that meets a fault is asked again before anything is re-sent', async () => {
		sandbox().injectFault({ kind: 'http503', path: '/v1/payout/status', times: 1 });
		const result = await createWithFault({ kind: 'reset', when: 'after' }, 'lookup-retry-1');
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: 'lookup-retry-1', found: true });
		expect(payoutRequests()).toHaveLength(1);
		expect(creationsPerOrderId().get('lookup-retry-1')).toBe(1);
	});

	it('when AliKassa cannot be asked, the error says the outcome is unknown and nothing is re-sent', async () => {
		sandbox().injectFault({ kind: 'http503', path: '/v1/payout/status', times: 100 });
		const result = await createWithFault({ kind: 'reset', when: 'after' }, 'unknown-1');
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "unknown-1": The connection to AliKassa broke during v1\/payout, and AliKassa could not be asked whether it has the payout \(AliKassa answered HTTP 503.*\)\. AliKassa may have taken it: running the same batch again is safe/,
		);
		expect(payoutRequests()).toHaveLength(1);
	});

	it('a 429 that came after AliKassa took the payout: the re-send is refused, the payout found', async () => {
		const result = await createWithFault(
			{ kind: 'http429', when: 'after', retryAfterSeconds: 0 },
			'rate-after-1',
		);
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: 'rate-after-1', found: true });
		expect(creationsPerOrderId().get('rate-after-1')).toBe(1);
	});

	it('an older payout that reused the order_id is not taken for this one', async () => {
		await run({ parameters: { ...fromItem }, items: [row('reused-1')] });
		const result = await createWithFault({ kind: 'timeout', when: 'before' }, 'reused-1', {
			amount: '600.00',
		});
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Not paid: Order ID "reused-1": the order ID belongs to a different payout at AliKassa \(ID \d+, amount 500.00, not 600.00\)/,
		);
		expect(creationsPerOrderId().get('reused-1')).toBe(1);
	});

	it('429 waits for Retry-After and sends again', async () => {
		const started = Date.now();
		const result = await createWithFault({ kind: 'http429', retryAfterSeconds: 1 }, 'rate-1');
		expectSuccess(result);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(payoutRequests()).toHaveLength(2);
		expect(creationsPerOrderId().get('rate-1')).toBe(1);
	});

	it('a 5xx that persists stays "Outcome unknown" after a last lookup that finds nothing', async () => {
		const result = await createWithFault({ kind: 'http503', times: 100 }, 'down-1');
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "down-1": AliKassa answered HTTP 503: Service Unavailable; gave up after 3 attempts; AliKassa had no payout with this order ID 1 s after the last attempt/,
		);
		expect((result.error as NodeApiError).httpCode).toBe('503');
		expect(creationsPerOrderId().get('down-1')).toBeUndefined();
	});

	it('a timeout that persists, with Continue On Fail, gives an error item for that order_id only', async () => {
		sandbox().injectFault({ kind: 'timeout', path: '/v1/payout', times: 100 });
		const result = await run({
			parameters: {
				...fromItem,
				...fastOptions,
				options: { timeoutSeconds: 1, concurrency: 1 },
			},
			items: [row('slow-1')],
			onError: 'continueRegularOutput',
		});
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({
			order_id: 'slow-1',
			error: expect.stringMatching(
				/^Outcome unknown: Order ID "slow-1": AliKassa did not answer v1\/payout within 1 s; gave up after 3 attempts; AliKassa had no payout with this order ID 1 s after the last attempt/,
			),
		});
	}, 30_000);

	it('an unreachable AliKassa is a clear error', async () => {
		const result = await run({
			parameters: { ...fromItem },
			items: [row('offline-1')],
			credentials: sandboxCredentials('http://127.0.0.1:9'),
		});
		expect(result.error!.message).toMatch(/Cannot reach AliKassa; nothing was sent/);
		expect(result.error!.description).toMatch(/ECONNREFUSED/);
	});
});

describe('secrets', () => {
	it('no output, error or recorded request of any run above contains the key or the password', () => {
		expect(everyRun.length).toBeGreaterThan(20);
		for (const result of everyRun) {
			expectNoSecrets(JSON.stringify(result.run));
			expectNoSecrets(JSON.stringify(result.output));
			if (result.error)
				expectNoSecrets(
					`${result.error.message} ${String((result.error as NodeApiError).description)} ${result.error.stack}`,
				);
		}
		expectNoSecrets(JSON.stringify(sandbox().requests));
	});
});
