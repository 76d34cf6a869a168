/**
 * `npm run n8n:install`: installs the n8n that N8N_UNDER_TEST chooses (and the Node it runs on)
 * now rather than on first use, as CI does for every tested version.
 */
import { ensureN8nInstalled, N8N } from './n8n';

ensureN8nInstalled().then(
	() => console.log(`n8n ${N8N.version} is ready in ${N8N.folder}/`),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	},
);
