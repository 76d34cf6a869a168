import { join } from 'path';

import { PhpJsonError, phpJsonEncode, type PhpJsonValue } from '../../nodes/AliKassa/core/phpJson';
import { PHP_VECTORS, readSigningKey } from '../support/keyFixtures';
import { describePhp, fromTagged, PHP_SCRIPTS, runPhpJson, type TaggedValue } from '../support/php';
import { RandomValues } from '../support/randomValues';

describe('phpJsonEncode against json_encode output recorded from PHP', () => {
	test.each(PHP_VECTORS.cases)('$name', (phpCase) => {
		expect(phpJsonEncode(fromTagged(phpCase.value))).toBe(phpCase.json);
	});

	test('a plain object encodes like a Map with the same key order', () => {
		const payout = PHP_VECTORS.cases.find((phpCase) => phpCase.name === 'payout body')!;
		const asMap = fromTagged(payout.value) as ReadonlyMap<string, PhpJsonValue>;
		const asObject = Object.fromEntries(
			[...asMap].map(([key, item]) => [key, item instanceof Map ? Object.fromEntries(item) : item]),
		);
		expect(phpJsonEncode(asObject)).toBe(payout.json);
	});

	test('an empty object, like an empty PHP array, is written as []', () => {
		expect(phpJsonEncode({})).toBe('[]');
		expect(phpJsonEncode({ extra: {} })).toBe('{"extra":[]}');
	});

	test('members left undefined are left out', () => {
		expect(phpJsonEncode({ a: 1, b: undefined, c: 'x' })).toBe('{"a":1,"c":"x"}');
		expect(phpJsonEncode({ b: undefined })).toBe('[]');
	});
});

describe('values json_encode refuses', () => {
	test.each([
		['NaN', NaN],
		['Infinity', Infinity],
		['-Infinity', -Infinity],
		['NaN inside a map', new Map([['amount', NaN]])],
		['Infinity inside a list', [1, Infinity]],
	])('%s', (_name, value) => {
		expect(() => phpJsonEncode(value)).toThrow(PhpJsonError);
	});

	test.each([
		['a lone high surrogate', 'a\ud83d'],
		['a lone high surrogate before text', '\ud83dabc'],
		['a lone low surrogate', 'a\ude00b'],
		['a reversed pair', '\ude00\ud83d'],
		['a lone surrogate in a key', new Map([['\ud800', 'x']])],
		['a lone surrogate in a nested value', { extra: { card_holder: 'x\udfff' } }],
	])('%s', (_name, value) => {
		expect(() => phpJsonEncode(value)).toThrow(PhpJsonError);
	});
});

describePhp('phpJsonEncode against live PHP on random values', () => {
	const VALUE_COUNT = 400;
	const SEED = 20240517;

	test(`${VALUE_COUNT} random values encode exactly as json_encode does`, () => {
		const random = new RandomValues(SEED);
		const values: TaggedValue[] = Array.from({ length: VALUE_COUNT }, () => random.value());
		const { results } = runPhpJson(join(PHP_SCRIPTS, 'sign.php'), {
			...readSigningKey('sandbox-payout'),
			cases: values.map((value) => ({ value, hash: 'sha1' })),
		}) as { results: Array<{ json: string }> };

		const mismatches = values
			.map((value, index) => ({
				value,
				php: results[index].json,
				js: phpJsonEncode(fromTagged(value)),
			}))
			.filter(({ php, js }) => php !== js);
		expect(mismatches).toEqual([]);
	});
});
