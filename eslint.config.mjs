// n8n's own lint for community nodes: the flat config @n8n/node-cli ships (what `n8n-node lint`
// runs) with n8n Cloud support, the rules n8n's scanner applies, no rule off, over nodes/,
// credentials/ and package.json. The tools live in lint/ (their own lockfile), hence the require
// from there; for the same reason this file cannot be node-cli's template verbatim, so
// package.json sets no `n8n.strict`.
import { createRequire } from 'node:module';

const fromLintTools = createRequire(new URL('./lint/package.json', import.meta.url));
const { config } = fromLintTools('@n8n/node-cli/eslint');

export default config;
