/**
 * The bench's references: a bare Node client that sends the node's signed payout requests with
 * the node's own native signer (OpenSSL on libuv's thread pool) and nothing else (no n8n, no
 * retries, no lookups), over keep-alive connections (the limit) or over a new connection per
 * request, as n8n's request helper sends them.
 */
import { Agent as HttpAgent, request as httpRequest } from 'http';
import { Agent as HttpsAgent, request as httpsRequest } from 'https';
import { performance } from 'perf_hooks';

import { readCredentials, signRequest } from '../nodes/AliKassa/core/credentials';
import { signedBodyOf, type PayoutRow } from './benchRows';

export interface BareRun {
	wallMs: number;
	/** CPU time of this process (the client) during the run */
	cpuMs: number;
	/** requests answered HTTP 200 */
	created: number;
}

/**
 * `keep-alive`: one agent for the run, its connections reused. `new`: a new agent per request
 * (Node's `agent: false`), as n8n-core's httpRequest builds one for every request: a new TCP
 * connection each time, and over HTTPS a full TLS handshake, as a new agent has no TLS session
 * to resume.
 */
export type BareConnections = 'keep-alive' | 'new';

export const BARE_CONNECTIONS: readonly BareConnections[] = ['keep-alive', 'new'];

export interface BareClientOptions {
	/** The credential's fields, as n8n would hand them to the node. */
	credential: Record<string, string>;
	rows: readonly PayoutRow[];
	concurrency: number;
	connections: BareConnections;
	/** The CA to trust over HTTPS (the sandbox's test CA). */
	ca?: Buffer;
}

export async function sendBare({
	credential,
	rows,
	concurrency,
	connections,
	ca,
}: BareClientOptions): Promise<BareRun> {
	const credentials = readCredentials(credential);
	const url = new URL(`${credentials.baseUrl}/v1/payout`);
	const secure = url.protocol === 'https:';
	const Agent = secure ? HttpsAgent : HttpAgent;
	const agent =
		connections === 'keep-alive'
			? new Agent({ keepAlive: true, maxSockets: concurrency })
			: undefined;
	const send = secure ? httpsRequest : httpRequest;
	const post = async (row: PayoutRow) => {
		const signed = await signRequest(credentials, signedBodyOf(row));
		return new Promise<number>((resolve, reject) => {
			const options = { method: 'POST', agent: agent ?? false, ca, headers: signed.headers };
			const request = send(url, options, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					JSON.parse(Buffer.concat(chunks).toString('utf8'));
					resolve(response.statusCode ?? 0);
				});
				response.on('error', reject);
			});
			request.on('error', reject);
			request.end(signed.body);
		});
	};

	let next = 0;
	let created = 0;
	const lane = async () => {
		while (next < rows.length) {
			if ((await post(rows[next++])) === 200) created++;
		}
	};
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
		const cpu = process.cpuUsage(cpuBefore);
		return { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, created };
	} finally {
		agent?.destroy();
	}
}
