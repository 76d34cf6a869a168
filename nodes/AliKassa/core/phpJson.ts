/**
 * JSON text byte-identical to PHP's `json_encode($value)` with default flags, which is what
 * AliKassa signs and verifies. `JSON.stringify` differs on `/`, non-ASCII text, large and
 * small floats and numeric-looking keys, and any difference breaks the signature.
 *
 * A `Map` keeps its key order even for keys such as "2", which a plain object would move
 * to the front; use one when such keys can occur.
 */
export type PhpJsonValue =
	| null
	| boolean
	| number
	| string
	| readonly PhpJsonValue[]
	| ReadonlyMap<string, PhpJsonValue>
	| { readonly [key: string]: PhpJsonValue | undefined };

export class PhpJsonError extends Error {}

const HEX = '0123456789abcdef';
const SHORT_ESCAPES: Record<string, string> = {
	'"': '\\"',
	'\\': '\\\\',
	'/': '\\/',
	'\b': '\\b',
	'\f': '\\f',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
};

function escapeUnit(code: number): string {
	return (
		'\\u' +
		HEX[(code >> 12) & 0xf] +
		HEX[(code >> 8) & 0xf] +
		HEX[(code >> 4) & 0xf] +
		HEX[code & 0xf]
	);
}

export function encodePhpString(text: string): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		const code = text.charCodeAt(i);
		if (SHORT_ESCAPES[char] !== undefined) {
			out += SHORT_ESCAPES[char];
		} else if (code >= 0x20 && code < 0x80) {
			out += char;
		} else if (code >= 0xd800 && code <= 0xdbff) {
			const next = text.charCodeAt(i + 1);
			if (!(next >= 0xdc00 && next <= 0xdfff)) {
				throw new PhpJsonError('Text contains a broken Unicode character (lone surrogate)');
			}
			out += escapeUnit(code) + escapeUnit(next);
			i++;
		} else if (code >= 0xdc00 && code <= 0xdfff) {
			throw new PhpJsonError('Text contains a broken Unicode character (lone surrogate)');
		} else {
			out += escapeUnit(code);
		}
	}
	return out + '"';
}

/**
 * PHP prints doubles with `serialize_precision = -1`: the shortest digits that round-trip
 * (the same digits JavaScript finds), laid out by `php_gcvt` with 17 as the precision.
 */
export function encodePhpNumber(value: number): string {
	if (!Number.isFinite(value)) {
		throw new PhpJsonError(`${value} cannot be encoded as JSON`);
	}
	if (Object.is(value, -0)) return '-0';
	const sign = value < 0 ? '-' : '';
	const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
	const digits = mantissa.replace('.', '');
	// php_gcvt's decpt: the value is 0.<digits> × 10^decpt
	const decpt = Number(exponentText) + 1;

	if (decpt < -3 || decpt > 17) {
		const exponent = decpt - 1;
		const fraction = digits.length > 1 ? digits.slice(1) : '0';
		return `${sign}${digits[0]}.${fraction}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
	}
	if (decpt <= 0) {
		return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
	}
	if (digits.length <= decpt) {
		return sign + digits + '0'.repeat(decpt - digits.length);
	}
	return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function isPhpList(value: PhpJsonValue): value is readonly PhpJsonValue[] {
	return Array.isArray(value);
}

function encodeList(items: readonly PhpJsonValue[]): string {
	return '[' + items.map((item) => phpJsonEncode(item)).join(',') + ']';
}

/**
 * Maps and objects stand for PHP arrays, and PHP writes an array whose keys are 0, 1, 2… in
 * order as a JSON list: `[]` when it is empty, `["a","b"]` for keys "0" and "1".
 */
function encodeEntries(entries: Iterable<[string, PhpJsonValue | undefined]>): string {
	const present = [...entries].filter(
		(entry): entry is [string, PhpJsonValue] => entry[1] !== undefined,
	);
	if (present.every(([key], index) => key === String(index))) {
		return encodeList(present.map(([, item]) => item));
	}
	const members = present.map(([key, item]) => encodePhpString(key) + ':' + phpJsonEncode(item));
	return '{' + members.join(',') + '}';
}

export function phpJsonEncode(value: PhpJsonValue): string {
	if (value === null) return 'null';
	switch (typeof value) {
		case 'boolean':
			return value ? 'true' : 'false';
		case 'number':
			return encodePhpNumber(value);
		case 'string':
			return encodePhpString(value);
	}
	if (isPhpList(value)) {
		return encodeList(value);
	}
	if (value instanceof Map) {
		return encodeEntries(value.entries());
	}
	if (typeof value === 'object') {
		return encodeEntries(Object.entries(value));
	}
	throw new PhpJsonError(`A ${typeof value} cannot be encoded as JSON`);
}
