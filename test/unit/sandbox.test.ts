import {
	createPrivateKey,
	createPublicKey,
	generateKeyPairSync,
	sign,
	verify,
	type KeyObject,
} from 'crypto';
import { readFileSync } from 'fs';
import http, { type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';

import { phpJsonEncode, type PhpJsonValue } from '../../nodes/AliKassa/core/phpJson';
import {
	SANDBOX_ACCOUNT_ID,
	SANDBOX_EUR_ACCOUNT_ID,
	sandboxCertDir,
	startSandbox,
	type FaultKind,
	type Sandbox,
	type SandboxOptions,
} from '../../sandbox/server';

const certDir = sandboxCertDir();
const payoutKey = createPrivateKey({
	key: readFileSync(join(certDir, 'payout', 'private.pem')),
	passphrase: readFileSync(join(certDir, 'payout', 'password.txt')),
});
const payoutPublicPem = readFileSync(join(certDir, 'payout', 'public.pem'), 'utf8');
const notificationsPublicKey = createPublicKey(
	readFileSync(join(certDir, 'notifications', 'public.pem')),
);

interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
}

interface CallOptions {
	method?: string;
	account?: string | null;
	/** null sends no Sign header; left out, the body is signed with `key` and `hash`. */
	sign?: string | null;
	key?: KeyObject;
	hash?: 'sha1' | 'sha256';
	contentType?: string | null;
	timeoutMs?: number;
}

function httpCall(
	url: string,
	method: string,
	headers: Record<string, string>,
	body: string,
	timeoutMs?: number,
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method, headers, agent: false }, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (text += chunk));
			response.on('end', () =>
				resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
			);
			response.on('error', reject);
		});
		if (timeoutMs !== undefined) {
			request.setTimeout(timeoutMs, () => request.destroy(new Error('client timeout')));
		}
		request.on('error', reject);
		request.end(body);
	});
}

function signature(body: string, key: KeyObject = payoutKey, hash = 'sha1'): string {
	return sign(hash, Buffer.from(body), key).toString('base64');
}

/** A request as AliKassa's PHP sample makes it: PHP json_encode bytes, signed as sent. */
function api(
	target: Sandbox,
	path: string,
	body: PhpJsonValue,
	options: CallOptions = {},
): Promise<Reply> {
	return rawApi(target, path, phpJsonEncode(body), options);
}

function rawApi(target: Sandbox, path: string, text: string, options: CallOptions = {}) {
	const headers: Record<string, string> = {};
	const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
	const account = options.account === undefined ? target.accountId : options.account;
	const signValue =
		options.sign === undefined ? signature(text, options.key, options.hash) : options.sign;
	if (contentType !== null) headers['Content-Type'] = contentType;
	if (account !== null) headers.Account = account;
	if (signValue !== null) headers.Sign = signValue;
	return httpCall(
		`${target.url}/${path}`,
		options.method ?? 'POST',
		headers,
		text,
		options.timeoutMs,
	);
}

function json(reply: Reply): Record<string, unknown> {
	return JSON.parse(reply.text);
}

let orderCounter = 0;
function payout(overrides: Record<string, PhpJsonValue> = {}): Record<string, PhpJsonValue> {
	orderCounter += 1;
	return {
		order_id: `order-${orderCounter}`,
		amount: 500,
		number: '4111111111111111',
		service: 'payment_card_rub',
		...overrides,
	};
}

async function createdId(target: Sandbox, body = payout(), options: CallOptions = {}) {
	const reply = await api(target, 'v1/payout', body, options);
	expect(reply.status).toBe(200);
	return json(reply).id as number;
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const openSandboxes: Sandbox[] = [];
async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
	const started = await startSandbox({ quiet: true, ...options });
	openSandboxes.push(started);
	return started;
}

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await sandboxWith({ finalAfterMs: 60_000 });
});

beforeEach(() => sandbox.reset());

afterAll(async () => {
	await Promise.all(openSandboxes.map((each) => each.close()));
});

