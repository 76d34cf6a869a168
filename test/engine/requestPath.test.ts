/**
 * The node's own request path (warm connections instead of n8n's per-request agent): it signs
 * exactly as the credential's `authenticate`, reuses connections, never follows a redirect,
 * keeps to its timeout, honours the proxy environment as n8n does and maps errors as before.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';

import type { IDataObject } from 'n8n-workflow';

import { AliKassaPayoutApi } from '../../credentials/AliKassaPayoutApi.credentials';
import { closeConnections } from '../../nodes/AliKassa/transport/connections';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy';
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
	closeConnections();
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

async function proxy(options: { refuseWith?: number } = {}): Promise<ConnectProxy> {
	const started = await startConnectProxy(options);
	cleanUps.push(() => started.close());
	return started;
}

describe('signing', () => {
	it('sends the very bytes and Sign that the credential’s authenticate makes for the same body', async () => {
		const result = await createPayouts(rows('same-bytes', 3));
		expect(result.error).toBeUndefined();
		const requests = sandbox().requests;
		expect(requests).toHaveLength(3);
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

describe('connections', () => {
	it('reuses them across a batch: no more connections than the concurrency', async () => {
		const result = await createPayouts(rows('warm', 60), 5);
		expect(result.error).toBeUndefined();
		expect(result.output.filter((item) => item.json.id !== undefined)).toHaveLength(60);
		const counts = sandbox().connections();
		expect(counts.requests).toBe(60);
		expect(counts.tcp).toBeGreaterThanOrEqual(1);
		expect(counts.tcp).toBeLessThanOrEqual(5);
	});

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

describe('proxy settings from the environment, as n8n honours them', () => {
	it('tunnels through the proxy HTTP_PROXY names', async () => {
		const tunnel = await proxy();
		process.env.HTTP_PROXY = tunnel.url;
		const result = await createPayouts(rows('proxied', 12), 3);
		expect(result.error).toBeUndefined();
		expect(sandbox().payouts()).toHaveLength(12);
		expect(sandbox().requests.every((request) => request.signatureValid)).toBe(true);
		const target = new URL(sandbox().url).host;
		expect(tunnel.tunnels.length).toBeGreaterThanOrEqual(1);
		expect(tunnel.tunnels.length).toBeLessThanOrEqual(3);
		expect(tunnel.tunnels.every((opened) => opened.target === target)).toBe(true);
	});

	it('goes direct to a host NO_PROXY lists', async () => {
		const tunnel = await proxy();
		process.env.http_proxy = tunnel.url;
		process.env.no_proxy = 'example.com, 127.0.0.1';
		const result = await createPayouts(rows('no-proxy', 4));
		expect(result.error).toBeUndefined();
		expect(sandbox().payouts()).toHaveLength(4);
		expect(tunnel.tunnels).toHaveLength(0);
	});

	it('sends the proxy login, and a refusing proxy means nothing was sent', async () => {
		const refusing = await proxy({ refuseWith: 407 });
		const withLogin = new URL(refusing.url);
		withLogin.username = 'n8n';
		withLogin.password = 'p@ss';
		process.env.ALL_PROXY = withLogin.href;
		const answer = await balance(sandbox().url);
		expect(answer.error).toBe('Cannot reach AliKassa; nothing was sent');
		expect(answer.description).toMatch(/ECONNREFUSED/);
		expect(refusing.tunnels[0].authorization).toBe(
			`Basic ${Buffer.from('n8n:p@ss').toString('base64')}`,
		);
		expect(sandbox().requests).toHaveLength(0);
	});
});
