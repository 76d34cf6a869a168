/**
 * n8n 2.8.4 in queue mode against the local PostgreSQL and Redis: one main, workers and one
 * webhook processor, each with its own user folder holding this package as n8n's installer
 * leaves it, one shared encryption key, a database and Redis prefixes of the run's own. Started
 * and stopped by pid; everything the run made is removed on stop.
 */
import { randomBytes } from 'crypto';
import { setTimeout as sleep } from 'timers/promises';

import {
	LOCAL_OWNER,
	N8nServer,
	N8nUserFolder,
	type CredentialToImport,
	type Execution,
	type ExecutionRun,
	type PreparedPackage,
	type Workflow,
} from './n8n';
import { freePort, logToStderr, type Log, type Service } from './processes';
import {
	checkQueueServices,
	createDatabase,
	deleteRedisKeys,
	dropDatabase,
	newRunId,
	POSTGRES,
	REDIS,
} from './queueServices';

/** Empty database to all processes ready takes ~20 s on 2 cores; a loaded machine needs more. */
const READY_TIMEOUT_MS = 180_000;
/** Main opens its port before it has activated the published workflows; this line comes after. */
const MAIN_READY = /Editor is now accessible via/;
/** A worker's log line for each execution it takes from the queue. */
const WORKER_STARTED = /Worker started execution (\d+)/g;

export function databaseOf(runId: string): string {
	return `n8n_${runId}`;
}

export interface QueueStackOptions {
	pkg: PreparedPackage;
	/** `newRunId()` when left out; given, credentials can name the run's database beforehand. */
	runId?: string;
	/** 2 when left out. */
	workers?: number;
	/** Extra environment for every process: lock durations, file access, … */
	env?: NodeJS.ProcessEnv;
	/** Credentials and workflows to import before main starts. */
	credentials?: CredentialToImport[];
	workflows?: Workflow[];
	/** Ids among `workflows` to publish (activate) before main starts. */
	publish?: string[];
	log?: Log;
}

export interface QueueProcess {
	/** "main", "worker-1", "worker-2", "webhook". */
	label: string;
	folder: N8nUserFolder;
	service: Service;
	/** Where it listens: the editor and REST API, a worker's health check, webhook calls. */
	url: string;
}

