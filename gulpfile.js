const { copyFileSync, rmSync } = require('fs');
const { parallel, src, dest } = require('gulp');
const esbuild = require('esbuild');

/** dist/ holds only what ships: a clean start keeps files of deleted sources out of the package. */
function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

/** tsc compiles the code; n8n also needs the icons and the node's codex file beside the built files. */
function buildIcons() {
	return src(['icons/*.svg', 'nodes/**/*.node.json'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

const FORGE_ENTRY = 'nodes/AliKassa/vendor/forge.ts';
const FORGE_BUNDLE = 'dist/nodes/AliKassa/vendor/forge.js';
const FORGE_LICENSE = 'dist/nodes/AliKassa/vendor/forge.LICENSE';

/**
 * Replaces tsc's vendor/forge.js with node-forge itself, bundled once: every entry point n8n
 * loads requires this file, so the package installs without fetching anything. Forge's licence
 * travels with it.
 */
async function bundleForge() {
	const { version, license } = require('node-forge/package.json');
	await esbuild.build({
		entryPoints: [FORGE_ENTRY],
		outfile: FORGE_BUNDLE,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		banner: {
			js: `/*! node-forge ${version} (${license}), Copyright (c) 2010 Digital Bazaar, Inc. — https://github.com/digitalbazaar/forge */`,
		},
		logLevel: 'warning',
	});
	copyFileSync(require.resolve('node-forge/LICENSE'), FORGE_LICENSE);
}

exports.clean = clean;
exports.build = parallel(buildIcons, bundleForge);
