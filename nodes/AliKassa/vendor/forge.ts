/**
 * node-forge for the node and the credentials. The build bundles it into this one file
 * (gulpfile.js, `bundleForge`), so the published package has no runtime dependencies and every
 * entry point n8n loads shares one copy; during development it is node-forge from node_modules.
 *
 * Only the parts the package uses are loaded: each module registers itself on the forge object.
 * node-forge's index would also load its console logger, which n8n's rules forbid in a package.
 */
import forge from 'node-forge/lib/forge';
import 'node-forge/lib/pki';
import 'node-forge/lib/md.all';

export default forge;
