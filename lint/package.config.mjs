// n8n's rules over what npm publishes, the way n8n's package scanner (@n8n/scan-community-package)
// lints a tarball: every .js file and package.json, inline directives ignored, the community
// rules on all of them, n8n-nodes-base's package rules on package.json, no console. The config
// is recommendedWithoutN8nCloudSupport, with the one rule this package cannot meet turned off
// (see ../eslint.config.mjs).
import { createRequire } from 'node:module';
import { defineConfig } from 'eslint/config';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

const n8nNodesBase = createRequire(import.meta.url)('eslint-plugin-n8n-nodes-base');

export default defineConfig(
	n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{ files: ['**/*.json'], languageOptions: { parser: tseslint.parser } },
	{ rules: { '@n8n/community-nodes/webhook-lifecycle-complete': 'off' } },
);
