/**
 * A strict DER reader for the few structures read before a key is decrypted (PKCS#8
 * EncryptedPrivateKeyInfo and its algorithm parameters). It reads definite, minimally
 * encoded lengths only, never more bytes than are there, and nesting to a fixed depth: each
 * byte is looked at once, so any input costs linear time and bounded stack.
 */

/** EncryptedPrivateKeyInfo → algorithm → PBES2 parameters → KDF → its parameters → PRF: 6 */
export const MAX_DER_DEPTH = 8;

export const DER_TAG = {
	integer: 0x02,
	octetString: 0x04,
	null: 0x05,
	oid: 0x06,
	sequence: 0x10,
} as const;

/** Universal types DER always writes primitive. */
const PRIMITIVE_ONLY = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a]);
/** Universal types DER always writes constructed: SEQUENCE, SET. */
const CONSTRUCTED_ONLY = new Set([0x10, 0x11]);
/** Content lengths fit in 4 length bytes; a key's DER is a few kilobytes. */
const MAX_LENGTH_BYTES = 4;
/** Arcs above 2^49 cannot be told apart as numbers; no algorithm OID comes near. */
const MAX_ARC_BYTES = 7;

export interface DerNode {
	/** 0 universal, 1 application, 2 context-specific, 3 private */
	tagClass: number;
	tag: number;
	constructed: boolean;
	/** the content octets, a view into the input */
	content: Uint8Array;
	/** the nested elements of a constructed one; empty for a primitive one */
	children: DerNode[];
}

export class DerError extends Error {
	constructor(reason: string, offset?: number) {
		super(`Not valid DER: ${reason}${offset === undefined ? '' : ` at byte ${offset}`}.`);
		this.name = 'DerError';
	}
}

interface Header {
	tagClass: number;
	tag: number;
	constructed: boolean;
	contentStart: number;
	contentEnd: number;
}

function readHeader(bytes: Uint8Array, at: number, end: number): Header {
	if (at + 2 > end) throw new DerError('truncated header', at);
	const identifier = bytes[at];
	const tag = identifier & 0x1f;
	if (tag === 0x1f) throw new DerError('high tag number', at);
	const tagClass = identifier >> 6;
	const constructed = (identifier & 0x20) !== 0;
	if (tagClass === 0 && (constructed ? PRIMITIVE_ONLY : CONSTRUCTED_ONLY).has(tag)) {
		throw new DerError(`universal tag ${tag} ${constructed ? 'constructed' : 'primitive'}`, at);
	}
	const first = bytes[at + 1];
	let length = first;
	let contentStart = at + 2;
	if (first & 0x80) {
		const lengthBytes = first & 0x7f;
		if (lengthBytes === 0) throw new DerError('indefinite length', at + 1);
		if (lengthBytes > MAX_LENGTH_BYTES) throw new DerError('length too large', at + 1);
		if (contentStart + lengthBytes > end) throw new DerError('truncated length', at + 1);
		if (bytes[contentStart] === 0) throw new DerError('non-minimal length', at + 1);
		length = 0;
		for (let index = 0; index < lengthBytes; index++) {
			length = length * 256 + bytes[contentStart + index];
		}
		if (length < 0x80) throw new DerError('non-minimal length', at + 1);
		contentStart += lengthBytes;
	}
	const contentEnd = contentStart + length;
	if (contentEnd > end) throw new DerError('length past the end', at + 1);
	return { tagClass, tag, constructed, contentStart, contentEnd };
}

/** The element at `at` and the offset just past it. */
function readElement(bytes: Uint8Array, at: number, end: number, depth: number): [DerNode, number] {
	if (depth > MAX_DER_DEPTH) throw new DerError('nested too deeply', at);
	const { tagClass, tag, constructed, contentStart, contentEnd } = readHeader(bytes, at, end);
	const children: DerNode[] = [];
	if (constructed) {
		for (let next = contentStart; next < contentEnd;) {
			const [child, after] = readElement(bytes, next, contentEnd, depth + 1);
			children.push(child);
			next = after;
		}
	}
	const content = bytes.subarray(contentStart, contentEnd);
	return [{ tagClass, tag, constructed, content, children }, contentEnd];
}

/** One DER element filling `bytes` exactly. */
export function readDer(bytes: Uint8Array): DerNode {
	const [node, end] = readElement(bytes, 0, bytes.length, 1);
	if (end !== bytes.length) throw new DerError('bytes after the element', end);
	return node;
}

function expectUniversal(node: DerNode, tag: number): Uint8Array {
	if (node.tagClass !== 0 || node.tag !== tag) throw new DerError(`not universal tag ${tag}`);
	return node.content;
}

/** The elements of a SEQUENCE, at least `atLeast` of them. */
export function sequenceOf(node: DerNode | undefined, atLeast: number): DerNode[] {
	if (!node) throw new DerError('missing SEQUENCE');
	expectUniversal(node, DER_TAG.sequence);
	if (node.children.length < atLeast) throw new DerError('SEQUENCE too short');
	return node.children;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oidOf(node: DerNode | undefined): string {
	if (!node) throw new DerError('missing OBJECT IDENTIFIER');
	const content = expectUniversal(node, DER_TAG.oid);
	if (content.length === 0 || content[content.length - 1] & 0x80) {
		throw new DerError('unterminated OBJECT IDENTIFIER');
	}
	const arcs: number[] = [];
	let value = 0;
	let arcBytes = 0;
	for (const byte of content) {
		if (arcBytes === 0 && byte === 0x80) throw new DerError('non-minimal arc');
		if (++arcBytes > MAX_ARC_BYTES) throw new DerError('arc too large');
		value = value * 128 + (byte & 0x7f);
		if (byte & 0x80) continue;
		// the first subidentifier holds two arcs: 40·X + Y, X ≤ 2
		if (arcs.length > 0) arcs.push(value);
		else if (value < 80) arcs.push(Math.floor(value / 40), value % 40);
		else arcs.push(2, value - 80);
		value = 0;
		arcBytes = 0;
	}
	return arcs.join('.');
}

/** A non-negative INTEGER; anything past 2^48 counts as Infinity, which every limit refuses. */
export function nonNegativeIntegerOf(node: DerNode | undefined): number {
	if (!node) throw new DerError('missing INTEGER');
	const content = expectUniversal(node, DER_TAG.integer);
	if (content.length === 0) throw new DerError('empty INTEGER');
	if (content[0] & 0x80) throw new DerError('negative INTEGER');
	if (content.length > 1 && content[0] === 0 && !(content[1] & 0x80)) {
		throw new DerError('non-minimal INTEGER');
	}
	const significant = content[0] === 0 ? content.subarray(1) : content;
	if (significant.length > 6) return Infinity;
	return significant.reduce((value, byte) => value * 256 + byte, 0);
}

/** The bytes of an OCTET STRING. */
export function octetsOf(node: DerNode | undefined): Uint8Array {
	if (!node) throw new DerError('missing OCTET STRING');
	return expectUniversal(node, DER_TAG.octetString);
}