describe('signed requests', () => {
	it('accepts a payout signed like the PHP sample and records the raw body', async () => {
		const body = payout({ notification_endpoint_id: 5, service: 'qiwi_rub' });
		const reply = await api(sandbox, 'v1/payout', body);
		expect(reply.status).toBe(200);
		expect(reply.text).toBe('{"payment_status":"wait","id":100001524}');
		expect(sandbox.requests).toEqual([
			expect.objectContaining({
				method: 'POST',
				path: '/v1/payout',
				account: SANDBOX_ACCOUNT_ID,
				body: phpJsonEncode(body),
				contentType: 'application/json',
				signatureValid: true,
				signatureHash: 'sha1',
				status: 200,
				fault: null,
			}),
		]);
		expect(await createdId(sandbox)).toBe(100001525);
	});

	it('accepts SHA-256 signatures and records which hash was used', async () => {
		await createdId(sandbox, payout(), { hash: 'sha256' });
		expect(sandbox.requests[0].signatureHash).toBe('sha256');
	});

	it('verifies the bytes as sent, without parsing and re-encoding them', async () => {
		const escaped = payout({
			order_id: 'Заказ/1',
			notification_endpoint_url: 'https://example.com/hook',
		});
		await createdId(sandbox, escaped);
		const stringified = JSON.stringify(payout({ order_id: 'Заказ/2' }));
		expect((await rawApi(sandbox, 'v1/payout', stringified)).status).toBe(200);
		expect(sandbox.requests.map((request) => request.body)).toEqual([
			phpJsonEncode(escaped),
			stringified,
		]);
		expect(sandbox.payouts().map((each) => each.orderId)).toEqual(['Заказ/1', 'Заказ/2']);
	});

	const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
	const refusals: Array<[string, (body: string) => CallOptions, number, string]> = [
		['a signature by another key', () => ({ key: otherKey }), 403, 'Invalid sign.'],
		[
			'a body altered after signing',
			(body) => ({ sign: signature(body.replace('500', '501')) }),
			403,
			'Invalid sign.',
		],
		['a Sign that is not base64 of a signature', () => ({ sign: 'abc' }), 403, 'Invalid sign.'],
		['no Sign header', () => ({ sign: null }), 403, 'Sign is required.'],
		[
			'an unknown account',
			() => ({ account: '00000000-0000-0000-0000-000000000000' }),
			401,
			'Account not found.',
		],
		['no Account header', () => ({ account: null }), 401, 'Account not found.'],
	];

	it.each(refusals)('refuses %s and creates nothing', async (_name, options, status, message) => {
		const body = phpJsonEncode(payout());
		const reply = await rawApi(sandbox, 'v1/payout', body, options(body));
		expect([reply.status, json(reply)]).toEqual([status, { message }]);
		expect(sandbox.payouts()).toHaveLength(0);
		expect(sandbox.requests[0]).toMatchObject({
			signatureValid: false,
			signatureHash: null,
			status,
		});
	});

	it('checks the signature before anything else in the body', async () => {
		const reply = await rawApi(sandbox, 'v1/payout', 'not json', { sign: signature('other') });
		expect(json(reply)).toEqual({ message: 'Invalid sign.' });
	});

	it('answers unknown paths 404 and other methods 405, as Laravel does', async () => {
		const missing = await api(sandbox, 'v1/nothing', {});
		expect([missing.status, json(missing)]).toEqual([
			404,
			{ message: 'The route v1/nothing could not be found.' },
		]);
		const wrongMethod = await rawApi(sandbox, 'v1/payout', '', { method: 'GET' });
		expect([wrongMethod.status, json(wrongMethod).message]).toEqual([
			405,
			'The GET method is not supported for this route. Supported methods: POST.',
		]);
	});
});

