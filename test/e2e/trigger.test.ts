/**
 * The AliKassa Trigger in a real n8n 2.8.4 (`n8n start`, its workflows published): payouts made
 * through n8n name the trigger's Production URL, the sandbox notifies it when they turn final,
 * and the executions are read back through n8n's public REST API.
 */
import { generateKeyPairSync, sign } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { notificationsPrivateKey } from '../../sandbox/keys';
import { Notifier } from '../../sandbox/notifier';
import { SANDBOX_ACCOUNT_ID } from '../../sandbox/server';
import {
	claimsCredential,
	EXAMPLES,
	loadExample,
	pointWorkflowAt,
	SANDBOX_CREDENTIAL,
	triggerProductionUrl,
} from '../../scripts/examples';
import { LOCAL_OWNER, nodeItems, type ExecutionRun, type N8nServer } from '../../scripts/n8n';
import { createClaimsDatabase, dropDatabase } from '../../scripts/queueServices';
import {
	nodeNamed,
	SETUP_TIMEOUT_MS,
	setUpN8n,
	variant,
	type N8nHarness,
} from '../support/n8nHarness';
import { describeWithQueueServices } from '../support/queueServices';

const { reactToNotifications: example, scheduledBatch } = EXAMPLES;
const ONLY_PAID_ID = 'e2eOnlyPaid';
const ONLY_PAID_WEBHOOK_ID = '0b7e4c52-9d3a-4f1e-8c26-5a9d1e3f7b40';
const NOTIFIED_BATCH_ID = 'e2eNotifiedBatch';
const CONFIRMED_ID = 'e2eConfirmed';
const CONFIRMED_WEBHOOK_ID = '6c1f9e2a-4b7d-4e3a-9f15-8d2c6b0a3e71';
const ACCEPTED = { status: 200, body: { message: 'Notification received.' } };
const REFUSED = { status: 403, body: { message: 'Invalid or missing sign.' } };
const FILTERED = {
	status: 200,
	body: { message: 'Notification received; filtered out by the trigger.' },
};
/**
 * The PHP-signed vectors carry payout ids from 100001524, where the sandbox would number this
 * run's own payouts too. The example claims each (payout id, status) once, so a batch payout
 * that happened to get a vector's id would make that vector's notice "already handled"; which
 * row gets which id depends on the order in which the concurrent requests arrive.
 */
const FIRST_BATCH_PAYOUT_ID = 300000001;
/** A webhook execution of these small workflows is saved well within this. */
const EXECUTION_WAIT_MS = 30_000;

/** PHP-signed notifications from test/fixtures/notification-vectors.json, by order_id. */
const phpVectors = new Map(
	(
		JSON.parse(
			readFileSync(join(__dirname, '..', 'fixtures', 'notification-vectors.json'), 'utf8'),
		) as { cases: Array<{ query: Record<string, string>; json: string; sign: string }> }
	).cases.map((vector) => [vector.query.order_id, vector]),
);

interface ApiExecution extends ExecutionRun {
	id: string;
	mode: string;
	status: string;
	workflowId: string;
}

let harness: N8nHarness;
let server: N8nServer;
let apiKey: string;
let exampleUrl: string;
let onlyPaidUrl: string;
let confirmedUrl: string;
/** The example claims each (payout, status) in a PostgreSQL table: this run's own database. */
let claimsDatabase: string | undefined;

/** The batch example, each row naming the trigger that AliKassa is to notify. */
function notifiedBatchCsv(): string {
	const rows = [
		['e2e-notify-paid', exampleUrl],
		['e2e-notify-cancel', exampleUrl],
		['e2e-notify-fail', exampleUrl],
		['e2e-only-paid-cancel', onlyPaidUrl],
		['e2e-only-paid-paid', onlyPaidUrl],
		['e2e-confirm-paid', confirmedUrl],
		['e2e-confirm-stale', confirmedUrl],
		['e2e-confirm-behind', confirmedUrl],
	];
	const lines = rows.map(
		([orderId, url], row) =>
			`${orderId},Employee ${row},${1000 + row}.44,payment_card_rub,4111111111111111,${url}`,
	);
	// The batch example maps its input automatically: this column is the payout's own field.
	return ['order_id,employee,amount,service,number,notification_endpoint_url', ...lines, ''].join(
		'\n',
	);
}

