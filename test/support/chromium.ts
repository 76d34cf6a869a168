/**
 * Debian's Chromium (`apt-get install chromium`), driven by playwright-core: no browser download.
 * CI installs it, so there a missing Chromium fails the browser tests; elsewhere they are skipped
 * with a notice in their title.
 */
import { existsSync } from 'fs';
import { chromium, type BrowserContext } from 'playwright-core';

const underCi = process.env.CI === 'true';

/** CHROMIUM_PATH first, then where Debian/Ubuntu and macOS put it. */
const CANDIDATES = [
	process.env.CHROMIUM_PATH,
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Headless as root in a container, without a GPU, and silent towards the internet. */
const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export function chromiumPath(): string | undefined {
	return CANDIDATES.find((path): path is string => path !== undefined && existsSync(path));
}

/** `describe` for browser tests; outside CI a missing Chromium skips them, saying why. */
export function describeInChromium(title: string, body: () => void): void {
	if (chromiumPath() !== undefined || underCi) {
		describe(title, () => {
			beforeAll(() => {
				if (chromiumPath() === undefined) {
					throw new Error(
						`Chromium is required under CI for the browser tests (looked in ${CANDIDATES.filter(Boolean).join(', ')})`,
					);
				}
			});
			body();
		});
	} else {
		describe.skip(`${title} [skipped: Chromium not found; CI runs these]`, body);
	}
}

/**
 * A fresh browser profile in `userDataDir` (the caller removes it), with a window the size of a
 * laptop screen so that screenshots show the editor as people see it.
 */
export function launchChromium(userDataDir: string): Promise<BrowserContext> {
	const executablePath = chromiumPath();
	if (executablePath === undefined) throw new Error('Chromium not found');
	return chromium.launchPersistentContext(userDataDir, {
		executablePath,
		headless: true,
		args: FLAGS,
		viewport: { width: 1280, height: 800 },
	});
}