describe('payout validation', () => {
	async function errorsFor(body: PhpJsonValue, options: CallOptions = {}) {
		const reply = await api(sandbox, 'v1/payout', body, options);
		expect(reply.status).toBe(400);
		const answer = json(reply);
		expect(answer.message).toBe('The given data was invalid.');
		return answer.errors;
	}

	it('names every missing required field at once', async () => {
		expect(await errorsFor({})).toEqual({
			amount: ['The amount field is required.'],
			number: ['The number field is required.'],
			order_id: ['The order id field is required.'],
			service: ['The service field is required.'],
		});
		expect(await errorsFor([])).toHaveProperty('amount');
	});

	it('gives each wrong field its Laravel message', async () => {
		const errors = await errorsFor({
			amount: 'abc',
			number: 79005554455,
			order_id: 'x'.repeat(129),
			service: 'bitcoin',
			notification_endpoint_id: 'five',
			notification_endpoint_url: 'not a url',
			extra: 'none',
		});
		expect(errors).toEqual({
			amount: ['The amount must be a number.'],
			number: ['The number must be a string.'],
			order_id: ['The order id may not be greater than 128 characters.'],
			service: ['The selected service is invalid.'],
			notification_endpoint_id: ['The notification endpoint id must be an integer.'],
			notification_endpoint_url: ['The notification endpoint url format is invalid.'],
			extra: ['The extra must be an array.'],
		});
	});

	it.each([
		[-5, 'The amount must be greater than 0.'],
		['0.00', 'The amount must be greater than 0.'],
		['10.005', 'The amount format is invalid.'],
		[0.1 + 0.2, 'The amount format is invalid.'],
		['1e3', 'The amount format is invalid.'],
		['1000000000', 'The amount may not be greater than 999999999.99.'],
	])('refuses the amount %p', async (amount, message) => {
		expect(await errorsFor(payout({ amount }))).toEqual({ amount: [message] });
	});

	it.each([500, 1000.44, '1000.44', '0.01', '999999999.99'])(
		'takes the amount %p as a number or text',
		async (amount) => {
			const rich = await sandboxWith({
				accounts: [
					{
						id: SANDBOX_ACCOUNT_ID,
						publicKeyPem: payoutPublicPem,
						currency: 'RUB',
						balance: '999999999.99',
					},
				],
			});
			await createdId(rich, payout({ amount }));
			expect(rich.payouts()[0].amount).toBe(Number(amount).toFixed(2));
			await rich.close();
		},
	);

	it('counts order id length in characters, not bytes', async () => {
		await createdId(sandbox, payout({ order_id: 'ж'.repeat(128) }));
	});

	it('refuses an order id already used by the account, not by another account', async () => {
		const body = payout();
		await createdId(sandbox, body);
		expect(await errorsFor(body)).toEqual({ order_id: ['The order id has already been taken.'] });
		const euroBody = {
			...body,
			service: 'payment_card_eur',
			extra: {
				card_exp_year: '27',
				card_exp_month: '01',
				card_holder: 'JOHN DOE',
				card_country: 'DE',
				card_recipient_birth_date: '1999-12-15',
			},
		};
		await createdId(sandbox, euroBody, { account: SANDBOX_EUR_ACCOUNT_ID });
	});

	it('requires the card details of extra for an EUR account', async () => {
		const euro = { account: SANDBOX_EUR_ACCOUNT_ID };
		expect(await errorsFor(payout({ service: 'payment_card_eur' }), euro)).toEqual({
			extra: ['The extra field is required.'],
			'extra.card_exp_year': ['The extra.card exp year field is required.'],
			'extra.card_exp_month': ['The extra.card exp month field is required.'],
			'extra.card_holder': ['The extra.card holder field is required.'],
			'extra.card_country': ['The extra.card country field is required.'],
			'extra.card_recipient_birth_date': ['The extra.card recipient birth date field is required.'],
		});
		const wrongExtra = {
			card_exp_year: '2027',
			card_exp_month: '13',
			card_holder: 'JOHN DOE',
			card_country: 'DEU',
			card_recipient_birth_date: '1999-02-30',
		};
		expect(
			await errorsFor(payout({ service: 'payment_card_eur', extra: wrongExtra }), euro),
		).toEqual({
			'extra.card_exp_year': ['The extra.card exp year must be 2 characters.'],
			'extra.card_exp_month': ['The extra.card exp month format is invalid.'],
			'extra.card_country': ['The extra.card country must be 2 characters.'],
			'extra.card_recipient_birth_date': [
				'The extra.card recipient birth date does not match the format Y-m-d.',
			],
		});
	});

	it('runs the rules on a null that was sent, as Laravel does without nullable', async () => {
		expect(await errorsFor(payout({ notification_endpoint_id: null }))).toEqual({
			notification_endpoint_id: ['The notification endpoint id must be an integer.'],
		});
	});

	it('refuses a body that is not JSON', async () => {
		const reply = await rawApi(sandbox, 'v1/payout', '{"amount":');
		expect(json(reply)).toEqual({
			message: 'The given data was invalid.',
			errors: { body: ['The body must be valid JSON.'] },
		});
	});

	it('sees no fields without a JSON Content-Type, as Laravel does', async () => {
		const reply = await api(sandbox, 'v1/payout', payout(), { contentType: null });
		expect(Object.keys(json(reply).errors as object)).toEqual([
			'amount',
			'number',
			'order_id',
			'service',
		]);
	});

	it('refuses a payout above the balance, and debits the balance otherwise', async () => {
		const poor = await sandboxWith({
			accounts: [
				{
					id: SANDBOX_ACCOUNT_ID,
					publicKeyPem: payoutPublicPem,
					currency: 'RUB',
					balance: '100.00',
				},
			],
		});
		const tooMuch = await api(poor, 'v1/payout', payout({ amount: '100.01' }));
		expect([tooMuch.status, json(tooMuch).errors]).toEqual([
			400,
			{ amount: ['Insufficient funds.'] },
		]);
		await createdId(poor, payout({ amount: '100.00' }));
		const balance = json(await api(poor, 'v1/account/balance', []));
		expect(balance).toMatchObject({ balance: '0.00', pending_payouts: '100.00' });
		await poor.close();
	});
});

