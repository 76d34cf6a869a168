/**
 * Issue 8 in n8n's engine against the sandbox: every Create Payout row says what really happened
 * at AliKassa, and running a batch again is always safe, in every On Error mode.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Fault } from '../../sandbox/types';
import { runPayoutNode, type OnError } from '../../scripts/engine';
import { expectSuccess, fromItem, payoutRunner, row } from '../support/payoutRows';
import { expectNoSecrets, sandboxCredentials } from '../../scripts/sandboxCredentials';
import { listen } from '../support/localServer';
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
} = payoutRunner(sandbox);

const oneSecond = { options: { timeoutSeconds: 1 } };

function batch(prefix: string, count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) =>
		row(`${prefix}-${index}`, { amount: `${index + 1}.00` }),
	);
}

function expectNoDuplicates() {
	for (const [orderId, count] of creationsPerOrderId()) {
		if (count !== 1) throw new Error(`order_id ${orderId} was created ${count} times`);
	}
}

function idsByOrderId(): Map<string, number> {
	return new Map(
		sandbox()
			.payouts()
			.map((payout) => [payout.orderId, payout.id]),
	);
}

function injectPayoutFault(fault: Fault) {
	sandbox().injectFault({ path: '/v1/payout', ...fault });
}

describe('running a batch again', () => {
	it.each<OnError | undefined>([undefined, 'continueRegularOutput', 'continueErrorOutput'])(
		'pays only the new rows and reports the others with their ids and alreadyCreated (On Error %s)',
		async (onError) => {
			const first = batch(`again-${onError ?? 'stop'}`, 3);
			expectSuccess(await run({ parameters: fromItem, items: first, onError }));
			const firstIds = idsByOrderId();

			const rows = [...first, ...batch(`again-new-${onError ?? 'stop'}`, 2)];
			const result = await run({ parameters: fromItem, items: rows, onError });
			expectSuccess(result);
			expect(result.errorOutput).toHaveLength(0);
			expect(result.output.map((item) => item.json)).toEqual(
				rows.map((item, index) => ({
					order_id: item.order_id,
					id: idsByOrderId().get(String(item.order_id)),
					payment_status: 'wait',
					...(index < 3 ? { alreadyCreated: true } : {}),
				})),
			);
			for (const [orderId, id] of firstIds) expect(idsByOrderId().get(orderId)).toBe(id);
			expect(sandbox().payouts()).toHaveLength(5);
			expectNoDuplicates();
		},
	);

	it('with Wait for Final Status, an already created payout is followed to its final status too', async () => {
		const parameters = {
			...fromItem,
			waitForFinalStatus: true,
			pollIntervalSeconds: 0.1,
			maxWaitSeconds: 10,
		};
		expectSuccess(await run({ parameters: fromItem, items: [row('again-wait-1')] }));
		const id = sandbox().payouts()[0].id;
		setTimeout(() => void sandbox().finalize(id, 'paid'), 300);
		const result = await run({ parameters, items: [row('again-wait-1')] });
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({
			order_id: 'again-wait-1',
			id,
			alreadyCreated: true,
			payment_status: 'paid',
			isFinal: true,
		});
		expect(payoutRequests()).toHaveLength(2);
	});

	it.each([
		['amount', { amount: '600.00' }, /amount 500.00, not 600.00/],
		['service', { service: 'qiwi_rub' }, /service payment_card_rub, not qiwi_rub/],
	])(
		'an order_id that belongs to a payout with another %s is "Not paid", never created',
		async (_what, change, difference) => {
			expectSuccess(await run({ parameters: fromItem, items: [row('taken-1')] }));
			const existing = sandbox().payouts()[0];
			const result = await run({
				parameters: fromItem,
				items: [row('taken-1', change)],
				onError: 'continueErrorOutput',
			});
			expectSuccess(result);
			expect(result.output).toHaveLength(0);
			const message = String(result.errorOutput[0].json.error);
			expect(message).toMatch(
				new RegExp(
					`^Not paid: Order ID "taken-1": the order ID belongs to a different payout at AliKassa \\(ID ${existing.id}, `,
				),
			);
			expect(message).toMatch(difference);
			expect(sandbox().payouts()).toHaveLength(1);
		},
	);

	it('after an unknown outcome, a payout found with another service is not taken for this one', async () => {
		expectSuccess(
			await run({
				parameters: fromItem,
				items: [row('svc-1', { service: 'qiwi_rub', number: '79005554455' })],
			}),
		);
		injectPayoutFault({ kind: 'timeout' });
		const result = await run({ parameters: { ...fromItem, ...oneSecond }, items: [row('svc-1')] });
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Not paid: Order ID "svc-1": this order ID is a payout to another recipient \(7900\*\*\*\*\*55\) at AliKassa \(ID \d+, service qiwi_rub, not payment_card_rub\), not to this row's number/,
		);
		expect(sandbox().payouts()).toHaveLength(1);
	});
});

describe('default On Error (stop)', () => {
	it('lets the rows in flight finish, then says how many rows were paid and that a re-run is safe; the re-run pays the rest', async () => {
		const rows = batch('stop', 8);
		rows[3] = row('stop-3', { service: 'no_such_service' });
		const result = await run({
			parameters: { ...fromItem, options: { concurrency: 3 } },
			items: rows,
		});
		expect(result.run.status).toBe('error');
		const paid = sandbox().payouts().length;
		// stop-3 itself started but was refused unsent; the message names it apart
		const notSent = rows.length - payoutRequests().length - 1;
		// the check before the batch refuses the row unsent; the batch stops as at AliKassa's 400
		expect(result.error!.message).toMatch(
			/^Not paid: Order ID "stop-3": the account has no enabled payout service no_such_service \(enabled: /,
		);
		expect(serviceChecks()).toHaveLength(1);
		expect(sentOrderIds()).not.toContain('stop-3');
		expect(result.error!.message).toContain(
			`yoomoney_rub). Before the node stopped, ${paid} of 8 rows were paid (created now or found already created)${notSent > 0 ? ` and ${notSent} were not sent` : ''}. Running the same batch again is safe`,
		);
		// the rows started before the failure all finished: nothing is left mid-air
		expect(payoutRequests().every((request) => request.status !== null)).toBe(true);

		rows[3] = row('stop-3');
		const again = await run({
			parameters: { ...fromItem, options: { concurrency: 3 } },
			items: rows,
		});
		expectSuccess(again);
		expect(again.output.filter((item) => item.json.alreadyCreated === true)).toHaveLength(paid);
		expect(sandbox().payouts()).toHaveLength(8);
		expectNoDuplicates();
	});
});

describe('"Not paid" only with proof, "Outcome unknown" otherwise', () => {
	it('a payout that lands after the last attempt timed out is found by a lookup one timeout later', async () => {
		injectPayoutFault({ kind: 'latency', delayMs: 5000 });
		injectPayoutFault({ kind: 'timeout', times: 2 });
		const result = await run({ parameters: { ...fromItem, ...oneSecond }, items: [row('late-1')] });
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: 'late-1', found: true });
		const [payout] = sandbox().payouts();
		const lastSend = payoutRequests().at(-1)!;
		// it really landed after the client's last timeout: a lookup right then found nothing
		expect(payout.createdAt).toBeGreaterThan(Date.parse(lastSend.at) + 1000);
		expect(payoutRequests()).toHaveLength(3);
		expectNoDuplicates();
	}, 30_000);

	it('a payout that never lands is still "Outcome unknown" after that last lookup: a lookup never proves it absent', async () => {
		injectPayoutFault({ kind: 'timeout', times: 3 });
		const result = await run({
			parameters: { ...fromItem, ...oneSecond },
			items: [row('never-1')],
		});
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "never-1": AliKassa did not answer v1\/payout within 1 s; gave up after 3 attempts; AliKassa had no payout with this order ID 1 s after the last attempt, but an attempt may still land there later\. AliKassa may have taken it: running the same batch again is safe \(it finds the payout, or sends it if AliKassa has none\)/,
		);
		expect(sandbox().payouts()).toHaveLength(0);
	}, 30_000);

	it('a 429 after AliKassa took the payout, then more 429s: found, not reported as refused', async () => {
		injectPayoutFault({ kind: 'http429', when: 'after', retryAfterSeconds: 0 });
		sandbox().injectFault({ kind: 'http429', path: '/v1/payout/status', retryAfterSeconds: 0 });
		const result = await run({ parameters: fromItem, items: [row('rate-taken-1')] });
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: 'rate-taken-1', found: true });
		expect(payoutRequests()).toHaveLength(1);
	});

	it('a Retry-After beyond the cap is not waited for (no timer overflow): the row ends at once', async () => {
		injectPayoutFault({ kind: 'http429', retryAfterSeconds: 10_000_000 });
		const started = Date.now();
		const result = await run({
			parameters: { ...fromItem, ...oneSecond },
			items: [row('rate-cap-1')],
		});
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "rate-cap-1": AliKassa is limiting the request rate \(HTTP 429\); gave up after 1 attempt; AliKassa had no payout with this order ID 1 s after the last attempt/,
		);
		expect(payoutRequests()).toHaveLength(1);
	});

	it('a status endpoint that fails twice is asked a third time before anything is re-sent', async () => {
		injectPayoutFault({ kind: 'reset', when: 'after' });
		sandbox().injectFault({ kind: 'http500', path: '/v1/payout/status', times: 2 });
		const result = await run({ parameters: fromItem, items: [row('status-flaky-1')] });
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ found: true });
		expect(sandbox().requests.map((request) => [request.path, request.status])).toEqual([
			['/v1/account/info', 200],
			['/v1/payout', null],
			['/v1/payout/status', 500],
			['/v1/payout/status', 500],
			['/v1/payout/status', 200],
		]);
	});

	it.each<OnError | undefined>([undefined, 'continueRegularOutput', 'continueErrorOutput'])(
		'a status endpoint that keeps failing leaves the row "Outcome unknown", with the order ID (On Error %s)',
		async (onError) => {
			injectPayoutFault({ kind: 'timeout', when: 'after' });
			sandbox().injectFault({ kind: 'http503', path: '/v1/payout/status', times: 100 });
			const result = await run({
				parameters: { ...fromItem, ...oneSecond },
				items: [row('status-down-1')],
				onError,
			});
			const message = String(
				result.error?.message ?? result.output[0]?.json.error ?? result.errorOutput[0]?.json.error,
			);
			expect(message).toMatch(
				/^Outcome unknown: Order ID "status-down-1": AliKassa did not answer v1\/payout within 1 s, and AliKassa could not be asked whether it has the payout \(AliKassa answered HTTP 503: Service Unavailable\)\. AliKassa may have taken it: running the same batch again is safe/,
			);
			expect(payoutRequests()).toHaveLength(1);
		},
	);

	it('a 2xx that is not a payout is an unknown outcome: looked up, and found', async () => {
		injectPayoutFault({ kind: 'notPayout', when: 'after' });
		const result = await run({ parameters: fromItem, items: [row('not-payout-1')] });
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({ order_id: 'not-payout-1', found: true });
		expect(payoutRequests()).toHaveLength(1);
	});

	it('a 2xx that is not a payout, and no lookup possible: "Outcome unknown: … AliKassa\'s answer was not a payout"', async () => {
		injectPayoutFault({ kind: 'notPayout', when: 'after' });
		sandbox().injectFault({ kind: 'http503', path: '/v1/payout/status', times: 100 });
		const result = await run({ parameters: fromItem, items: [row('not-payout-2')] });
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "not-payout-2": AliKassa's answer was not a payout, and AliKassa could not be asked/,
		);
	});

	it.each<OnError | undefined>([undefined, 'continueRegularOutput', 'continueErrorOutput'])(
		'a status answer that is not a payout status proves nothing: the row is "Outcome unknown", never "Not paid" (On Error %s)',
		async (onError) => {
			injectPayoutFault({ kind: 'timeout', when: 'after' });
			sandbox().injectFault({ kind: 'notPayout', path: '/v1/payout/status', times: 100 });
			const result = await run({
				parameters: { ...fromItem, ...oneSecond },
				items: [row('status-not-status-1')],
				onError,
			});
			const message = String(
				result.error?.message ?? result.output[0]?.json.error ?? result.errorOutput[0]?.json.error,
			);
			expect(message).toMatch(
				/^Outcome unknown: Order ID "status-not-status-1": .*AliKassa's answer to v1\/payout\/status was not a payout status/,
			);
			expect(sandbox().payouts()).toHaveLength(1);
			expect(payoutRequests()).toHaveLength(1);
		},
	);
});

describe('a re-send refused for another reason', () => {
	it('proves nothing about an earlier attempt that may still land: the last lookup finds it', async () => {
		// Scripted AliKassa: the first send never answers and lands 2 s in; the re-send is
		// refused with a 403; the status says "not found" until the first send has landed. It has
		// no v1/account/info (a 404, like a payout not found), so the row goes unchecked.
		let landed = false;
		let sends = 0;
		const aliKassa = await listen((request, response) => {
			const json = (status: number, body: object) => {
				response.writeHead(status, { 'Content-Type': 'application/json' });
				response.end(JSON.stringify(body));
			};
			if (request.url === '/v1/payout') {
				sends++;
				if (sends === 1) setTimeout(() => (landed = true), 2000);
				else json(403, { message: 'Invalid sign.' });
			} else if (landed) {
				json(200, {
					order_id: 'refused-later-1',
					id: 777,
					payment_status: 'wait',
					amount: '500.00',
					service_code: 'payment_card_rub',
				});
			} else {
				json(404, { message: 'Payout not found.' });
			}
		});
		try {
			const result = await runPayoutNode({
				parameters: { ...fromItem, ...oneSecond },
				items: [row('refused-later-1')],
				credentials: sandboxCredentials(aliKassa.url),
			});
			expectSuccess(result);
			expect(result.output[0].json).toEqual({
				order_id: 'refused-later-1',
				id: 777,
				payment_status: 'wait',
				found: true,
				serviceChecked: false,
			});
			expect(aliKassa.requests).toEqual([
				'POST /v1/account/info',
				'POST /v1/payout',
				'POST /v1/payout/status',
				'POST /v1/payout',
				'POST /v1/payout/status',
			]);
		} finally {
			await aliKassa.close();
		}
	}, 30_000);
});

describe('issue 17: what each label proves', () => {
	it('answers slower than the whole retry and lookup window: "Outcome unknown", never "Not paid"; the re-run finds them already created', async () => {
		injectPayoutFault({ kind: 'latency', delayMs: 8000, times: 6 });
		const rows = [row('slow-window-1'), row('slow-window-2', { amount: '7.00' })];
		const result = await run({
			parameters: { ...fromItem, ...oneSecond, options: { timeoutSeconds: 1, concurrency: 2 } },
			items: rows,
			onError: 'continueErrorOutput',
		});
		expectSuccess(result);
		expect(result.output).toHaveLength(0);
		for (const item of result.errorOutput) {
			expect(item.json.error).toMatch(
				/^Outcome unknown: Order ID "slow-window-\d": AliKassa did not answer v1\/payout within 1 s; gave up after 3 attempts; .*running the same batch again is safe/,
			);
		}
		// the late requests land after all: the rows that would have said "Not paid" were paid
		const deadline = Date.now() + 20_000;
		while (sandbox().payouts().length < 2 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(sandbox().payouts()).toHaveLength(2);
		const again = await run({ parameters: fromItem, items: rows });
		expectSuccess(again);
		expect(again.output.map((item) => item.json.alreadyCreated)).toEqual([true, true]);
		// the later sends land too, refused as already-used order IDs: still one payout per row
		while (sandbox().requests.some((request) => request.status === null)) {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(sandbox().payouts()).toHaveLength(2);
		expectNoDuplicates();
	}, 60_000);

	it('a re-run whose send meets a fault says "found", never "made now" or "already created"', async () => {
		expectSuccess(await run({ parameters: fromItem, items: [row('rerun-found-1')] }));
		const { id } = sandbox().payouts()[0];
		injectPayoutFault({ kind: 'reset', when: 'after' });
		const again = await run({ parameters: fromItem, items: [row('rerun-found-1')] });
		expectSuccess(again);
		expect(again.output[0].json).toEqual({
			order_id: 'rerun-found-1',
			id,
			payment_status: 'wait',
			found: true,
		});
		expect(sandbox().payouts()).toHaveLength(1);
	});

	it('only a send AliKassa answers with the payout is "made now"; a first send refused as taken is alreadyCreated', async () => {
		const first = await run({ parameters: fromItem, items: [row('made-now-1')] });
		expect(first.output[0].json).toEqual({
			order_id: 'made-now-1',
			id: sandbox().payouts()[0].id,
			payment_status: 'wait',
		});
		const again = await run({ parameters: fromItem, items: [row('made-now-1')] });
		expect(again.output[0].json).toMatchObject({ alreadyCreated: true });
		expect(again.output[0].json).not.toHaveProperty('found');
	});

	it.each([
		['a first send refused as taken', undefined],
		[
			'a send that timed out after AliKassa refused it',
			{ kind: 'timeout', when: 'after' } as Fault,
		],
	])(
		'a corrected number under an order ID already paid to another card is "Not paid", never success (%s)',
		async (_how, fault) => {
			expectSuccess(await run({ parameters: fromItem, items: [row('recipient-1')] }));
			const existing = sandbox().payouts()[0];
			if (fault) injectPayoutFault(fault);
			const result = await run({
				parameters: { ...fromItem, ...oneSecond },
				items: [row('recipient-1', { number: '5555555555554444' })],
				onError: 'continueErrorOutput',
			});
			expectSuccess(result);
			expect(result.output).toHaveLength(0);
			expect(result.errorOutput[0].json.error).toBe(
				`Not paid: Order ID "recipient-1": this order ID is a payout to another recipient (411111******1111) at AliKassa (ID ${existing.id}), not to this row's number`,
			);
			expect(sandbox().payouts()).toHaveLength(1);
		},
		30_000,
	);

	it.each([
		[
			'order_id',
			{ order_id: 'sur-\ud83d' },
			/^Not paid: Order ID "sur-\ud83d": Order ID contains a broken Unicode character \(a lone UTF-16 surrogate\)/,
		],
		[
			'number',
			{ order_id: 'sur-2', number: '4111\udc00111111111111' },
			/^Not paid: Order ID "sur-2": Number contains a broken Unicode character \(a lone UTF-16 surrogate\)/,
		],
	])(
		'a lone UTF-16 surrogate in %s is "Not paid" with the order ID, nothing sent',
		async (_field, change, message) => {
			const result = await run({
				parameters: fromItem,
				items: [row('sur-1', change)],
				onError: 'continueErrorOutput',
			});
			expectSuccess(result);
			expect(result.errorOutput[0].json.error).toMatch(message);
			expectOnlyTheServiceCheck();
		},
	);
});

describe('Wait for Final Status once the payout exists', () => {
	it('a failing status poll ends the row as success with the last known status, isFinal false and a note', async () => {
		sandbox().injectFault({ kind: 'http500', path: '/v1/payout/status', times: 100 });
		const result = await run({
			parameters: {
				...fromItem,
				waitForFinalStatus: true,
				pollIntervalSeconds: 0.1,
				maxWaitSeconds: 1,
			},
			items: [row('poll-down-1')],
		});
		expectSuccess(result);
		expect(result.output[0].json).toMatchObject({
			order_id: 'poll-down-1',
			id: expect.any(Number),
			payment_status: 'wait',
			isFinal: false,
			note: expect.stringMatching(
				/^Asking for the status failed: AliKassa answered HTTP 500: Server Error\. The payout exists \(ID \d+\); check it later/,
			),
		});
	});
});

describe('credential problems', () => {
	const wrongPassword = () => sandboxCredentials(sandbox().url, { password: 'not-the-password' });

	it.each([
		['create', fromItem, /^Not paid: AliKassa credential: .*password does not open/],
		[
			'getStatus',
			{ operation: 'getStatus', lookupBy: 'orderId', orderId: '={{ $json.order_id }}' },
			/^AliKassa credential: .*password does not open/,
		],
		['getBalance', { operation: 'getBalance' }, /^AliKassa credential: .*password does not open/],
	] as const)(
		'%s with Continue: every row an error item, nothing sent (both Continue modes)',
		async (_operation, parameters, message) => {
			const items = [row('cred-a'), row('cred-b'), row('cred-c')];
			const regular = await run({
				parameters,
				items,
				credentials: wrongPassword(),
				onError: 'continueRegularOutput',
			});
			expectSuccess(regular);
			expect(regular.output).toHaveLength(3);
			for (const item of regular.output) expect(item.json.error).toMatch(message);
			expect(regular.output.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);

			const toErrorOutput = await run({
				parameters,
				items,
				credentials: wrongPassword(),
				onError: 'continueErrorOutput',
			});
			expectSuccess(toErrorOutput);
			expect(toErrorOutput.output).toHaveLength(0);
			expect(toErrorOutput.errorOutput).toHaveLength(3);
			for (const item of toErrorOutput.errorOutput) expect(item.json.error).toMatch(message);
			expect(sandbox().requests).toHaveLength(0);
		},
	);
});

describe('settings from expressions are checked before anything is sent', () => {
	// the run's own settings stop it before the check; a row's own ones after it, with the row unsent
	it.each([
		[
			'Concurrency',
			{ options: { concurrency: '={{ "many" }}' } },
			/^Not paid: Concurrency must be a whole number above 0 and at most 50, got "many"/,
			[],
		],
		[
			'Concurrency',
			{ options: { concurrency: '={{ 0 }}' } },
			/^Not paid: Concurrency must be a whole number above 0/,
			[],
		],
		[
			'Timeout',
			{ options: { timeoutSeconds: '={{ 0 }}' } },
			/^Not paid: Timeout \(Seconds\) must be a number above 0 and at most 300, got 0/,
			[],
		],
		[
			'Timeout',
			{ options: { timeoutSeconds: '={{ -5 }}' } },
			/Timeout \(Seconds\) must be a number above 0/,
			[],
		],
		[
			'Max Wait',
			{ waitForFinalStatus: true, maxWaitSeconds: '={{ "soon" }}' },
			/^Not paid: Order ID "expr-1": Max Wait \(Seconds\) must be a number above 0/,
			['POST /v1/account/info'],
		],
	])('%s %p', async (_name, parameters, message, requests) => {
		const result = await run({
			parameters: { ...fromItem, ...parameters },
			items: [row('expr-1')],
		});
		expect(result.run.status).toBe('error');
		expect(result.error!.message).toMatch(message);
		expect(sandbox().requests.map((request) => `${request.method} ${request.path}`)).toEqual(
			requests,
		);
	});

	it('an expression that fails on a row leaves that row "Not paid", nothing sent for it', async () => {
		const result = await run({
			parameters: { ...fromItem, amount: '={{ $json.missing.deep }}' },
			items: [row('expr-fail-1')],
			onError: 'continueErrorOutput',
		});
		expectSuccess(result);
		expect(result.errorOutput[0].json.error).toMatch(/^Not paid: Order ID "expr-fail-1": /);
		expectOnlyTheServiceCheck();
	});

	it('an Order ID expression that fails is "Not paid" too', async () => {
		const result = await run({
			parameters: { ...fromItem, orderId: '={{ $json.missing.deep }}' },
			items: [row('expr-fail-2')],
		});
		expect(result.error!.message).toMatch(/^Not paid: /);
		expectOnlyTheServiceCheck();
	});

	it('Timeout 0 for Get Balance is refused too', async () => {
		const result = await run({
			parameters: { operation: 'getBalance', options: { timeoutSeconds: 0 } },
		});
		expect(result.error!.message).toMatch(/Timeout \(Seconds\) must be a number above 0/);
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('smaller truths', () => {
	it('a Maximum Amount per Payout in the credential refuses a larger payout before signing it', async () => {
		const result = await run({
			parameters: fromItem,
			items: [row('max-1', { amount: '100.00' }), row('max-2', { amount: '100.01' })],
			credentials: sandboxCredentials(sandbox().url, { maxAmount: '100.00' }),
			onError: 'continueErrorOutput',
		});
		expectSuccess(result);
		expect(result.output.map((item) => item.json.order_id)).toEqual(['max-1']);
		expect(result.errorOutput[0].json.error).toMatch(
			/^Not paid: Order ID "max-2": Amount 100.01 is above the Maximum Amount per Payout \(100.00\)/,
		);
		expect(sentOrderIds()).toEqual(['max-1']);
	});

	it.each(['0x5F5E7F4', '1.00001524e8', '100001524.0', ' '])(
		'Get Payout Status refuses the Payout ID %p without asking',
		async (payoutId) => {
			const result = await run({
				parameters: { operation: 'getStatus', lookupBy: 'id', payoutId },
			});
			expect(result.error!.message).toMatch(/Payout ID must be AliKassa's numeric ID/);
			expect(sandbox().requests).toHaveLength(0);
		},
	);

	it('an order_id of 65 emoji is 65 characters, as PHP counts them, and is sent', async () => {
		const orderId = '💸'.repeat(65);
		const result = await run({ parameters: fromItem, items: [row(orderId)] });
		expectSuccess(result);
		expect(sandbox().payouts()[0].orderId).toBe(orderId);
	});
});

describe('secrets', () => {
	it('no output or error of any run above contains the key or the password', () => {
		expect(everyRun.length).toBeGreaterThan(20);
		for (const result of everyRun) {
			expectNoSecrets(JSON.stringify(result.run));
			if (result.error) expectNoSecrets(`${result.error.message} ${result.error.stack}`);
		}
	});
});
