/**
 * Where an n8n process spent its CPU while the AliKassa Payout node ran: reads a V8
 * `.cpuprofile` (node --cpu-prof) and sorts every sample of the node's run into what it was
 * doing, found from the sample's innermost frame outwards.
 */
import { readFileSync } from 'fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	/** microseconds since the previous sample */
	timeDeltas: number[];
}

interface Activity {
	label: string;
	/** true for a frame that belongs to this activity */
	matches: (functionName: string, url: string) => boolean;
}

const inPackage = (name: string) => (_: string, url: string) => url.includes(`/${name}/`);

/** In order: the first activity a sample's frames show, innermost first, takes the sample. */
const ACTIVITIES: Activity[] = [
	{
		label: 'key decryption and signer self-check (once per run)',
		matches: (name) => name === 'loadPrivateKey' || name === 'createBodySigner',
	},
	{
		label: 'credential read from the database and decrypted (getCredentials)',
		matches: (name, url) => name === 'getCredentials' && url.includes('n8n-core'),
	},
	{
		label: 'RSA signature, handed to the thread pool (signRequest)',
		matches: (name, url) => name === 'signRequest' && url.includes('n8n-nodes-alikassa'),
	},
	{
		label: 'parameter expressions (getNodeParameter)',
		matches: (name) => name.endsWith('getNodeParameter'),
	},
	{
		label: "n8n's HTTP helper (axios, a new agent per request)",
		matches: (name, url) => name === 'httpRequest' && url.includes('request-helper-functions'),
	},
	{ label: 'Sentry instrumentation of http', matches: inPackage('@sentry') },
	{
		label: 'sockets, HTTP and TLS (Node.js)',
		matches: (name, url) =>
			/^node:(net|tls|_http_|_tls_|https?$|internal\/(stream|net|tls))/.test(url) ||
			name === 'writev' ||
			name === 'writeUtf8String',
	},
	{ label: 'garbage collection', matches: (name) => name === '(garbage collector)' },
	{ label: 'idle', matches: (name) => name === '(idle)' },
];
const OTHER = 'everything else (n8n engine, node logic, JSON, timers)';

export interface ProfileBreakdown {
	/** the span from the first to the last sample inside the node's execute */
	windowMs: number;
	/** CPU in that span by activity, in ACTIVITIES order, idle last */
	activities: Array<{ label: string; ms: number }>;
}

/**
 * The breakdown of the span in which samples show a function of the node's code (files whose
 * URL contains `nodeUrlPart`; not the loading of those files) on the stack: everything the
 * process did meanwhile (socket callbacks, GC) counts, as it slows the batch.
 */
export function profileBreakdown(file: string, nodeUrlPart: string): ProfileBreakdown {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) parentOf.set(child, node.id);
	}
	const stackOf = (id: number): ProfileNode[] => {
		const stack: ProfileNode[] = [];
		for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
			stack.push(byId.get(at) as ProfileNode);
		}
		return stack;
	};
	const inNode = profile.samples.map((id) =>
		stackOf(id).some(
			({ callFrame }) => callFrame.functionName !== '' && callFrame.url.includes(nodeUrlPart),
		),
	);
	const first = inNode.indexOf(true);
	const last = inNode.lastIndexOf(true);
	if (first === -1) throw new Error(`No sample of ${nodeUrlPart} in ${file}`);

	const totals = new Map<string, number>();
	let windowUs = 0;
	for (let index = first; index <= last; index++) {
		const deltaUs = profile.timeDeltas[index] ?? 0;
		windowUs += deltaUs;
		const activity = stackOf(profile.samples[index])
			.map(({ callFrame }) =>
				ACTIVITIES.find((candidate) => candidate.matches(callFrame.functionName, callFrame.url)),
			)
			.find((found) => found !== undefined);
		const label = activity?.label ?? OTHER;
		totals.set(label, (totals.get(label) ?? 0) + deltaUs);
	}
	const labels = [
		...ACTIVITIES.map(({ label }) => label).filter((l) => l !== 'idle'),
		OTHER,
		'idle',
	];
	return {
		windowMs: windowUs / 1000,
		activities: labels.map((label) => ({ label, ms: (totals.get(label) ?? 0) / 1000 })),
	};
}