describe('payout status and balance', () => {
	it('answers the status by id and by order_id, with every documented field', async () => {
		const body = payout({ amount: '500', number: '4111111111111111' });
		const id = await createdId(sandbox, body);
		const expected = {
			order_id: body.order_id,
			id,
			payment_status: 'wait',
			card_mask: '411111******1111',
			amount: '500.00',
			payment_amount: '500.00',
			is_partial_payment: false,
			account_payment_amount: '500.00',
			commission_amount: '0.00',
			service_code: 'payment_card_rub',
			RRN: null,
			account_old_balance: '1000000.00',
			account_new_balance: '999500.00',
		};
		expect(json(await api(sandbox, 'v1/payout/status', { id }))).toEqual(expected);
		expect(json(await api(sandbox, 'v1/payout/status', { order_id: body.order_id }))).toEqual(
			expected,
		);
	});

	it('masks a phone number for wallet services', async () => {
		const id = await createdId(sandbox, payout({ number: '79005554455', service: 'qiwi_rub' }));
		expect(json(await api(sandbox, 'v1/payout/status', { id })).card_mask).toBe('7900*****55');
	});

	it('needs id or order_id, and answers 404 for a payout it does not know', async () => {
		const missingKey = await api(sandbox, 'v1/payout/status', {});
		expect([missingKey.status, json(missingKey).errors]).toEqual([
			400,
			{ id: ['The id field is required when order id is not present.'] },
		]);
		const unknown = await api(sandbox, 'v1/payout/status', { id: 1 });
		expect([unknown.status, json(unknown)]).toEqual([404, { message: 'Payout not found.' }]);
	});

	it('does not show one account the payouts of another', async () => {
		const id = await createdId(sandbox);
		const reply = await api(
			sandbox,
			'v1/payout/status',
			{ id },
			{ account: SANDBOX_EUR_ACCOUNT_ID },
		);
		expect(reply.status).toBe(404);
	});

	it('answers the balance to [] and {} bodies, counting waiting payouts', async () => {
		const empty = json(await api(sandbox, 'v1/account/balance', []));
		expect(empty).toEqual({
			currency: 'RUB',
			balance: '1000000.00',
			hold: '0.00',
			rolling_reserve: '0.00',
			pending_payouts: '0.00',
		});
		await createdId(sandbox, payout({ amount: '1000.44' }));
		expect(json(await rawApi(sandbox, 'v1/account/balance', '{}'))).toMatchObject({
			balance: '998999.56',
			pending_payouts: '1000.44',
		});
		expect(
			json(await api(sandbox, 'v1/account/balance', [], { account: SANDBOX_EUR_ACCOUNT_ID })),
		).toMatchObject({ currency: 'EUR', balance: '1000000.00' });
	});

	it('turns payouts final after finalAfterMs, magic numbers failing or cancelling', async () => {
		const quick = await sandboxWith({ finalAfterMs: 100 });
		const paid = await createdId(quick, payout({ number: '4111111111111111' }));
		const failed = await createdId(quick, payout({ number: '4111111111110002' }));
		const cancelled = await createdId(
			quick,
			payout({ number: '79000000010', service: 'qiwi_rub' }),
		);
		const statusOf = async (id: number) => json(await api(quick, 'v1/payout/status', { id }));
		expect((await statusOf(paid)).payment_status).toBe('wait');
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(await statusOf(paid)).toMatchObject({ payment_status: 'paid', RRN: '000100001524' });
		expect((await statusOf(failed)).payment_status).toBe('fail');
		expect((await statusOf(cancelled)).payment_status).toBe('cancel');
		expect(json(await api(quick, 'v1/account/balance', []))).toMatchObject({
			balance: '999500.00',
			pending_payouts: '0.00',
		});
	});

	it('settles a due payout when it is read, even before its timer fired', async () => {
		const clock = jest.spyOn(Date, 'now');
		try {
			const id = await createdId(sandbox);
			clock.mockReturnValue(Date.now() + 60_001);
			expect(json(await api(sandbox, 'v1/payout/status', { id })).payment_status).toBe('paid');
		} finally {
			clock.mockRestore();
		}
	});

	it('uses finalStatus for ordinary numbers, and finalize() overrides both', async () => {
		const failing = await sandboxWith({ finalStatus: 'fail', finalAfterMs: 60_000 });
		const ordinary = await createdId(failing);
		const forced = await createdId(failing);
		await failing.finalize(ordinary);
		await failing.finalize(forced, 'paid');
		await failing.finalize(forced, 'cancel');
		expect(failing.payouts().map((each) => each.status)).toEqual(['fail', 'paid']);
		await expect(failing.finalize(1)).rejects.toThrow('Payout 1 not found');
	});
});

