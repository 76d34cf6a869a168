import { join } from 'path';

import type { PhpJsonValue } from '../../nodes/AliKassa/core/phpJson';
import { phpAvailable } from '../../scripts/php';

export { runPhpJson } from '../../scripts/php';

/** A value as cases.json and the PHP scripts write it: maps are tagged so their order survives. */
export type TaggedValue =
	null | boolean | number | string | TaggedValue[] | { $map: Array<[string, TaggedValue]> };

export const PHP_SCRIPTS = join(__dirname, '..', 'php');

const underCi = process.env.CI === 'true';

/**
 * Why the live-PHP tests are skipped here, or undefined when they can run. Under CI they must
 * run, so a missing php is an error there rather than a quiet skip.
 */
export function requirePhpOrSkipReason(): string | undefined {
	if (phpAvailable()) return undefined;
	if (underCi) {
		throw new Error(
			'php-cli is required under CI (with the openssl extension) for the live-PHP tests',
		);
	}
	return 'php-cli with openssl not found; CI runs these';
}

/** `describe` for live-PHP tests; outside CI a missing PHP skips them, saying why in the title. */
export function describePhp(title: string, body: () => void): void {
	if (phpAvailable() || underCi) {
		describe(title, () => {
			beforeAll(() => {
				requirePhpOrSkipReason();
			});
			body();
		});
	} else {
		describe.skip(`${title} [skipped: ${requirePhpOrSkipReason()}]`, body);
	}
}

export function fromTagged(tagged: TaggedValue): PhpJsonValue {
	if (Array.isArray(tagged)) return tagged.map(fromTagged);
	if (tagged !== null && typeof tagged === 'object') {
		return new Map(tagged.$map.map(([key, item]) => [key, fromTagged(item)]));
	}
	return tagged;
}
