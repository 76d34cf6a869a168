/** The AliKassa sandbox CLI (dist-dev/sandbox/cli.js) as a child process, and its control API. */
import { readFileSync } from 'fs';
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import { join } from 'path';

import {
	sandboxCaFile,
	type ConnectionCounts,
	type RecordedRequest,
	type SandboxPayout,
} from '../sandbox/server';
import type { Fault } from '../sandbox/types';
import { REPO_ROOT } from './n8n';
import { childEnv, Service } from './processes';

const SANDBOX_CLI = join(REPO_ROOT, 'dist-dev', 'sandbox', 'cli.js');
const LISTENING = /AliKassa sandbox listening on (https?:\/\/\S+)/;

/**
 * A control call; over HTTPS it trusts the sandbox's test CA, which this process (unlike one
 * started with NODE_EXTRA_CA_CERTS) does not know. Undefined for anything but HTTP 200.
 */
function controlCall<T>(url: string, method = 'GET', body?: string): Promise<T | undefined> {
	const secure = url.startsWith('https:');
	const send = secure ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const request = send(
			url,
			{ method, agent: false, ...(secure && { ca: readFileSync(sandboxCaFile()) }) },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve(
						response.statusCode === 200
							? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as T)
							: undefined,
					),
				);
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** The order_id in the body of a recorded request, if it has one. */
export function orderIdOf(request: RecordedRequest): string | undefined {
	try {
		return (JSON.parse(request.body) as { order_id?: string }).order_id;
	} catch {
		return undefined;
	}
}

export interface SandboxProcessOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** Called with every line the sandbox prints; without it, it runs with --quiet. */
	onLine?: (line: string) => void;
	/** HTTPS with the test CA of sandbox/cert/tls. */
	tls?: boolean;
	/** Delay of every API answer, like a remote AliKassa; left out, the CLI's default applies. */
	latencyMs?: number;
	/** How long payouts stay `wait`. */
	finalAfterMs?: number;
}

export class SandboxProcess {
	private constructor(
		private readonly service: Service,
		readonly url: string,
	) {}

	/** Needs the dev build: `npm run build:dev` makes dist-dev/sandbox/cli.js. */
	static async start({
		port = 0,
		onLine,
		tls = false,
		latencyMs,
		finalAfterMs,
	}: SandboxProcessOptions = {}): Promise<SandboxProcess> {
		const args = [
			SANDBOX_CLI,
			'--port',
			String(port),
			...(onLine ? [] : ['--quiet']),
			...(tls ? ['--tls'] : []),
			...(latencyMs === undefined ? [] : ['--latency-ms', String(latencyMs)]),
			...(finalAfterMs === undefined ? [] : ['--final-after-ms', String(finalAfterMs)]),
		];
		const service = new Service('AliKassa sandbox', process.execPath, args, {
			cwd: REPO_ROOT,
			env: childEnv(),
			onLine,
		});
		try {
			const url = await service.waitUntil(
				'its banner',
				async () => LISTENING.exec(service.output)?.[1],
				20_000,
			);
			await service.waitUntil(
				'an answer on /_sandbox/health',
				() => controlCall(`${url}/_sandbox/health`),
				20_000,
			);
			return new SandboxProcess(service, url);
		} catch (error) {
			await service.stop();
			throw error;
		}
	}

	private async control<T>(path: string, method = 'GET', sent?: object): Promise<T> {
		const body = await controlCall<T>(
			`${this.url}/_sandbox/${path}`,
			method,
			sent === undefined ? undefined : JSON.stringify(sent),
		);
		if (body === undefined) throw new Error(`The sandbox did not answer /_sandbox/${path}`);
		return body;
	}

	/** Every API request it received, in order, with its raw body and signature verdict. */
	requests(): Promise<RecordedRequest[]> {
		return this.control('requests');
	}

	payouts(): Promise<SandboxPayout[]> {
		return this.control('payouts');
	}

	/** TCP connections and TLS handshakes accepted since the start or the last reset. */
	connections(): Promise<ConnectionCounts> {
		return this.control('connections');
	}

	/** Queues a fault (such as latency on one path), as the in-process sandbox's injectFault. */
	async injectFault(fault: Fault): Promise<void> {
		await this.control('faults', 'POST', fault);
	}

	/** Forgets requests, payouts and counts, so the same order_ids can be paid again. */
	async reset(): Promise<void> {
		await this.control('reset', 'POST');
	}

	whenEnded(): Promise<string> {
		return this.service.whenEnded();
	}

	stop(): Promise<void> {
		return this.service.stop();
	}
}
