/**
 * The Service field's list in a real n8n 2.8.4 (`n8n start`, the package installed as n8n
 * installs it): n8n's own /rest/dynamic-node-parameters/resource-locator-results, which the
 * editor calls when the list opens, signed by the credential against the sandbox.
 */
import { PACKAGE_NAME, LOCAL_OWNER, type N8nServer } from '../../scripts/n8n';
import { SANDBOX_CREDENTIAL } from '../../scripts/examples';
import { SETUP_TIMEOUT_MS, setUpN8n, type N8nHarness } from '../support/n8nHarness';

let harness: N8nHarness;
let server: N8nServer;
let cookie: string;

/** What the editor sends when Create Payout's Service list opens (and when one types in it). */
async function serviceList(filter?: string): Promise<{ status: number; body: unknown }> {
	const response = await fetch(
		`${server.url}/rest/dynamic-node-parameters/resource-locator-results`,
		{
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Cookie: cookie },
			body: JSON.stringify({
				nodeTypeAndVersion: { name: `${PACKAGE_NAME}.aliKassaPayout`, version: 1 },
				path: 'service',
				methodName: 'searchPayoutServices',
				filter,
				currentNodeParameters: {
					operation: 'create',
					dataMode: 'defineBelow',
					service: { __rl: true, mode: 'list', value: '' },
				},
				credentials: { aliKassaPayoutApi: SANDBOX_CREDENTIAL },
			}),
		},
	);
	return { status: response.status, body: await response.json() };
}

const infoRequests = () =>
	harness.sandbox.requests.filter((request) => request.path === '/v1/account/info');

beforeAll(async () => {
	harness = await setUpN8n();
	server = await harness.n8n.start();
	cookie = await server.setUpOwner(LOCAL_OWNER);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await server?.stop();
	await harness?.close();
});

afterEach(() => {
	harness.sandbox.clearFaults();
	harness.sandbox.reset();
});

test('lists the account’s enabled payout services as method · currency · code, asked signed', async () => {
	harness.sandbox.setAccountInfo(harness.sandbox.accountId, {
		payouts: [
			{
				method: 'payment_card',
				currency: 'RUB',
				service_code: 'payment_card_rub',
				status: 'active',
			},
			{
				method: 'payment_card_sbp',
				currency: 'RUB',
				service_code: 'payment_card_sbp_rub',
				status: 'active',
			},
			{ method: 'qiwi', currency: 'RUB', service_code: 'qiwi_rub', status: 'disabled' },
		],
	});
	const { status, body } = await serviceList();
	expect(status).toBe(200);
	expect(body).toEqual({
		data: {
			results: [
				{ name: 'payment_card · RUB · payment_card_rub', value: 'payment_card_rub' },
				{ name: 'payment_card_sbp · RUB · payment_card_sbp_rub', value: 'payment_card_sbp_rub' },
			],
		},
	});
	expect(infoRequests()).toEqual([
		expect.objectContaining({ body: '[]', signatureValid: true, status: 200 }),
	]);

	// typing in the list's search box narrows it
	const narrowed = await serviceList('sbp');
	expect(narrowed.body).toEqual({
		data: {
			results: [
				{ name: 'payment_card_sbp · RUB · payment_card_sbp_rub', value: 'payment_card_sbp_rub' },
			],
		},
	});
});

test.each([
	[
		'AliKassa cannot be asked (a 500)',
		() => harness.sandbox.injectFault({ kind: 'http500', path: '/v1/account/info' }),
		/^AliKassa did not list the account's services: .*HTTP 500.*\. The service code can still be given By Code\.$/,
	],
	[
		'the account may not pay out',
		() => harness.sandbox.setAccountInfo(harness.sandbox.accountId, { is_allowed_payout: false }),
		/^AliKassa says this account may not make payouts \(is_allowed_payout: false\)\. The service code can still be given By Code\.$/,
	],
	[
		'the account has no enabled payout service',
		() => harness.sandbox.setAccountInfo(harness.sandbox.accountId, { payouts: [] }),
		/^The account has no enabled payout service\. The service code can still be given By Code\.$/,
	],
])('%s: no list, and n8n passes on the reason and the way out', async (_name, arrange, reason) => {
	arrange();
	const { status, body } = await serviceList();
	expect(status).toBeGreaterThanOrEqual(400);
	expect((body as { message?: string }).message).toMatch(reason);
	expect(JSON.stringify(body)).not.toContain('PRIVATE KEY');
});
