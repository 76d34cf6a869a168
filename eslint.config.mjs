// n8n's own lint for community nodes: the flat config @n8n/node-cli ships (what `n8n-node lint`
// runs), without n8n Cloud support, over nodes/, credentials/ and package.json. The tools live in
// lint/ (their own lockfile), hence the require from there.
import { createRequire } from 'node:module';

const fromLintTools = createRequire(new URL('./lint/package.json', import.meta.url));
const { configWithoutCloudSupport } = fromLintTools('@n8n/node-cli/eslint');

export default [
	...configWithoutCloudSupport,
	{
		rules: {
			// AliKassa has no API to register or remove a notification URL: the merchant gives the
			// trigger's URL per payout (notification_endpoint_url) or in the cabinet, so there is no
			// checkExists/create/delete to implement.
			'@n8n/community-nodes/webhook-lifecycle-complete': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		ignores: ['nodes/AliKassa/vendor/**'],
		rules: {
			// The published package has no node-forge: the build bundles it into vendor/forge.js.
			'no-restricted-imports': [
				'error',
				{ name: 'node-forge', message: 'Import forge from nodes/AliKassa/vendor/forge.' },
			],
		},
	},
];