function workflows() {
	const sandboxUrl = harness.sandbox.url;
	const payoutsCsv = harness.writeDataFile('notified-batch.csv', notifiedBatchCsv());
	const reactExample = loadExample(example.file);
	return [
		reactExample,
		variant(reactExample, ONLY_PAID_ID, (copy) => {
			const trigger = nodeNamed(copy, example.triggerNode);
			trigger.webhookId = ONLY_PAID_WEBHOOK_ID;
			trigger.parameters.statuses = ['paid'];
		}),
		variant(reactExample, CONFIRMED_ID, (copy) => {
			const trigger = nodeNamed(copy, example.triggerNode);
			trigger.webhookId = CONFIRMED_WEBHOOK_ID;
			trigger.parameters.confirmWithAliKassa = true;
			trigger.credentials = {
				...(trigger.credentials as object),
				aliKassaPayoutApi: { ...SANDBOX_CREDENTIAL },
			};
		}),
		variant(
			pointWorkflowAt(loadExample(scheduledBatch.file), { sandboxUrl, payoutsCsv }),
			NOTIFIED_BATCH_ID,
		),
	];
}

async function executionsOf(workflowId: string): Promise<ApiExecution[]> {
	const query = new URLSearchParams({ workflowId, includeData: 'true' });
	const response = await fetch(`${server.url}/api/v1/executions?${query}`, {
		headers: { 'X-N8N-API-KEY': apiKey },
	});
	if (!response.ok) throw new Error(`GET /api/v1/executions: HTTP ${response.status}`);
	return ((await response.json()) as { data: ApiExecution[] }).data;
}

/** n8n lists an execution as soon as it starts, before its later nodes have run. */
const STILL_RUNNING = new Set(['new', 'running']);

/** The workflow's executions, newest first, once at least `count` exist and all have ended. */
async function waitForExecutions(workflowId: string, count: number): Promise<ApiExecution[]> {
	const deadline = Date.now() + EXECUTION_WAIT_MS;
	for (;;) {
		const executions = await executionsOf(workflowId);
		const ended = !executions.some((execution) => STILL_RUNNING.has(execution.status));
		if ((executions.length >= count && ended) || Date.now() > deadline) return executions;
		await sleep(250);
	}
}

function triggerOutput(execution: ApiExecution) {
	return nodeItems(execution, example.triggerNode).map((item) => item.json);
}

/** The branch nodes of the Switch that ran, with their items' order_id. */
function branchesRun(execution: ApiExecution) {
	return Object.values(example.branchOfStatus)
		.filter((node) => execution.data.resultData.runData[node] !== undefined)
		.map((node) => [node, nodeItems(execution, node).map((item) => item.json.order_id)]);
}

