import type { IDataObject } from 'n8n-workflow';

import { MAX_TIMEOUT_SECONDS } from '../../nodes/AliKassa/core/defaults';
import { expectSuccess, fromItem, payoutRunner, row } from '../support/payoutRows';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });
const { run, payoutRequests, sentOrderIds } = payoutRunner(sandbox);

const autoMapped = { operation: 'create', dataMode: 'autoMapInputData' };

/** The bodies the sandbox received, by order_id, as signed and sent. */
function sentBodies(): Map<string, string> {
	return new Map(
		payoutRequests().map((request) => [
			(JSON.parse(request.body) as { order_id: string }).order_id,
			request.body,
		]),
	);
}

describe('Data Mode: Auto-Map Input Data to Fields', () => {
	it('sends exactly the bytes the four expressions send, and leaves other columns out', async () => {
		const rows = (prefix: string) =>
			Array.from({ length: 6 }, (_, index) =>
				row(`${prefix}-${index}`, { amount: `${index + 1}.5`, employee: `Employee ${index}` }),
			);
		expectSuccess(await run({ parameters: fromItem, items: rows('by-expressions') }));
		const byExpressions = sentBodies();
		expectSuccess(await run({ parameters: autoMapped, items: rows('auto-mapped') }));
		const autoBodies = [...sentBodies()].filter(([orderId]) => orderId.startsWith('auto-mapped'));

		expect(autoBodies).toHaveLength(6);
		for (const [orderId, body] of autoBodies) {
			const twin = byExpressions.get(orderId.replace('auto-mapped', 'by-expressions'));
			expect(body).toBe(twin?.replace('by-expressions', 'auto-mapped'));
			expect(body).not.toContain('Employee');
		}
		expect(payoutRequests().every((request) => request.signatureValid)).toBe(true);
	});

	it("reads the optional fields under AliKassa's names, skipping empty ones, in the API's order", async () => {
		const result = await run({
			parameters: autoMapped,
			items: [
				row('auto-optional-1', {
					customer_email: 'anna@example.com',
					card_holder: 'ANNA SMIRNOVA',
					notification_endpoint_url: 'https://example.com/hook',
					customer_phone: '',
					comment: 'not a payout field',
				}),
			],
		});
		expectSuccess(result);
		expect(payoutRequests()[0].body).toBe(
			'{"amount":"500.00","number":"4111111111111111","order_id":"auto-optional-1","service":"payment_card_rub",' +
				'"notification_endpoint_url":"https:\\/\\/example.com\\/hook","extra":{"card_holder":"ANNA SMIRNOVA"},' +
				'"customer_email":"anna@example.com"}',
		);
	});

	it('refuses a row without order_id before sending, naming the input field; the others are paid', async () => {
		const { order_id: _, ...withoutOrderId } = row('never-sent');
		const result = await run({
			parameters: autoMapped,
			items: [row('auto-ok-1'), withoutOrderId, row('auto-ok-2')],
			onError: 'continueRegularOutput',
		});
		expectSuccess(result);
		expect(result.output.map((item) => item.json.payment_status)).toEqual([
			'wait',
			undefined,
			'wait',
		]);
		expect(result.output[1].json).toEqual({
			error: 'Not paid: Order ID must be text, got nothing',
			description:
				'Check the "order_id" field of the input item (Data Mode: Auto-Map Input Data to Fields). Nothing was sent to AliKassa.',
		});
		expect(sentOrderIds()).toEqual(['auto-ok-1', 'auto-ok-2']);
	});
});

describe('parameters read once per run', () => {
	it('still evaluates an expression inside a collection for every item', async () => {
		const items: IDataObject[] = ['a', 'b', 'c'].map((name) =>
			row(`email-${name}`, { email: `${name}@example.com` }),
		);
		const result = await run({
			parameters: { ...fromItem, additionalFields: { customerEmail: '={{ $json.email }}' } },
			items,
		});
		expectSuccess(result);
		const emails = [...sentBodies().values()].map(
			(body) => (JSON.parse(body) as { customer_email: string }).customer_email,
		);
		expect(emails.sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
	});

	it('checks an option given by an expression for every item', async () => {
		const result = await run({
			parameters: { ...fromItem, options: { timeoutSeconds: '={{ $json.timeout }}' } },
			items: [row('timeout-1', { timeout: 10 }), row('timeout-2', { timeout: -1 })],
			onError: 'continueRegularOutput',
		});
		expectSuccess(result);
		expect(result.output[0].json.payment_status).toBe('wait');
		expect(result.output[1].json.error).toBe(
			`Not paid: Order ID "timeout-2": Timeout (Seconds) must be a number above 0 and at most ${MAX_TIMEOUT_SECONDS}, got -1`,
		);
		expect([...sentBodies().keys()]).toEqual(['timeout-1']);
	});
});
