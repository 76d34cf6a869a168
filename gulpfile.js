const { rmSync } = require('fs');
const { src, dest } = require('gulp');

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

exports.clean = clean;
exports.build = buildIcons;
