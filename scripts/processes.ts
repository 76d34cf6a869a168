/** Child processes for the demo, `npm run dev` and the e2e tests: commands, services, ports, locks. */
import { spawn, type ChildProcess } from 'child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { dirname, join } from 'path';
import { setTimeout as sleep } from 'timers/promises';

export type Log = (line: string) => void;

export const logToStderr: Log = (line) => process.stderr.write(`${line}\n`);

export interface Finished {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * The parent's environment without what would steer a child somewhere else: `npm run` exports
 * npm_config_local_prefix and friends (a nested npm would then act on the repo root), and jest
 * sets NODE_ENV=test (n8n then refuses to load nodes).
 */
export function childEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(name) && name !== 'NODE_ENV' && name !== 'INIT_CWD') env[name] = value;
	}
	return env;
}

/** Runs a command to its end; never rejects on a non-zero exit, so the caller decides. */
export function run(
	command: string,
	args: readonly string[],
	options: {
		cwd: string;
		env?: NodeJS.ProcessEnv;
		timeoutMs?: number;
		/** told the process id as soon as the command runs */
		onSpawn?: (pid: number) => void;
	},
): Promise<Finished> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? childEnv(),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		if (child.pid !== undefined) options.onSpawn?.(child.pid);
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		const timer =
			options.timeoutMs === undefined
				? undefined
				: setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				code,
				signal,
				stdout: Buffer.concat(stdout).toString('utf8'),
				stderr: Buffer.concat(stderr).toString('utf8'),
			});
		});
	});
}

function lastLines(text: string, count = 40): string {
	return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function describeFailure(what: string, finished: Finished): string {
	const how = finished.signal ? `was killed by ${finished.signal}` : `exited with ${finished.code}`;
	return `${what} ${how}:\n${lastLines(`${finished.stdout}\n${finished.stderr}`)}`;
}

/** A port that was free a moment ago; the OS hands out ports in sequence, so reuse is unlikely. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address !== null
					? resolve(address.port)
					: reject(new Error('no port was assigned')),
			);
		});
	});
}

/** A long-running child (n8n start, the sandbox) whose output is kept for error messages. */
export class Service {
	private readonly child: ChildProcess;
	private readonly chunks: string[] = [];
	private readonly exited: Promise<void>;
	private ending: string | null = null;

	constructor(
		readonly name: string,
		command: string,
		args: readonly string[],
		options: { cwd: string; env: NodeJS.ProcessEnv; onLine?: (line: string) => void },
	) {
		this.child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let partialLine = '';
		const collect = (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			this.chunks.push(text);
			if (options.onLine === undefined) return;
			const lines = (partialLine + text).split('\n');
			partialLine = lines.pop() ?? '';
			lines.forEach(options.onLine);
		};
		this.child.stdout?.on('data', collect);
		this.child.stderr?.on('data', collect);
		this.exited = new Promise((resolve) => {
			this.child.once('error', (error) => {
				this.ending = `could not start: ${error.message}`;
				resolve();
			});
			this.child.once('exit', (code, signal) => {
				this.ending = signal ? `was killed by ${signal}` : `exited with ${code}`;
				resolve();
			});
		});
	}

	get output(): string {
		return this.chunks.join('');
	}

	get hasExited(): boolean {
		return this.ending !== null;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Sends a signal without waiting: SIGKILL a busy n8n worker to see what it leaves behind. */
	kill(signal: NodeJS.Signals): void {
		if (!this.hasExited) this.child.kill(signal);
	}

	/** Resolves once the child has gone, with how: "n8n exited with 1". */
	async whenEnded(): Promise<string> {
		await this.exited;
		return `${this.name} ${this.ending}`;
	}

	/** Polls `check` until it returns a value; fails early with the output if the child dies. */
	async waitUntil<T>(
		what: string,
		check: () => Promise<T | undefined>,
		timeoutMs: number,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (this.hasExited) {
				throw new Error(`${this.name} ${this.ending} before ${what}:\n${lastLines(this.output)}`);
			}
			const value = await check().catch(() => undefined);
			if (value !== undefined) return value;
			if (Date.now() > deadline) {
				throw new Error(
					`${this.name}: no ${what} after ${timeoutMs / 1000} s:\n${lastLines(this.output)}`,
				);
			}
			await sleep(250);
		}
	}

	/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		if (this.hasExited) return;
		this.child.kill('SIGTERM');
		const killTimer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(killTimer);
	}
}

/** The body of a JSON answer with HTTP 200, or undefined for anything else (or no answer yet). */
export async function getJson<T>(url: string): Promise<T | undefined> {
	const response = await fetch(url);
	return response.ok ? ((await response.json()) as T) : undefined;
}

/**
 * Runs `work` while holding a lock directory, so that parallel jest workers or a demo started
 * beside the tests do not install or build into the same folder at once. A lock whose owner
 * died is taken over.
 */
export async function withLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
	mkdirSync(dirname(lockDir), { recursive: true });
	const ownerFile = join(lockDir, 'pid');
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(ownerFile, String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		await sleep(1000);
		if (!isAlive(readOwner(ownerFile))) rmSync(lockDir, { recursive: true, force: true });
	}
	try {
		return await work();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

function readOwner(ownerFile: string): number | null {
	try {
		return Number(readFileSync(ownerFile, 'utf8'));
	} catch {
		return null;
	}
}

function isAlive(pid: number | null): boolean {
	// No pid yet: the owner is between mkdir and writing it, so it is alive.
	if (pid === null) return true;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
