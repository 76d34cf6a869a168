/**
 * Signed requests go only to the Base URL: a redirect is never followed (issue 9), and what it
 * means for the money is said truthfully (issue 8).
 */
import { runPayoutNode, stopEngineTimers } from '../../scripts/engine';
import { listen, type LocalServer } from '../support/localServer';
import { fromItem, row } from '../support/payoutRows';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';

let foreign: LocalServer;
let status = 307;
let redirecting: LocalServer;

beforeAll(async () => {
	foreign = await listen((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'application/json' });
		response.end('{"payment_status":"wait","id":1}');
	});
	redirecting = await listen((request, response) => {
		response.writeHead(status, { Location: `${foreign.url}${request.url}` });
		response.end();
	});
});

afterEach(() => {
	foreign.requests.length = 0;
	redirecting.requests.length = 0;
});

afterAll(async () => {
	await Promise.all([foreign.close(), redirecting.close()]);
	stopEngineTimers();
});

async function createPayoutThrough(statusCode: number) {
	status = statusCode;
	return await runPayoutNode({
		parameters: fromItem,
		items: [row('redirect-1')],
		credentials: sandboxCredentials(redirecting.url),
	});
}

describe('redirects are never followed', () => {
	it.each([301, 302, 307, 308])(
		'a %d to Create Payout is "Not paid", naming the status and the Location host; the foreign host receives nothing',
		async (statusCode) => {
			const result = await createPayoutThrough(statusCode);
			expect(result.error!.message).toMatch(
				new RegExp(
					`^Not paid: Order ID "redirect-1": AliKassa answered v1/payout with a redirect \\(HTTP ${statusCode}\\) to ${foreign.url.replace('http://', '').replace(/\./g, '\\.')}, which was not followed`,
				),
			);
			// the question before the batch is redirected too, not followed, and the row goes unchecked
			expect(redirecting.requests).toEqual(['POST /v1/account/info', 'POST /v1/payout']);
			expect(foreign.requests).toEqual([]);
		},
	);

	it('a 303 (the answer of a server that processed the POST) is "Outcome unknown"', async () => {
		const result = await createPayoutThrough(303);
		expect(result.error!.message).toMatch(
			/^Outcome unknown: Order ID "redirect-1": AliKassa answered v1\/payout with a redirect \(HTTP 303\) to 127\.0\.0\.1:\d+, which was not followed, and AliKassa could not be asked whether it has the payout \(AliKassa answered v1\/payout\/status with a redirect \(HTTP 303\)/,
		);
		expect(redirecting.requests).toEqual([
			'POST /v1/account/info',
			'POST /v1/payout',
			'POST /v1/payout/status',
		]);
		expect(foreign.requests).toEqual([]);
	});

	it('Get Balance through a redirect is an error naming it, and nothing reaches the foreign host', async () => {
		status = 302;
		const result = await runPayoutNode({
			parameters: { operation: 'getBalance' },
			credentials: sandboxCredentials(redirecting.url),
		});
		expect(result.error!.message).toMatch(
			/^AliKassa answered v1\/account\/balance with a redirect \(HTTP 302\) to 127\.0\.0\.1:\d+, which was not followed/,
		);
		expect(foreign.requests).toEqual([]);
	});
});
