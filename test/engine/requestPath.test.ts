/**
 * The node's request path (n8n's `httpRequest` helper with the body already signed): it signs
 * exactly as the credential's `authenticate`, never follows a redirect, keeps to its timeout
 * against a trickling server, bounds the answer's size and maps errors as before. n8n's
 * helper applies n8n's proxy settings (n8n-core's own tests cover those).
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';

import type { IDataObject } from 'n8n-workflow';

import { MAX_ANSWER_BYTES } from '../../nodes/AliKassa/core/defaults';
import { AliKassaPayoutApi } from '../../credentials/AliKassaPayoutApi.credentials';
import { listen } from '../support/localServer';
import { runPayoutNode } from '../../scripts/engine';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'].flatMap((name) => [
	name,
	name.toLowerCase(),
]);
const savedProxyEnv = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
const cleanUps: Array<() => Promise<void> | void> = [];

beforeEach(() => {
	for (const name of PROXY_VARIABLES) delete process.env[name];
});

afterEach(async () => {
	for (const cleanUp of cleanUps.splice(0)) await cleanUp();
	for (const [name, value] of savedProxyEnv) {
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
	}
});

const fromItem = {
	amount: '={{ $json.amount }}',
	number: '={{ $json.number }}',
	orderId: '={{ $json.order_id }}',
	service: '={{ $json.service }}',
};

function rows(prefix: string, count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({
		amount: `${index + 10}.50`,
		number: '4111111111111111',
		order_id: `${prefix}-${index}`,
		service: 'payment_card_rub',
	}));
}

function createPayouts(items: IDataObject[], concurrency = 5, baseUrl = sandbox().url) {
	return runPayoutNode({
		parameters: { operation: 'create', ...fromItem, options: { concurrency } },
		items,
		credentials: sandboxCredentials(baseUrl),
	});
}

/** Get Balance, failures as error items on the regular output. */
async function balance(baseUrl: string, timeoutSeconds = 30): Promise<IDataObject> {
	const result = await runPayoutNode({
		parameters: { operation: 'getBalance', options: { timeoutSeconds } },
		credentials: sandboxCredentials(baseUrl),
		onError: 'continueRegularOutput',
	});
	expect(result.error).toBeUndefined();
	return result.output[0].json;
}

async function startServer(handler: Parameters<typeof listen>[0]): Promise<string> {
	const server = await listen(handler);
	cleanUps.push(() => server.close());
	return server.url;
}

/** The address of a port that was just let go, where nothing listens. */
async function closedPortUrl(): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}`;
}

describe('signing', () => {
	it('sends the very bytes and Sign that the credential’s authenticate makes for the same body', async () => {
		const result = await createPayouts(rows('same-bytes', 3));
		expect(result.error).toBeUndefined();
		const requests = sandbox().requests;
		// the one question before the batch, then the rows
		expect(requests.map((request) => request.path)).toEqual([
			'/v1/account/info',
			'/v1/payout',
			'/v1/payout',
			'/v1/payout',
		]);
		for (const request of requests) {
			const authenticated = await new AliKassaPayoutApi().authenticate(
				sandboxCredentials(sandbox().url),
				{ method: 'POST', url: `${sandbox().url}${request.path}`, body: JSON.parse(request.body) },
			);
			expect(authenticated.body).toBe(request.body);
			expect(authenticated.headers).toMatchObject({
				Account: request.account,
				Sign: request.sign,
				'Content-Type': 'application/json',
			});
			expect(request.signatureValid).toBe(true);
		}
	});
});

describe('the exchange', () => {
	it('does not follow a redirect, even to AliKassa itself', async () => {
		const redirecting = await startServer((request, response) => {
			response.writeHead(307, { Location: `${sandbox().url}${request.url}` }).end();
		});
		const answer = await balance(redirecting);
		expect(answer).toMatchObject({
			httpCode: '307',
			error: expect.stringMatching(/redirect \(HTTP 307\) .*not followed/),
		});
		expect(sandbox().requests).toHaveLength(0);
	});

	it('ends the exchange at the timeout even while the server keeps trickling bytes', async () => {
		const trickling = await startServer((_, response) => {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			const timer = setInterval(() => response.write(' '), 100);
			response.once('close', () => clearInterval(timer));
		});
		const started = Date.now();
		const answer = await balance(trickling, 1);
		expect(answer.error).toBe('AliKassa did not answer v1/account/balance within 1 s');
		// A generous bound: an idle timer would never fire here.
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('cuts off an answer larger than MAX_ANSWER_BYTES', async () => {
		const endless = await startServer((_, response) => {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(`{"pad":"${'x'.repeat(MAX_ANSWER_BYTES)}"}`);
		});
		const answer = await balance(endless);
		expect(answer.error).toBe('The connection to AliKassa broke during v1/account/balance');
		expect(answer.description).toMatch(/EMSGSIZE/);
	});

	it('maps a refused connection and a reset as before', async () => {
		const refused = await balance(await closedPortUrl());
		expect(refused.error).toBe('Cannot reach AliKassa; nothing was sent');
		expect(refused.description).toMatch(/ECONNREFUSED/);

		sandbox().injectFault({ kind: 'reset', path: '/v1/account/balance' });
		const reset = await balance(sandbox().url);
		expect(reset.error).toBe('The connection to AliKassa broke during v1/account/balance');
		expect(reset.description).toMatch(/ECONNRESET/);
	});
});
