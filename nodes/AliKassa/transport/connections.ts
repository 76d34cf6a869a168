/**
 * Warm connections to AliKassa. n8n's request helpers build a new HTTP agent for every request
 * (no way to hand them one), so every payout paid for a new TCP connection and, against the
 * real API, a full TLS handshake. These keep-alive agents are kept per origin and proxy for the
 * whole process, so a batch reuses a handful of connections; idle ones close after a few
 * seconds. What n8n's helpers honour stays honoured: HTTP(S)_PROXY, ALL_PROXY and NO_PROXY
 * by n8n's rules, and the TLS trust of the process (system CAs, NODE_EXTRA_CA_CERTS).
 */
import { Agent as HttpAgent, type ClientRequestArgs } from 'http';
import { Agent as HttpsAgent } from 'https';
import { connect as netConnect, type Socket } from 'net';
import type { Duplex } from 'stream';
import { connect as tlsConnect } from 'tls';

import { IDLE_CONNECTION_MS, PROXY_CONNECT_TIMEOUT_MS } from '../core/defaults';
import { proxyForUrl, type Environment } from '../core/proxyEnv';
import { systemError } from './systemError';

type ConnectionCallback = (error: Error | null, socket: Duplex) => void;

/** What to ask a proxy for, and how to prove who we are to it. */
function connectRequest(proxy: URL, host: string, port: number): string {
	const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
	const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
	if (proxy.username !== '') {
		const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
		lines.push(`Proxy-Authorization: Basic ${Buffer.from(user).toString('base64')}`);
	}
	return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A socket to `host:port` through the proxy's CONNECT tunnel. A proxy that refuses or does not
 * answer gets a code the transport reads as "unreachable": nothing reached AliKassa.
 */
function openTunnel(proxy: URL, host: string, port: number, done: ConnectionCallback): void {
	const proxyPort = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
	const socket: Socket =
		proxy.protocol === 'https:'
			? tlsConnect({ host: proxy.hostname, port: proxyPort, servername: proxy.hostname })
			: netConnect({ host: proxy.hostname, port: proxyPort });
	let answer = Buffer.alloc(0);
	let settled = false;
	const settle = (error: Error | null) => {
		if (settled) return;
		settled = true;
		socket.off('data', onData);
		socket.off('error', fail);
		socket.setTimeout(0);
		done(error, socket);
	};
	const fail = (error: Error) => {
		socket.destroy();
		settle(error);
	};
	const onData = (chunk: Buffer) => {
		answer = Buffer.concat([answer, chunk]);
		const end = answer.indexOf('\r\n\r\n');
		if (end === -1) {
			if (answer.length > 16_384)
				fail(systemError('The proxy sent an endless answer', 'ECONNREFUSED'));
			return;
		}
		const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.toString('latin1'))?.[1];
		if (status !== '200') {
			fail(
				systemError(
					`The proxy ${proxy.host} refused to connect to ${host}:${port} (HTTP ${status ?? '?'})`,
					'ECONNREFUSED',
				),
			);
			return;
		}
		if (end + 4 < answer.length) socket.unshift(answer.subarray(end + 4));
		settle(null);
	};
	socket.setTimeout(PROXY_CONNECT_TIMEOUT_MS, () =>
		fail(systemError(`The proxy ${proxy.host} did not answer CONNECT`, 'EHOSTUNREACH')),
	);
	socket.on('data', onData);
	socket.on('error', fail);
	socket.once(proxy.protocol === 'https:' ? 'secureConnect' : 'connect', () =>
		socket.write(connectRequest(proxy, host, port)),
	);
}

/** TLS to AliKassa inside the tunnel, with the session cache and checks of Node's own agent. */
class TunnellingHttpsAgent extends HttpsAgent {
	constructor(private readonly proxy: URL) {
		super({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
	}

	createConnection(options: ClientRequestArgs, callback: ConnectionCallback): undefined {
		const host = options.host ?? 'localhost';
		openTunnel(this.proxy, host, Number(options.port), (error, socket) => {
			if (error) return callback(error, socket);
			const secure = super.createConnection({ ...options, socket } as ClientRequestArgs);
			if (secure) callback(null, secure);
		});
		return undefined;
	}
}

/** Plain HTTP (the local sandbox) through the proxy's CONNECT tunnel. */
class TunnellingHttpAgent extends HttpAgent {
	constructor(private readonly proxy: URL) {
		super({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
	}

	createConnection(options: ClientRequestArgs, callback: ConnectionCallback): undefined {
		openTunnel(this.proxy, options.host ?? 'localhost', Number(options.port), callback);
		return undefined;
	}
}

function createAgent(url: URL, proxy: string): HttpAgent {
	const secure = url.protocol === 'https:';
	if (proxy !== '') {
		return secure
			? new TunnellingHttpsAgent(new URL(proxy))
			: new TunnellingHttpAgent(new URL(proxy));
	}
	const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
	return secure ? new HttpsAgent(options) : new HttpAgent(options);
}

const agents = new Map<string, HttpAgent>();

/** The process's keep-alive agent for this URL's origin and the proxy the environment names. */
export function agentFor(url: URL, env: Environment = process.env): HttpAgent {
	const proxy = proxyForUrl(url, env);
	const key = `${url.origin} ${proxy}`;
	let agent = agents.get(key);
	if (agent === undefined) {
		agent = createAgent(url, proxy);
		agents.set(key, agent);
	}
	return agent;
}

/** Closes every connection (tests, so that nothing outlives them). */
export function closeConnections(): void {
	for (const agent of agents.values()) agent.destroy();
	agents.clear();
}
