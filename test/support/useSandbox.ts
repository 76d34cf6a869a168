import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { stopEngineTimers } from '../../scripts/engine';

/** One sandbox per test file, wiped between tests; returns its getter. */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, ...options });
	});
	afterEach(() => {
		sandbox.clearFaults();
		sandbox.reset();
	});
	afterAll(async () => {
		await sandbox.close();
		stopEngineTimers();
	});
	return () => sandbox;
}
