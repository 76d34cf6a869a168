/**
 * `npm run dev [-- --n8n-port N --sandbox-port N]`: the AliKassa sandbox and n8n's editor with
 * this package installed like a user would, the sandbox credential and every example imported,
 * and the owner account already created (the editor opens on its sign-in page, not on the
 * owner-setup form). Everything lives in a throwaway user folder; Ctrl+C stops both and
 * removes it.
 */
import { parseArgs } from 'util';

import {
	agentCredential,
	allExamples,
	claimsCredential,
	EXAMPLES,
	EXAMPLES_DIR,
	NOTIFICATIONS_CREDENTIAL,
	notificationsCredential,
	PAYOUTS_CSV,
	SANDBOX_CREDENTIAL,
	sandboxCredential,
	triggerProductionUrl,
} from './examples';
import { ensureN8nInstalled, LOCAL_OWNER, N8nUserFolder, preparePackage } from './n8n';
import { createClaimsDatabase, dropDatabase } from './queueServices';
import { SandboxProcess } from './sandboxProcess';

const print = (line = '') => process.stdout.write(`${line}\n`);
const prefixed = (prefix: string) => (line: string) => print(`${prefix} ${line}`);

function ports(): { n8nPort: number; sandboxPort: number } {
	const { values } = parseArgs({
		options: { 'n8n-port': { type: 'string' }, 'sandbox-port': { type: 'string' } },
	});
	const port = (text: string | undefined, fallback: number) => {
		const value = Number(text ?? fallback);
		if (!Number.isInteger(value) || value < 1 || value > 65535) {
			throw new Error(`Not a port: ${text}`);
		}
		return value;
	};
	return {
		n8nPort: port(values['n8n-port'], 5678),
		sandboxPort: port(values['sandbox-port'], 8787),
	};
}

/** Resolves on the first Ctrl+C or SIGTERM; a second one ends the process at once. */
function stopRequested(): Promise<null> {
	return new Promise((resolve) => {
		const onSignal = (signal: NodeJS.Signals) => {
			process.once(signal, () => process.exit(130));
			print(`${signal}: stopping n8n and the sandbox…`);
			resolve(null);
		};
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
	});
}

async function main(): Promise<void> {
	const { n8nPort, sandboxPort } = ports();
	const stop = stopRequested();
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	const sandbox = await SandboxProcess.start({ port: sandboxPort, onLine: prefixed('[sandbox]') });
	const userFolder = await N8nUserFolder.create(pkg, {
		port: n8nPort,
		readableDirs: [EXAMPLES_DIR],
	});
	// The notification example claims each (payout, status) in PostgreSQL; without one it is
	// still imported, and its claim node fails until the credential points at a database.
	const claimsDatabase = await createClaimsDatabase().catch((error: Error) => {
		print(`No claim table for the notification example: ${error.message}`);
		return undefined;
	});
	try {
		await userFolder.importCredentials([
			sandboxCredential(sandbox.url),
			agentCredential(sandbox.url),
			notificationsCredential(),
			...(claimsDatabase ? [claimsCredential(claimsDatabase)] : []),
		]);
		await userFolder.importWorkflows(allExamples(sandbox.url));
		await userFolder.publishWorkflow(EXAMPLES.reactToNotifications.id);
		const server = await userFolder.start(prefixed('[n8n]'));
		try {
			await server.setUpOwner(LOCAL_OWNER);
			const triggerUrl = triggerProductionUrl(server.url, EXAMPLES.reactToNotifications.webhookId);
			print();
			print(`n8n with ${pkg.tarball.split('/').pop()} installed: ${server.url}`);
			print(`  Sign in as ${LOCAL_OWNER.email} / ${LOCAL_OWNER.password}`);
			print(`  Credential "${SANDBOX_CREDENTIAL.name}" → ${sandbox.url}`);
			print(
				`  Workflows: ${Object.values(EXAMPLES)
					.map(({ file }) => file)
					.join(', ')}`,
			);
			print(`  The batch and follow-up examples read ${PAYOUTS_CSV}`);
			print(`  AliKassa Trigger (published, credential "${NOTIFICATIONS_CREDENTIAL.name}"):`);
			print(`    ${triggerUrl}`);
			print(`    Put it in Create Payout → Additional Fields → Notification Endpoint URL.`);
			if (claimsDatabase) {
				print(`    It claims each (payout, status) in PostgreSQL database ${claimsDatabase}.`);
			}
			print(`  Everything is thrown away on Ctrl+C: download workflows you want to keep.`);
			print();
			const ended = await Promise.race([stop, server.whenEnded(), sandbox.whenEnded()]);
			if (ended !== null) {
				print(`${ended}; stopping the rest.`);
				process.exitCode = 1;
			}
		} finally {
			await server.stop();
		}
	} finally {
		await sandbox.stop();
		userFolder.remove();
		if (claimsDatabase) await dropDatabase(claimsDatabase);
	}
}

main().then(
	() => print('Stopped.'),
	(error: unknown) => {
		process.stderr.write(
			`npm run dev failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
