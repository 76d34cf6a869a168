/** Unit and engine tests run in-process; the e2e project drives a real n8n (installed on first use). */
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] };
const common = {
	// Jest's default cache folder is the system temp folder (jest_0 for root), fixed before the
	// global setup gives the run its own: kept in node_modules/.cache instead, where it is reused.
	cacheDirectory: '<rootDir>/node_modules/.cache/jest',
	testEnvironment: 'node',
	transform: tsJest,
	// After the framework, for afterAll; still before the test file loads n8n-core.
	setupFilesAfterEnv: ['<rootDir>/test/setup/env.ts'],
};
module.exports = {
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
