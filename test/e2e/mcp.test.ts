/**
 * Payouts from AI agents: examples/mcp-payouts-for-agents.json published in a real n8n
 * (`n8n start`), its MCP Server Trigger driven by a real MCP client (no language model) the way
 * an agent calls tools. n8n offers community-node tools only with
 * N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE=true.
 */
import { agentCredential, EXAMPLES, loadExample, pointWorkflowAt } from '../../scripts/examples';
import type { N8nServer } from '../../scripts/n8n';
import { orderIdOf } from '../../scripts/sandboxProcess';
import { expectNoSecrets } from '../../scripts/sandboxCredentials';
import { connectMcp, waitForEndpoint, type McpSession } from '../support/mcpClient';
import { SETUP_TIMEOUT_MS, setUpN8n, type N8nHarness } from '../support/n8nHarness';

const { mcpPayouts: example } = EXAMPLES;
const BEARER_TOKEN = 'e2e-mcp-token-5b1f0c7e';
const AGENT_CAP = '5000.00';
const CALL_TIMEOUT_MS = 60_000;

let harness: N8nHarness;
let server: N8nServer;
let mcp: McpSession;

function payoutRequestsFor(orderId: string) {
	return harness.sandbox.requests.filter(
		(request) => request.path === '/v1/payout' && orderIdOf(request) === orderId,
	);
}

/** A tool's JSON answer: n8n hands the agent the node's output items. */
function answerItems(text: string): Array<Record<string, unknown>> {
	return JSON.parse(text) as Array<Record<string, unknown>>;
}

beforeAll(async () => {
	harness = await setUpN8n({ env: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' } });
	await harness.n8n.importCredentials([
		agentCredential(harness.sandbox.url, AGENT_CAP),
		{ ...example.tokenCredential, type: 'httpBearerAuth', data: { token: BEARER_TOKEN } },
	]);
	await harness.n8n.importWorkflows([
		pointWorkflowAt(loadExample(example.file), { sandboxUrl: harness.sandbox.url }),
	]);
	await harness.n8n.publishWorkflow(example.id);
	server = await harness.n8n.start();
	const url = `${server.url}/mcp/${example.path}`;
	await waitForEndpoint(url);
	mcp = await connectMcp(url, BEARER_TOKEN);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await mcp?.close();
	await server?.stop();
	await harness?.close();
}, 60_000);

test('without the token the MCP endpoint lets nobody in', async () => {
	await expect(connectMcp(`${server.url}/mcp/${example.path}`, 'wrong-token')).rejects.toThrow();
});

test('the agent sees three tools whose fields say what they are and that the order ID must stay the same', async () => {
	const { tools } = await mcp.listTools();
	const byName = new Map(tools.map((tool) => [tool.name, tool]));
	expect([...byName.keys()].sort()).toEqual(['Create_Payout', 'Get_Balance', 'Get_Payout_Status']);

	const create = byName.get('Create_Payout')!;
	expect(create.description).toMatch(/same order_id/i);
	const properties = create.inputSchema.properties as Record<
		string,
		{ type: string; description: string }
	>;
	expect(Object.keys(properties).sort()).toEqual(['amount', 'card_number', 'order_id']);
	expect(create.inputSchema.required).toEqual(
		expect.arrayContaining(['amount', 'card_number', 'order_id']),
	);
	for (const field of Object.values(properties)) expect(field.type).toBe('string');
	expect(properties.order_id.description).toMatch(/SAME order_id/);
	expect(properties.order_id.description).toMatch(/alreadyCreated/);
	expect(properties.amount.description).toMatch(/Maximum Amount per Payout/);
	expect(properties.card_number.description).toMatch(/card number/);

	const status = byName.get('Get_Payout_Status')!;
	expect(Object.keys(status.inputSchema.properties ?? {})).toEqual(['order_id']);
	expect(Object.keys(byName.get('Get_Balance')!.inputSchema.properties ?? {})).toEqual([]);
});

test(
	'a retried Create Payout with the same order_id pays once and answers alreadyCreated; status and balance answer',
	async () => {
		const args = { order_id: 'agent-0001', amount: '1500.00', card_number: '4111111111111111' };
		const first = await mcp.call('Create_Payout', args);
		expect(first.isError).toBe(false);
		const [created] = answerItems(first.text);
		expect(created).toEqual({
			order_id: 'agent-0001',
			id: expect.any(Number),
			payment_status: 'wait',
		});

		const retry = await mcp.call('Create_Payout', args);
		expect(retry.isError).toBe(false);
		expect(answerItems(retry.text)).toEqual([{ ...created, alreadyCreated: true }]);
		expect(harness.sandbox.payouts().filter((payout) => payout.orderId === 'agent-0001')).toEqual([
			expect.objectContaining({ id: created.id, amount: '1500.00' }),
		]);

		const status = await mcp.call('Get_Payout_Status', { order_id: 'agent-0001' });
		expect(status.isError).toBe(false);
		expect(answerItems(status.text)).toEqual([
			expect.objectContaining({ id: created.id, order_id: 'agent-0001', payment_status: 'wait' }),
		]);
		const balance = await mcp.call('Get_Balance', {});
		expect(balance.isError).toBe(false);
		expect(answerItems(balance.text)).toEqual([
			expect.objectContaining({ currency: 'RUB', balance: expect.any(String) }),
		]);
		expectNoSecrets(first.text + retry.text + status.text + balance.text);
	},
	CALL_TIMEOUT_MS,
);

test(
	"a payout above the credential's Maximum Amount per Payout is refused with 'Not paid' and nothing is sent",
	async () => {
		const answer = await mcp.call('Create_Payout', {
			order_id: 'agent-over-cap',
			amount: '5000.01',
			card_number: '4111111111111111',
		});
		expect(answer.text).toMatch(/Not paid/);
		expect(answer.text).toMatch(/Maximum Amount per Payout \(5000\.00\)/);
		expect(answer.text).toContain('agent-over-cap');
		expect(payoutRequestsFor('agent-over-cap')).toEqual([]);
		expect(harness.sandbox.payouts().some((payout) => payout.orderId === 'agent-over-cap')).toBe(
			false,
		);
		expectNoSecrets(answer.text);
	},
	CALL_TIMEOUT_MS,
);

test(
	'a bad field gives the agent a clear error naming the field, and nothing is paid',
	async () => {
		const answer = await mcp.call('Create_Payout', {
			order_id: 'agent-bad-amount',
			amount: 'twelve roubles',
			card_number: '4111111111111111',
		});
		expect(answer.text).toMatch(/Not paid/);
		expect(answer.text).toMatch(/amount/i);
		expect(payoutRequestsFor('agent-bad-amount')).toEqual([]);

		// AliKassa refuses an order ID it has (the payout of the retry test, 1500.00): the lookup
		// finds another amount, and the agent is told so as text, not given an empty answer.
		const reused = await mcp.call('Create_Payout', {
			order_id: 'agent-0001',
			amount: '20.00',
			card_number: '4111111111111111',
		});
		expect(reused.text).toMatch(/Not paid/);
		expect(reused.text).toContain('agent-0001');
		expect(harness.sandbox.payouts().filter((payout) => payout.orderId === 'agent-0001')).toEqual([
			expect.objectContaining({ amount: '1500.00' }),
		]);
	},
	CALL_TIMEOUT_MS,
);