describe('faults seen by a plain HTTP client', () => {
	const answering: Array<[FaultKind, number, RegExp]> = [
		['http500', 500, /^application\/json/],
		['http502', 502, /^text\/html/],
		['http503', 503, /^application\/json/],
		['http429', 429, /^application\/json/],
		['garbage', 200, /^text\/html/],
		['notPayout', 200, /^application\/json/],
	];

	describe.each(['before', 'after'] as const)('%s processing', (when) => {
		const createsPayout = when === 'after';

		it.each(answering)('%s answers %d', async (kind, status, contentType) => {
			sandbox.injectFault({ kind, when, retryAfterSeconds: 7 });
			const reply = await api(sandbox, 'v1/payout', payout());
			expect(reply.status).toBe(status);
			expect(reply.headers['content-type']).toMatch(contentType);
			if (kind === 'http429') {
				expect(reply.headers['retry-after']).toBe('7');
				expect(json(reply)).toEqual({ message: 'Too Many Attempts.' });
			}
			if (kind === 'garbage') expect(() => JSON.parse(reply.text)).toThrow();
			if (kind === 'notPayout') expect(json(reply)).not.toHaveProperty('id');
			expect(sandbox.payouts()).toHaveLength(createsPayout ? 1 : 0);
			expect(sandbox.requests[0]).toMatchObject({ status, fault: kind, signatureValid: true });
		});

		it('reset breaks the connection', async () => {
			sandbox.injectFault({ kind: 'reset', when });
			await expect(api(sandbox, 'v1/payout', payout())).rejects.toMatchObject({
				code: 'ECONNRESET',
			});
			expect(sandbox.payouts()).toHaveLength(createsPayout ? 1 : 0);
			expect(sandbox.requests[0]).toMatchObject({ status: null, fault: 'reset' });
		});

		it('timeout never answers', async () => {
			sandbox.injectFault({ kind: 'timeout', when });
			await expect(api(sandbox, 'v1/payout', payout(), { timeoutMs: 200 })).rejects.toThrow(
				'client timeout',
			);
			expect(sandbox.payouts()).toHaveLength(createsPayout ? 1 : 0);
			expect(sandbox.requests[0]).toMatchObject({ status: null, fault: 'timeout' });
		});

		it('latency delays the normal answer', async () => {
			sandbox.injectFault({ kind: 'latency', when, delayMs: 150 });
			const started = Date.now();
			const reply = await api(sandbox, 'v1/payout', payout());
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
			expect(reply.status).toBe(200);
			expect(sandbox.requests[0]).toMatchObject({ status: 200, fault: 'latency' });
		});
	});

	it('latency before processing makes a payout land after its client gave up', async () => {
		sandbox.injectFault({ kind: 'latency', path: 'v1/payout', delayMs: 300 });
		const sentAt = Date.now();
		await expect(api(sandbox, 'v1/payout', payout(), { timeoutMs: 100 })).rejects.toThrow(
			'client timeout',
		);
		expect(sandbox.payouts()).toHaveLength(0);
		await waitFor(() => sandbox.payouts().length === 1);
		expect(sandbox.payouts()[0].createdAt - sentAt).toBeGreaterThanOrEqual(290);
	});

	it('matches faults by path and counts down times', async () => {
		sandbox.injectFault({ kind: 'http503', path: 'v1/payout/status', times: 2 });
		const id = await createdId(sandbox);
		const statuses = [];
		for (let attempt = 0; attempt < 3; attempt++) {
			statuses.push((await api(sandbox, 'v1/payout/status', { id })).status);
		}
		expect(statuses).toEqual([503, 503, 200]);
	});

	it('clearFaults() drops the queued faults', async () => {
		sandbox.injectFault({ kind: 'http500', times: 5 });
		sandbox.clearFaults();
		expect((await api(sandbox, 'v1/account/balance', [])).status).toBe(200);
	});

	it('refuses a fault it does not know', () => {
		expect(() => sandbox.injectFault({ kind: 'meteor' as FaultKind })).toThrow(/fault kind/);
		expect(() => sandbox.injectFault({ kind: 'http500', times: 0 })).toThrow(/times/);
	});

	it('delays every answer by latencyMs', async () => {
		const slow = await sandboxWith({ latencyMs: 120 });
		const started = Date.now();
		await api(slow, 'v1/account/balance', []);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	it('draws random faults from the seed, the same on every run', async () => {
		const options = { faultRate: 0.5, faultKinds: ['http500', 'http503'] as FaultKind[], seed: 42 };
		const runs: Array<Array<number>> = [];
		for (const target of [await sandboxWith(options), await sandboxWith(options)]) {
			const statuses = [];
			for (let attempt = 0; attempt < 12; attempt++) {
				statuses.push((await api(target, 'v1/account/balance', [])).status);
			}
			runs.push(statuses);
		}
		expect(runs[0]).toEqual(runs[1]);
		expect(new Set(runs[0])).toEqual(new Set([200, 500, 503]));
	});
});

async function startReceiver(status = 200) {
	const received: URL[] = [];
	const server = http.createServer((request, response) => {
		received.push(new URL(request.url ?? '/', 'http://receiver'));
		response.writeHead(status).end('OK');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/alikassa/hook`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('notifications', () => {
	it('calls the URL with the documented fields, signed by the notifications key', async () => {
		const receiver = await startReceiver();
		try {
			const body = payout({ amount: '1000.44', notification_endpoint_url: receiver.url });
			const id = await createdId(sandbox, body);
			await sandbox.finalize(id);
			expect(receiver.received).toHaveLength(1);
			const query = Object.fromEntries(receiver.received[0].searchParams);
			expect(receiver.received[0].pathname).toBe('/alikassa/hook');
			expect(query).toEqual({
				type: 'payout',
				id: String(id),
				order_id: body.order_id,
				payment_status: 'paid',
				amount: '1000.44',
				payment_amount: '1000.44',
				commission_amount: '0.00',
				is_partial_payment: '0',
				account: SANDBOX_ACCOUNT_ID,
				service: 'payment_card_rub',
				desc: `Выплата ${body.order_id}`,
				sign: expect.any(String),
			});
			// Exactly what AliKassa's PHP sample verifies: json_encode of the ordered fields, id as int.
			const signed = phpJsonEncode({
				type: query.type,
				id: Number(query.id),
				order_id: query.order_id,
				payment_status: query.payment_status,
				amount: query.amount,
				payment_amount: query.payment_amount,
				commission_amount: query.commission_amount,
				is_partial_payment: query.is_partial_payment,
				account: query.account,
				service: query.service,
				desc: query.desc,
			});
			const sign = Buffer.from(query.sign, 'base64');
			expect(verify('sha1', Buffer.from(signed), notificationsPublicKey, sign)).toBe(true);
			const { sign: _sign, ...fields } = query;
			const asJavaScriptEncodes = JSON.stringify({ ...fields, id: Number(fields.id) });
			expect(verify('sha1', Buffer.from(asJavaScriptEncodes), notificationsPublicKey, sign)).toBe(
				false,
			);
			expect(sandbox.notifications).toEqual([
				{ url: receiver.url, query, status: 200, error: null },
			]);
		} finally {
			await receiver.close();
		}
	});

	it('notifies when the timer makes it final, recording the receiver’s status', async () => {
		const quick = await sandboxWith({ finalAfterMs: 50 });
		const receiver = await startReceiver(500);
		try {
			await createdId(
				quick,
				payout({ number: '4111111111110002', notification_endpoint_url: receiver.url }),
			);
			await waitFor(() => quick.notifications.length === 1);
			expect(quick.notifications[0]).toMatchObject({ status: 500, error: null });
			expect(quick.notifications[0].query.payment_status).toBe('fail');
		} finally {
			await receiver.close();
		}
	});

	it('records an unreachable receiver as an error, once', async () => {
		const receiver = await startReceiver();
		await receiver.close();
		const id = await createdId(sandbox, payout({ notification_endpoint_url: receiver.url }));
		await sandbox.finalize(id);
		expect(sandbox.notifications).toEqual([
			expect.objectContaining({ status: null, error: expect.stringMatching(/ECONNREFUSED/) }),
		]);
	});

	it('sends nothing for a payout without notification_endpoint_url', async () => {
		const id = await createdId(sandbox, payout({ notification_endpoint_id: 5 }));
		await sandbox.finalize(id);
		expect(sandbox.notifications).toEqual([]);
	});
});

describe('control API', () => {
	function control(method: string, path: string, body?: unknown) {
		return httpCall(
			`${sandbox.url}/_sandbox/${path}`,
			method,
			{ 'Content-Type': 'application/json' },
			body === undefined ? '' : JSON.stringify(body),
		);
	}

	it('reports health, requests, payouts, notifications', async () => {
		expect(json(await control('GET', 'health'))).toMatchObject({
			ok: true,
			accountId: SANDBOX_ACCOUNT_ID,
			accounts: [
				{ id: SANDBOX_ACCOUNT_ID, currency: 'RUB' },
				{ id: SANDBOX_EUR_ACCOUNT_ID, currency: 'EUR' },
			],
		});
		const id = await createdId(sandbox);
		expect(json(await control('GET', 'requests'))).toEqual(
			JSON.parse(JSON.stringify(sandbox.requests)),
		);
		expect(json(await control('GET', 'payouts'))).toEqual([
			expect.objectContaining({ id, status: 'wait' }),
		]);
		expect(json(await control('GET', 'notifications'))).toEqual([]);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('injects and clears faults', async () => {
		expect(
			(await control('POST', 'faults', { kind: 'http502', path: '/v1/account/balance' })).status,
		).toBe(200);
		expect((await api(sandbox, 'v1/account/balance', [])).status).toBe(502);
		await control('POST', 'faults', { kind: 'http502', times: 3 });
		await control('DELETE', 'faults');
		expect((await api(sandbox, 'v1/account/balance', [])).status).toBe(200);
		const refused = await control('POST', 'faults', { kind: 'nope' });
		expect(refused.status).toBe(400);
		expect(json(refused).message).toMatch(/fault kind must be one of/);
	});

	it('finalizes a payout, with or without a status', async () => {
		const first = await createdId(sandbox);
		const second = await createdId(sandbox);
		const cancelled = await control('POST', `payouts/${first}/finalize`, { status: 'cancel' });
		expect(json(cancelled)).toMatchObject({ id: first, status: 'cancel' });
		expect(json(await control('POST', `payouts/${second}/finalize`))).toMatchObject({
			status: 'paid',
		});
		expect((await control('POST', `payouts/${second}/finalize`, { status: 'won' })).status).toBe(
			400,
		);
		expect((await control('POST', 'payouts/1/finalize')).status).toBe(404);
	});

	it('resets everything, ids and balances included', async () => {
		await createdId(sandbox);
		await control('POST', 'reset');
		expect(sandbox.requests).toHaveLength(0);
		expect(sandbox.payouts()).toHaveLength(0);
		expect(await createdId(sandbox)).toBe(100001524);
		expect(json(await api(sandbox, 'v1/account/balance', [])).balance).toBe('999500.00');
	});

	it('numbers payouts from firstPayoutId when given, after a reset too', async () => {
		const numbered = await sandboxWith({ firstPayoutId: 300000001 });
		expect(await createdId(numbered)).toBe(300000001);
		expect(await createdId(numbered)).toBe(300000002);
		numbered.reset();
		expect(await createdId(numbered)).toBe(300000001);
		await expect(startSandbox({ firstPayoutId: 0 })).rejects.toThrow(/firstPayoutId/);
		await expect(startSandbox({ firstPayoutId: 1.5 })).rejects.toThrow(/firstPayoutId/);
	});

	it('answers 404 for what it does not know', async () => {
		expect((await control('GET', 'nothing')).status).toBe(404);
	});
});

describe('close()', () => {
	it('ends promptly with a hung request, a sleeping delay and pending payout timers', async () => {
		const doomed = await startSandbox({ quiet: true, finalAfterMs: 60_000 });
		await createdId(doomed);
		doomed.injectFault({ kind: 'timeout' });
		doomed.injectFault({ kind: 'latency', delayMs: 60_000 });
		// Settled into values now: they fail during close(), before anything awaits them.
		const outcome = (reply: Promise<Reply>) =>
			reply.then(
				() => 'answered',
				(error: Error) => error.message,
			);
		const hung = outcome(api(doomed, 'v1/account/balance', []));
		const delayed = outcome(api(doomed, 'v1/account/balance', []));
		await waitFor(() => doomed.requests.length === 3);
		const started = Date.now();
		await doomed.close();
		expect(Date.now() - started).toBeLessThan(1000);
		expect(await hung).toBe('socket hang up');
		expect(await delayed).toBe('socket hang up');
	});
});