function queueEnv(runId: string, encryptionKey: string): NodeJS.ProcessEnv {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: POSTGRES.host,
		DB_POSTGRESDB_PORT: String(POSTGRES.port),
		DB_POSTGRESDB_DATABASE: databaseOf(runId),
		DB_POSTGRESDB_USER: POSTGRES.user,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: REDIS.host,
		QUEUE_BULL_REDIS_PORT: String(REDIS.port),
		// Runs sharing one Redis would otherwise share jobs and webhook lookups.
		QUEUE_BULL_PREFIX: `bull-${runId}`,
		N8N_REDIS_KEY_PREFIX: `n8n-${runId}`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		// The REST run endpoint (the editor's "Execute workflow") puts executions on workers too.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

async function isOk(url: string): Promise<true | undefined> {
	return (await fetch(url)).ok ? true : undefined;
}

/** An execution as n8n's public API lists it. */
export interface ApiExecution extends ExecutionRun {
	id: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
}

const UNFINISHED = new Set(['new', 'running', 'waiting']);

export class QueueStack {
	private stopped = false;
	private apiKeyMade?: Promise<string>;

	private constructor(
		readonly runId: string,
		readonly main: QueueProcess,
		readonly workers: QueueProcess[],
		readonly webhook: QueueProcess,
		/** For `n8n execute`, which runs in its own process (it does not use the queue). */
		private readonly cliFolder: N8nUserFolder,
		private readonly folders: N8nUserFolder[],
	) {}

	get database(): string {
		return databaseOf(this.runId);
	}

	get processes(): QueueProcess[] {
		return [this.main, ...this.workers, this.webhook];
	}

	/** A production webhook URL served by the webhook processor. */
	webhookUrl(path: string): string {
		return `${this.webhook.url}/webhook/${path}`;
	}

	static async start(options: QueueStackOptions): Promise<QueueStack> {
		const log = options.log ?? logToStderr;
		await checkQueueServices();
		const runId = options.runId ?? newRunId();
		const env = { ...options.env, ...queueEnv(runId, randomBytes(24).toString('base64')) };
		const folders: N8nUserFolder[] = [];
		const services: Service[] = [];
		const folder = async (port?: number, ownEnv: NodeJS.ProcessEnv = {}) => {
			const created = await N8nUserFolder.create(options.pkg, {
				port,
				env: { ...env, ...ownEnv },
			});
			folders.push(created);
			return created;
		};
		await createDatabase(databaseOf(runId));
		try {
			const mainFolder = await folder();
			if (options.credentials?.length) await mainFolder.importCredentials(options.credentials);
			if (options.workflows?.length) await mainFolder.importWorkflows(options.workflows);
			for (const id of options.publish ?? []) await mainFolder.publishWorkflow(id);

			const serve = async (label: string, command: string, target: N8nUserFolder) => {
				const service = await target.serve(command, undefined, `n8n ${label}`);
				services.push(service);
				return service;
			};
			const mainService = await serve('main', 'start', mainFolder);
			await mainService.waitUntil(
				'"Editor is now accessible"',
				async () => (MAIN_READY.test(mainService.output) ? true : undefined),
				READY_TIMEOUT_MS,
			);
			const main = { label: 'main', folder: mainFolder, service: mainService, url: mainFolder.url };

			const startWorker = async (index: number): Promise<QueueProcess> => {
				const healthPort = await freePort();
				const workerFolder = await folder(healthPort, {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				});
				const label = `worker-${index + 1}`;
				const service = await serve(label, 'worker', workerFolder);
				const url = `http://127.0.0.1:${healthPort}`;
				// The log says "ready" also when the health port is taken, then exits: ask the port.
				await service.waitUntil(
					'readiness',
					() => isOk(`${url}/healthz/readiness`),
					READY_TIMEOUT_MS,
				);
				return { label, folder: workerFolder, service, url };
			};
			const startWebhook = async (): Promise<QueueProcess> => {
				const webhookFolder = await folder();
				const service = await serve('webhook', 'webhook', webhookFolder);
				await service.waitUntil(
					'/healthz',
					() => isOk(`${webhookFolder.url}/healthz`),
					READY_TIMEOUT_MS,
				);
				return { label: 'webhook', folder: webhookFolder, service, url: webhookFolder.url };
			};
			const [webhook, ...workers] = await Promise.all([
				startWebhook(),
				...Array.from({ length: options.workers ?? 2 }, (_, index) => startWorker(index)),
			]);
			const stack = new QueueStack(runId, main, workers, webhook, await folder(), folders);
			log(stack.describe());
			return stack;
		} catch (error) {
			await Promise.all(services.map((service) => service.stop()));
			await QueueStack.cleanUp(runId, folders);
			throw error;
		}
	}

	/** One line per process: label, pid, where it listens. */
	describe(): string {
		const lines = this.processes.map(
			({ label, service, url }) => `  ${label.padEnd(9)} pid ${service.pid}  ${url}`,
		);
		return [
			`n8n queue mode, run ${this.runId}: database ${this.database}, Redis prefixes bull-${this.runId} and n8n-${this.runId}`,
			...lines,
		].join('\n');
	}

	/** Imports workflows while the stack runs: fine for those run with `execute`, not published. */
	importWorkflows(workflows: Workflow[]): Promise<void> {
		return this.cliFolder.importWorkflows(workflows);
	}

	/** Runs a Manual Trigger workflow with `n8n execute` against the run's database. */
	execute(workflowId: string): Promise<Execution> {
		return this.cliFolder.execute(workflowId);
	}

	/** Claims the instance once and makes a public-API key, to read executions. */
	private apiKey(): Promise<string> {
		this.apiKeyMade ??= (async () => {
			const server = new N8nServer(this.main.service, this.main.url);
			const cookie = await server.setUpOwner(LOCAL_OWNER);
			return server.createApiKey(cookie, ['execution:list', 'execution:read']);
		})();
		return this.apiKeyMade;
	}

	/** The workflow's finished executions with their run data, newest first (n8n's public API). */
	async executions(workflowId: string): Promise<ApiExecution[]> {
		const query = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
		const response = await fetch(`${this.main.url}/api/v1/executions?${query}`, {
			headers: { 'X-N8N-API-KEY': await this.apiKey() },
		});
		if (!response.ok) throw new Error(`GET /api/v1/executions: HTTP ${response.status}`);
		const { data } = (await response.json()) as { data: ApiExecution[] };
		return data.filter((execution) => !UNFINISHED.has(execution.status));
	}

	/** The finished executions once there are `count` (or what there is after `timeoutMs`). */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 60_000,
	): Promise<ApiExecution[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId);
			if (executions.length >= count || Date.now() > deadline) return executions;
			await sleep(250);
		}
	}

	/** Which worker took each execution, read from the workers' own logs. */
	workerOfExecutions(): Map<string, string> {
		const taken = new Map<string, string>();
		for (const { label, service } of this.workers) {
			for (const match of service.output.matchAll(WORKER_STARTED)) taken.set(match[1], label);
		}
		return taken;
	}

	/** SIGTERM to every process (workers finish their jobs first), then the run's data goes. */
	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		await Promise.all([...this.workers, this.webhook].map(({ service }) => service.stop()));
		await this.main.service.stop();
		await QueueStack.cleanUp(this.runId, this.folders);
	}

	private static async cleanUp(runId: string, folders: N8nUserFolder[]): Promise<void> {
		await dropDatabase(databaseOf(runId));
		await deleteRedisKeys([`bull-${runId}`, `n8n-${runId}`]);
		folders.forEach((folder) => folder.remove());
	}
}
