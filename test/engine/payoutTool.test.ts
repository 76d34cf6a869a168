/**
 * The payout node's tool variant (usableAsTool → aliKassaPayoutTool) called by an AI agent in
 * n8n's engine, both ways n8n 2.8 runs a tool (scripts/engine.ts, ToolPath): the agent is told
 * what happened, "Not paid: …" included, and is never handed an empty answer for a payout.
 */
import type { IDataObject } from 'n8n-workflow';

import { callPayoutTool, type OnError, type ToolPath } from '../../scripts/engine';
import { EXAMPLES, loadExample } from '../../scripts/examples';
import { expectNoSecrets, sandboxCredentials } from '../../scripts/sandboxCredentials';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });

/** The MCP example's Create Payout tool: its fields come from the model ($fromAI). */
const createParameters = loadExample(EXAMPLES.mcpPayouts.file).nodes.find(
	(node) => node.name === 'Create Payout',
)!.parameters as IDataObject;

const CARD = '4111111111111111';
const PATHS: ToolPath[] = ['engineRequest', 'supplyData'];

function call(path: ToolPath, toolInput: IDataObject, onError?: OnError) {
	return callPayoutTool({
		path,
		parameters: createParameters,
		toolInput,
		credentials: sandboxCredentials(sandbox().url),
		onError,
	});
}

const payoutRequests = () => sandbox().requests.filter((request) => request.path === '/v1/payout');

describe.each(PATHS)('the tool called by an agent (%s)', (path) => {
	describe.each<OnError | undefined>([undefined, 'continueRegularOutput'])(
		'On Error %s',
		(onError) => {
			it('a refused payout: the agent is told "Not paid: …" with the reason, nothing is sent, the execution goes on', async () => {
				const answer = await call(
					path,
					{ order_id: 'tool-bad', amount: '12.345', card_number: CARD },
					onError,
				);

				expect(answer.run.status).toBe('success');
				expect(answer.thrown).toBeUndefined();
				expect(JSON.parse(answer.observation ?? 'null')).toEqual([
					{
						error: expect.stringMatching(
							/^Not paid: Order ID "tool-bad": Amount "12\.345" has more than 2 decimals/,
						),
						order_id: 'tool-bad',
						description: expect.stringContaining('Nothing was sent to AliKassa'),
					},
				]);
				expect(payoutRequests()).toEqual([]);
				expectNoSecrets(answer.observation ?? '');
			});

			it('a payout made: the agent is told its id and status', async () => {
				const answer = await call(
					path,
					{ order_id: 'tool-ok', amount: '12.34', card_number: CARD },
					onError,
				);

				const [payout] = sandbox().payouts();
				expect(JSON.parse(answer.observation ?? 'null')).toEqual([
					{ order_id: 'tool-ok', id: payout.id, payment_status: 'wait' },
				]);
			});
		},
	);

	it('On Error "Continue (using error output)": the tool pays nothing, and says why where n8n lets it', async () => {
		const answer = await call(
			path,
			{ order_id: 'tool-error-output', amount: '12.34', card_number: CARD },
			'continueErrorOutput',
		);

		expect(payoutRequests()).toEqual([]);
		expect(sandbox().payouts()).toEqual([]);
		if (path === 'engineRequest') {
			// n8n's engine moves the tool's answer to an error output no agent reads: empty.
			expect(answer.observation).toBe('""');
		} else {
			expect(JSON.parse(answer.observation ?? 'null')).toEqual([
				expect.objectContaining({
					error: expect.stringMatching(
						/^Not paid: this tool's On Error is "Continue \(using error output\)"/,
					),
				}),
			]);
		}
	});
});