async function call(url: string, init?: RequestInit) {
	const response = await fetch(url, init);
	const text = await response.text();
	return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

function get(url: string, query: Record<string, string>) {
	return call(`${url}?${new URLSearchParams(query)}`);
}

/** The sandbox finalizes the payout; resolves with what its notification got. */
async function finalize(orderId: string, status: 'paid' | 'cancel' | 'fail') {
	const payout = harness.payout(orderId);
	await harness.sandbox.finalize(payout.id, status);
	const sent = harness.sandbox.notifications.filter(({ query }) => query.order_id === orderId);
	expect(sent).toHaveLength(1);
	return sent[0];
}

describeWithQueueServices('AliKassa Trigger in a real n8n', () => {
	beforeAll(async () => {
		harness = await setUpN8n({}, { firstPayoutId: FIRST_BATCH_PAYOUT_ID });
		claimsDatabase = await createClaimsDatabase();
		await harness.n8n.importCredentials([claimsCredential(claimsDatabase)]);
		const n8nUrl = `http://127.0.0.1:${harness.n8n.port}`;
		exampleUrl = triggerProductionUrl(n8nUrl, example.webhookId);
		onlyPaidUrl = triggerProductionUrl(n8nUrl, ONLY_PAID_WEBHOOK_ID);
		confirmedUrl = triggerProductionUrl(n8nUrl, CONFIRMED_WEBHOOK_ID);
		await harness.n8n.importWorkflows(workflows());
		const batch = await harness.n8n.execute(NOTIFIED_BATCH_ID);
		if (batch.failed) throw new Error(`The batch failed:\n${batch.output}`);
		await harness.n8n.publishWorkflow(example.id);
		await harness.n8n.publishWorkflow(ONLY_PAID_ID);
		await harness.n8n.publishWorkflow(CONFIRMED_ID);
		server = await harness.n8n.start();
		apiKey = await server.createApiKey(await server.setUpOwner(LOCAL_OWNER), [
			'execution:list',
			'execution:read',
		]);
		// `n8n start` opens its HTTP server first and only then activates the published workflows.
		const deadline = Date.now() + 60_000;
		while ((await fetch(exampleUrl)).status === 404) {
			if (Date.now() > deadline) {
				throw new Error(
					`n8n registered no webhook at ${exampleUrl}:\n${server.output.slice(-4000)}`,
				);
			}
			await sleep(250);
		}
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await server?.stop();
		await harness?.close();
		if (claimsDatabase) await dropDatabase(claimsDatabase);
	}, 60_000);

	test('the payouts made through n8n carry the Production URL as notification_endpoint_url', () => {
		expect(harness.payout('e2e-notify-paid').notificationUrl).toBe(exampleUrl);
		expect(harness.payout('e2e-only-paid-paid').notificationUrl).toBe(onlyPaidUrl);
		expect(exampleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/[\da-f-]{36}\/alikassa$/);
	});

	test('activation registers nothing at AliKassa and warns that a loopback http URL needs WEBHOOK_URL', () => {
		expect(server.output).toContain(
			`AliKassa Trigger: AliKassa cannot reach http://localhost:${harness.n8n.port}: it calls notification URLs from the internet, over https. Set WEBHOOK_URL`,
		);
	});

	test('a paid payout: the notification is answered 200 and one execution gets it normalized', async () => {
		const payout = harness.payout('e2e-notify-paid');
		expect(await finalize('e2e-notify-paid', 'paid')).toMatchObject({ status: 200, error: null });

		const [execution, ...more] = await waitForExecutions(example.id, 1);
		expect(more).toEqual([]);
		expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
		expect(triggerOutput(execution)).toEqual([
			{
				type: 'payout',
				id: payout.id,
				order_id: 'e2e-notify-paid',
				payment_status: 'paid',
				amount: '1000.44',
				payment_amount: '1000.44',
				commission_amount: '0.00',
				is_partial_payment: false,
				account: SANDBOX_ACCOUNT_ID,
				service: 'payment_card_rub',
				desc: 'Выплата e2e-notify-paid',
				isFinal: true,
				signatureForm: 'php-sha1',
			},
		]);
		expect(branchesRun(execution)).toEqual([['Paid', ['e2e-notify-paid']]]);
	});

	test('cancelled and failed payouts take their own branches', async () => {
		expect(await finalize('e2e-notify-cancel', 'cancel')).toMatchObject({ status: 200 });
		expect(await finalize('e2e-notify-fail', 'fail')).toMatchObject({ status: 200 });

		const executions = await waitForExecutions(example.id, 3);
		expect(executions).toHaveLength(3);
		expect(executions.slice(0, 2).flatMap(branchesRun)).toEqual(
			expect.arrayContaining([
				['Cancelled', ['e2e-notify-cancel']],
				['Failed', ['e2e-notify-fail']],
			]),
		);
	});

	test('PHP-signed notifications with emoji, "/" and a "+" sent unencoded start executions', async () => {
		const { query, sign: phpSign } = phpVectors.get('bonus/2026/11')!;
		expect(phpSign).toContain('+');
		// A naive sender pastes the base64 sign into the URL as is, so n8n reads its "+" as " ".
		const naiveQuery = Object.entries({ ...query, sign: phpSign })
			.map(([name, value]) => `${name}=${name === 'sign' ? value : encodeURIComponent(value)}`)
			.join('&');
		expect(await call(`${exampleUrl}?${naiveQuery}`)).toEqual(ACCEPTED);

		const [execution] = await waitForExecutions(example.id, 4);
		expect(triggerOutput(execution)).toEqual([
			expect.objectContaining({
				order_id: 'bonus/2026/11',
				desc: query.desc,
				commission_amount: '25.00',
				signatureForm: 'php-sha1',
			}),
		]);
		expect(branchesRun(execution)).toEqual([['Paid', ['bonus/2026/11']]]);
	});

	test('forged, altered, unsigned and empty-signed calls get 403 and start nothing', async () => {
		const genuine = harness.sandbox.notifications.find(
			({ query }) => query.order_id === 'e2e-notify-paid',
		)!.query;
		const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const { query: phpQuery, json: phpText } = phpVectors.get('2026-11-payroll-001')!;
		const forgedSign = sign('sha1', Buffer.from(phpText), otherKey).toString('base64');
		const { sign: _sign, ...unsigned } = genuine;
		const before = (await executionsOf(example.id)).length;

		expect(await get(exampleUrl, { ...phpQuery, sign: forgedSign })).toEqual(REFUSED);
		expect(await get(exampleUrl, { ...genuine, amount: '100000.44' })).toEqual(REFUSED);
		expect(await get(exampleUrl, { ...genuine, payment_status: 'cancel' })).toEqual(REFUSED);
		expect(await get(exampleUrl, unsigned)).toEqual(REFUSED);
		expect(await get(exampleUrl, { ...genuine, sign: '' })).toEqual(REFUSED);
		const forgedPost = await call(exampleUrl, {
			method: 'POST',
			body: new URLSearchParams({ ...genuine, amount: '100000.44' }),
		});
		expect(forgedPost).toEqual(REFUSED);

		// The genuine notification sent again, as a POST form: once its execution is there, any
		// execution the refused calls had started would be too.
		const replay = await call(exampleUrl, { method: 'POST', body: new URLSearchParams(genuine) });
		expect(replay).toEqual(ACCEPTED);
		const executions = await waitForExecutions(example.id, before + 1);
		expect(executions).toHaveLength(before + 1);
		expect(triggerOutput(executions[0])).toEqual([
			expect.objectContaining({ order_id: 'e2e-notify-paid', amount: '1000.44' }),
		]);
		// Its (payout, status) was claimed by the first delivery: the business branch stays still.
		expect(branchesRun(executions[0])).toEqual([]);
		expect(executions[0].data.resultData.runData[example.alreadyHandledNode]).toBeDefined();
	});

	test('Statuses and Notification Type filters answer 200 and start nothing for the others', async () => {
		const cancelled = await finalize('e2e-only-paid-cancel', 'cancel');
		expect(cancelled).toMatchObject({ url: onlyPaidUrl, status: 200 });
		const payment = phpVectors.get('invoice-77')!;
		expect(payment.query.type).toBe('payment');
		const before = (await executionsOf(example.id)).length;
		expect(await get(exampleUrl, { ...payment.query, sign: payment.sign })).toEqual(FILTERED);

		expect(await finalize('e2e-only-paid-paid', 'paid')).toMatchObject({ status: 200 });
		const onlyPaid = await waitForExecutions(ONLY_PAID_ID, 1);
		expect(onlyPaid.map(triggerOutput)).toEqual([
			[expect.objectContaining({ order_id: 'e2e-only-paid-paid', payment_status: 'paid' })],
		]);
		expect(await executionsOf(example.id)).toHaveLength(before);
	});

	describe('Confirm with AliKassa', () => {
		const NOT_EMITTED = {
			status: 200,
			body: {
				message: 'Notification received; AliKassa reports another status, so it was not emitted.',
			},
		};
		const BEHIND = {
			status: 503,
			body: {
				message: 'AliKassa does not report this status yet; deliver the notification again later.',
			},
		};
		const UNREACHABLE = {
			status: 503,
			body: {
				message:
					'AliKassa could not be reached to confirm the notification; deliver it again later.',
			},
		};

		test("a notice AliKassa confirms is emitted with AliKassa's current status", async () => {
			const payout = harness.payout('e2e-confirm-paid');
			expect(await finalize('e2e-confirm-paid', 'paid')).toMatchObject({ status: 200 });
			const [execution, ...more] = await waitForExecutions(CONFIRMED_ID, 1);
			expect(more).toEqual([]);
			expect(triggerOutput(execution)).toEqual([
				expect.objectContaining({
					id: payout.id,
					order_id: 'e2e-confirm-paid',
					payment_status: 'paid',
					aliKassaStatus: expect.objectContaining({
						id: payout.id,
						order_id: 'e2e-confirm-paid',
						payment_status: 'paid',
						isFinal: true,
					}),
				}),
			]);
		});

		test('a stale or replayed notice is answered 200 and not emitted; AliKassa unreachable: 503', async () => {
			const { query: genuineFail } = await finalize('e2e-confirm-stale', 'fail');
			expect(await waitForExecutions(CONFIRMED_ID, 2)).toHaveLength(2);

			// A notice correctly signed by AliKassa's key saying "paid", while AliKassa says "fail".
			const replayer = new Notifier(notificationsPrivateKey(), () => undefined);
			const payout = harness.payout('e2e-confirm-stale');
			await replayer.notify({ ...payout, status: 'paid', notificationUrl: confirmedUrl });
			expect(replayer.sent).toEqual([expect.objectContaining({ status: 200 })]);
			expect(await get(confirmedUrl, replayer.sent[0].query)).toEqual(NOT_EMITTED);
			expect(server.output).toContain(
				`AliKassa Trigger: notification not emitted: AliKassa reports payout ${payout.id} as "fail", the notification says "paid"`,
			);

			harness.sandbox.injectFault({ kind: 'http503', path: '/v1/payout/status', times: 1 });
			expect(await get(confirmedUrl, genuineFail)).toEqual(UNREACHABLE);
			// AliKassa delivers it again and now gets its answer: emitted.
			expect(await get(confirmedUrl, genuineFail)).toEqual(ACCEPTED);
			const executions = await waitForExecutions(CONFIRMED_ID, 3);
			expect(executions).toHaveLength(3);
			expect(triggerOutput(executions[0])).toEqual([
				expect.objectContaining({
					order_id: 'e2e-confirm-stale',
					payment_status: 'fail',
					aliKassaStatus: expect.objectContaining({ payment_status: 'fail' }),
				}),
			]);
		});

		test('a signed "paid" notice while AliKassa still says wait: 503 and not emitted; once AliKassa says paid, its own delivery is emitted', async () => {
			const payout = harness.payout('e2e-confirm-behind');
			expect(payout.status).toBe('wait');
			const before = (await executionsOf(CONFIRMED_ID)).length;
			// AliKassa's notice can arrive before its status API reports the same
			const early = new Notifier(notificationsPrivateKey(), () => undefined);
			await early.notify({ ...payout, status: 'paid', notificationUrl: confirmedUrl });
			expect(early.sent).toEqual([expect.objectContaining({ status: 503 })]);
			expect(await get(confirmedUrl, early.sent[0].query)).toEqual(BEHIND);
			expect(server.output).toContain(
				`AliKassa Trigger: payout ${payout.id} is still "wait" at AliKassa, the notification says "paid"; answered 503`,
			);

			expect(await finalize('e2e-confirm-behind', 'paid')).toMatchObject({ status: 200 });
			const executions = await waitForExecutions(CONFIRMED_ID, before + 1);
			expect(executions).toHaveLength(before + 1);
			expect(triggerOutput(executions[0])).toEqual([
				expect.objectContaining({
					id: payout.id,
					order_id: 'e2e-confirm-behind',
					payment_status: 'paid',
					aliKassaStatus: expect.objectContaining({ payment_status: 'paid' }),
				}),
			]);
		});
	});
});
