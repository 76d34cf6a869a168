import { PrivateKeyError } from './privateKeyError';

/** private.pem is ~2 KB (RSA-2048) to ~13 KB (RSA-8192 encrypted); more is not a key. */
export const MAX_KEY_TEXT_LENGTH = 64 * 1024;
/** private.pem alone is one block; a paste with public.pem and a certificate, three. */
export const MAX_PEM_BLOCKS = 4;

export interface PemBlock {
	label: string;
	/** Proc-Type and DEK-Info of a legacy encrypted key */
	headers: string[];
	base64: string;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
const LABEL = /^[A-Z0-9 ]+$/;
const LEGACY_HEADER = /(Proc-Type|DEK-Info):\s*(\S+)/g;

function countBeginLines(text: string, atMost: number): number {
	let count = 0;
	for (
		let at = text.indexOf(BEGIN);
		at !== -1 && count <= atMost;
		at = text.indexOf(BEGIN, at + 1)
	) {
		count++;
	}
	return count;
}

function toBlock(label: string, inner: string): PemBlock {
	const headers = [...inner.matchAll(LEGACY_HEADER)].map(([, name, value]) => `${name}: ${value}`);
	return { label, headers, base64: inner.replace(LEGACY_HEADER, '').replace(/\s+/g, '') };
}

/**
 * The PEM blocks of a text, found with plain searches: each BEGIN line costs one pass over
 * the text at most, and there are at most MAX_PEM_BLOCKS of them (a backtracking pattern
 * took 31 s over a 1.4 MB paste of BEGIN lines).
 */
function findPemBlocks(text: string): PemBlock[] {
	const blocks: PemBlock[] = [];
	let from = 0;
	for (;;) {
		const begin = text.indexOf(BEGIN, from);
		if (begin === -1) return blocks;
		const labelStart = begin + BEGIN.length;
		const labelEnd = text.indexOf(DASHES, labelStart);
		if (labelEnd === -1) return blocks;
		from = labelEnd + DASHES.length;
		const label = text.slice(labelStart, labelEnd);
		if (!LABEL.test(label)) continue;
		const endLine = `-----END ${label}-----`;
		const end = text.indexOf(endLine, from);
		if (end === -1) continue;
		blocks.push(toBlock(label, text.slice(from, end)));
		from = end + endLine.length;
	}
}

function formatPem({ label, headers, base64 }: PemBlock): string {
	const lines = [`-----BEGIN ${label}-----`];
	if (headers.length > 0) lines.push(...headers, '');
	for (let at = 0; at < base64.length; at += 64) lines.push(base64.slice(at, at + 64));
	lines.push(`-----END ${label}-----`, '');
	return lines.join('\n');
}

/**
 * Keys pasted into a form arrive indented, on one line, with CRLF or with literal "\n"
 * sequences; rebuilding the PEM from its parts repairs all of them. The text's size and
 * number of blocks are checked first, so no paste costs more than a few linear passes.
 */
export function repairPem(text: string): string {
	if (text.length > MAX_KEY_TEXT_LENGTH) throw new PrivateKeyError('too-long');
	if (countBeginLines(text, MAX_PEM_BLOCKS) > MAX_PEM_BLOCKS) {
		throw new PrivateKeyError('too-many-blocks');
	}
	const unescaped = text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
	const blocks = findPemBlocks(unescaped);
	if (blocks.length === 0) {
		throw new PrivateKeyError(text.trim() === '' ? 'empty' : 'not-pem');
	}
	const privateBlock = blocks.find((block) => block.label.endsWith('PRIVATE KEY'));
	if (!privateBlock) {
		const labels = blocks.map((block) => block.label).join(' ');
		if (labels.includes('CERTIFICATE')) throw new PrivateKeyError('certificate');
		if (labels.includes('PUBLIC KEY')) throw new PrivateKeyError('public-key');
		throw new PrivateKeyError('not-pem');
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(privateBlock.base64) || privateBlock.base64.length % 4 !== 0) {
		throw new PrivateKeyError('damaged');
	}
	return formatPem(privateBlock);
}
