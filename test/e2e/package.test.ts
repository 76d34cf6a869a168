/**
 * The package as users get it: what `npm pack` puts in the tarball, what n8n's Community Nodes
 * installer leaves on disk, and how a real `n8n start` loads it.
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { stripVTControlCharacters } from 'util';

import {
	ensureN8nInstalled,
	N8nUserFolder,
	PACKAGE_NAME,
	preparePackage,
	type N8nServer,
	type PreparedPackage,
} from '../../scripts/n8n';
import { EXECUTION_TIMEOUT_MS, SETUP_TIMEOUT_MS } from '../support/n8nHarness';

interface Manifest {
	version: string;
	n8n: { nodes: string[]; credentials: string[] };
	dependencies?: Record<string, string>;
	[field: string]: unknown;
}

interface NodeTypeDescription {
	name: string;
	/** A string, or light and dark variants (ours: one shared icon folder, both themes). */
	iconUrl?: string | { light: string; dark: string };
	codex?: { categories?: string[] };
	credentials?: Array<{ name: string }>;
}

const ALLOWED_IN_TARBALL =
	/^package\/(dist\/(nodes|credentials|icons)\/.+|README(\.ru)?\.md|LICENSE|package\.json)$/;
/** What a clean n8n 2.8.4 start on a fresh user folder logs at warn level, package or not. */
const KNOWN_N8N_WARNINGS = [/Migrations in progress/, /Failed to start Python task runner/];

let pkg: PreparedPackage;
let n8n: N8nUserFolder;
let server: N8nServer;
let ownerCookie: string;
let tarballEntries: string[];
let installedDir: string;

function manifestIn(dir: string): Manifest {
	return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

async function asOwner<T>(
	path: string,
): Promise<{ status: number; contentType: string | null; body: T }> {
	const response = await fetch(`${server.url}${path.startsWith('/') ? '' : '/'}${path}`, {
		headers: { cookie: ownerCookie },
	});
	const contentType = response.headers.get('content-type');
	const body = (contentType?.includes('json') ? await response.json() : await response.text()) as T;
	return { status: response.status, contentType, body };
}

beforeAll(async () => {
	await ensureN8nInstalled();
	pkg = await preparePackage();
	tarballEntries = execFileSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' })
		.trim()
		.split('\n');
	n8n = await N8nUserFolder.create(pkg, { env: { N8N_LOG_LEVEL: 'debug' } });
	installedDir = join(n8n.path, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	server = await n8n.start();
	ownerCookie = await server.setUpOwner({
		email: 'owner@example.com',
		firstName: 'Package',
		lastName: 'Test',
		password: 'Package-test-1',
	});
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	await server?.stop();
	n8n?.remove();
});

test('the tarball holds only the built nodes, credentials and icons, README.md (and README.ru.md), LICENSE and package.json', () => {
	const outsiders = tarballEntries.filter((entry) => !ALLOWED_IN_TARBALL.test(entry));
	expect(outsiders).toEqual([]);
	expect(tarballEntries).toEqual(
		expect.arrayContaining([
			'package/package.json',
			'package/README.md',
			'package/README.ru.md',
			'package/LICENSE',
		]),
	);
	const { n8n: declared } = manifestIn(installedDir);
	for (const builtFile of [...declared.nodes, ...declared.credentials]) {
		expect(tarballEntries).toContain(`package/${builtFile}`);
	}
	for (const nodeFile of declared.nodes) {
		expect(tarballEntries).toContain(`package/${nodeFile.replace(/\.js$/, '.json')}`);
	}
	expect(tarballEntries).toEqual(
		expect.arrayContaining([
			'package/dist/icons/alikassa.svg',
			'package/dist/icons/alikassa.dark.svg',
		]),
	);
	// The node signs with node:crypto alone: node-forge is a test reference, not shipped.
	expect(tarballEntries.filter((entry) => /forge|vendor/.test(entry))).toEqual([]);
	const builtJs = tarballEntries.filter((entry) => entry.endsWith('.js'));
	const requiresForge = builtJs.filter((entry) =>
		readFileSync(join(installedDir, entry.replace(/^package\//, '')), 'utf8').includes('forge'),
	);
	expect(requiresForge).toEqual([]);
});

test("it is installed as n8n's installer leaves it, with no dependencies: npm fetched nothing", () => {
	const installed = manifestIn(installedDir);
	expect(installed).not.toHaveProperty('devDependencies');
	expect(installed).not.toHaveProperty('peerDependencies');
	expect(installed).not.toHaveProperty('optionalDependencies');
	expect(installed).not.toHaveProperty('dependencies');
	expect(installed).not.toHaveProperty('overrides');
	// Not even n8n-workflow: it comes from n8n itself, as for every community package.
	expect(existsSync(join(installedDir, 'node_modules'))).toBe(false);
	expect(manifestIn(join(n8n.path, '.n8n', 'nodes')).dependencies).toEqual({
		[PACKAGE_NAME]: installed.version,
	});
});

test(
	'n8n start loads every node and credential with its icon and codex, and logs no warning about the package',
	async () => {
		const { n8n: declared } = manifestIn(installedDir);
		const nodeTypes = await asOwner<NodeTypeDescription[]>('/types/nodes.json');
		const credentialTypes = await asOwner<NodeTypeDescription[]>('/types/credentials.json');
		expect(nodeTypes.status).toBe(200);
		expect(credentialTypes.status).toBe(200);

		const iconsOf = ({ iconUrl }: NodeTypeDescription) =>
			typeof iconUrl === 'object' ? [iconUrl.light, iconUrl.dark] : [];
		const ours = (types: NodeTypeDescription[]) =>
			types.filter((type) => {
				const icons = iconsOf(type);
				return icons.length === 2 && icons.every((url) => url.startsWith(`icons/${PACKAGE_NAME}/`));
			});
		const nodes = nodeTypes.body.filter((type) => type.name.startsWith(`${PACKAGE_NAME}.`));
		expect(nodes.map((node) => node.name)).toContain(`${PACKAGE_NAME}.aliKassaPayout`);
		// n8n adds an AI-tool variant of every usableAsTool node.
		expect(nodes.filter((node) => !node.name.endsWith('Tool'))).toHaveLength(declared.nodes.length);
		expect(ours(credentialTypes.body)).toHaveLength(declared.credentials.length);
		for (const node of nodes) {
			expect(node.codex?.categories?.length).toBeGreaterThan(0);
			expect(ours([node])).toHaveLength(1);
		}
		const iconUrls = new Set([...nodes, ...ours(credentialTypes.body)].flatMap(iconsOf));
		expect(iconUrls.size).toBe(2);
		for (const iconUrl of iconUrls) {
			const icon = await asOwner<string>(`/${iconUrl}`);
			expect({ iconUrl, status: icon.status, contentType: icon.contentType }).toEqual({
				iconUrl,
				status: 200,
				contentType: expect.stringContaining('image/svg+xml'),
			});
		}

		const log = stripVTControlCharacters(server.output).split('\n');
		expect(log).toContainEqual(
			expect.stringMatching(`Loaded all credentials and nodes from ${PACKAGE_NAME}`),
		);
		const warnings = log.filter(
			(line) =>
				/^\S+\s+(warn|error)\s/.test(line) && !KNOWN_N8N_WARNINGS.some((known) => known.test(line)),
		);
		expect(warnings).toEqual([]);
		expect(log.filter((line) => line.includes('No codex available'))).toEqual([]);
	},
	EXECUTION_TIMEOUT_MS,
);
