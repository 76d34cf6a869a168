/** The AliKassa sandbox CLI (dist/sandbox/cli.js) as a child process, and its control API. */
import { join } from 'path';

import type { RecordedRequest, SandboxPayout } from '../sandbox/server';
import { REPO_ROOT } from './n8n';
import { childEnv, getJson, Service } from './processes';

const SANDBOX_CLI = join(REPO_ROOT, 'dist', 'sandbox', 'cli.js');
const LISTENING = /AliKassa sandbox listening on (http:\/\/\S+)/;

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
	/** Delay of every API answer, like a remote AliKassa; left out, the CLI's default applies. */
	latencyMs?: number;
}

export class SandboxProcess {
	private constructor(
		private readonly service: Service,
		readonly url: string,
	) {}

	/** Needs a build: `npm run build` makes dist/sandbox/cli.js. */
	static async start({
		port = 0,
		onLine,
		latencyMs,
	}: SandboxProcessOptions = {}): Promise<SandboxProcess> {
		const args = [
			SANDBOX_CLI,
			'--port',
			String(port),
			...(latencyMs === undefined ? [] : ['--latency-ms', String(latencyMs)]),
			...(onLine ? [] : ['--quiet']),
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
				() => getJson(`${url}/_sandbox/health`),
				20_000,
			);
			return new SandboxProcess(service, url);
		} catch (error) {
			await service.stop();
			throw error;
		}
	}

	private async control<T>(path: string): Promise<T> {
		const body = await getJson<T>(`${this.url}/_sandbox/${path}`);
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

	whenEnded(): Promise<string> {
		return this.service.whenEnded();
	}

	stop(): Promise<void> {
		return this.service.stop();
	}
}
