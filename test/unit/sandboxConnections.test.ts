/** The sandbox over HTTPS with its test CA, and the connections it counts for the bench. */
import { Agent as HttpAgent, request as httpRequest } from 'http';
import { Agent as HttpsAgent, request as httpsRequest } from 'https';
import { readFileSync } from 'fs';

import { signRequest, readCredentials } from '../../nodes/AliKassa/core/credentials';
import { sandboxCaFile, startSandbox, type Sandbox } from '../../sandbox/server';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';

const CA = readFileSync(sandboxCaFile());
const open: Sandbox[] = [];

afterAll(async () => {
	await Promise.all(open.map((sandbox) => sandbox.close()));
});

async function sandboxWith(tls: boolean): Promise<Sandbox> {
	const sandbox = await startSandbox({ quiet: true, tls });
	open.push(sandbox);
	return sandbox;
}

/** A signed balance request; resolves with the HTTP status. */
async function balance(
	sandbox: Sandbox,
	agent: HttpAgent | HttpsAgent,
	ca?: Buffer,
): Promise<number> {
	const signed = await signRequest(readCredentials(sandboxCredentials(sandbox.url)), []);
	const url = `${sandbox.url}/v1/account/balance`;
	const send = url.startsWith('https:') ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const request = send(
			url,
			{ method: 'POST', agent, headers: signed.headers, ca },
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			},
		);
		request.on('error', reject);
		request.end(signed.body);
	});
}

function controlGet(sandbox: Sandbox, path: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = httpsRequest(`${sandbox.url}/_sandbox/${path}`, { ca: CA }, (response) => {
			response.resume();
			response.on('end', () => resolve(response.statusCode ?? 0));
		});
		request.on('error', reject);
		request.end();
	});
}

describe('the sandbox over HTTPS', () => {
	it('serves its API with the test certificate, which a client trusts through ca.pem', async () => {
		const sandbox = await sandboxWith(true);
		expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
		try {
			expect(await balance(sandbox, agent, CA)).toBe(200);
			await expect(balance(sandbox, new HttpsAgent())).rejects.toThrow(/certificate/);
		} finally {
			agent.destroy();
		}
	});

	it('counts the connections and handshakes API requests came over, not control calls', async () => {
		const sandbox = await sandboxWith(true);
		const warm = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: CA });
		const cold = new HttpsAgent({ keepAlive: false, ca: CA });
		try {
			for (let call = 0; call < 5; call++) expect(await balance(sandbox, warm)).toBe(200);
			expect(sandbox.connections()).toEqual({
				tcp: 1,
				tlsHandshakes: 1,
				tlsResumed: 0,
				requests: 5,
			});
			for (let call = 0; call < 3; call++) expect(await balance(sandbox, cold)).toBe(200);
			expect(await controlGet(sandbox, 'connections')).toBe(200);
			const counts = sandbox.connections();
			expect(counts).toMatchObject({ tcp: 4, tlsHandshakes: 4, requests: 8 });
			// Node's agent offers its cached TLS session again on the later new connections.
			expect(counts.tlsResumed).toBeGreaterThanOrEqual(1);
			expect(counts.tlsResumed).toBeLessThanOrEqual(2);

			sandbox.reset();
			expect(await balance(sandbox, warm)).toBe(200);
			expect(sandbox.connections()).toEqual({
				tcp: 0,
				tlsHandshakes: 0,
				tlsResumed: 0,
				requests: 1,
			});
		} finally {
			warm.destroy();
			cold.destroy();
		}
	});

	it('counts TCP connections of plain HTTP, without handshakes', async () => {
		const sandbox = await sandboxWith(false);
		const agent = new HttpAgent({ keepAlive: true, maxSockets: 2 });
		try {
			await Promise.all([1, 2, 3, 4].map(() => balance(sandbox, agent)));
			expect(sandbox.connections()).toEqual({
				tcp: 2,
				tlsHandshakes: 0,
				tlsResumed: 0,
				requests: 4,
			});
		} finally {
			agent.destroy();
		}
	});
});
