/** `node dist-dev/sandbox/cli.js --help`: runs the AliKassa sandbox until Ctrl+C. */
import { join } from 'path';
import { parseArgs } from 'util';
import { serviceOf } from './accountInfo';
import {
	SANDBOX_ACCOUNT_ID,
	SANDBOX_EUR_ACCOUNT_ID,
	sandboxCaFile,
	sandboxCertDir,
	startSandbox,
	type AccountInfoPatch,
	type FaultKind,
	type FinalStatus,
	type Sandbox,
	type SandboxOptions,
} from './server';

const DEFAULT_PORT = 8787;

const USAGE = `Usage: node dist-dev/sandbox/cli.js [options]

  --port N             port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host HOST          address to listen on (default 127.0.0.1)
  --latency-ms N       delay every API answer by N ms
  --final-status S     paid | cancel | fail: what payouts turn into (default paid)
  --final-after-ms N   how long payouts stay "wait" (default 2000)
  --fault-rate R       0..1: share of API requests that fail at random
  --fault-kinds LIST   comma-separated, among latency,http500,http502,http503,
                       http429,timeout,reset,garbage (default: all but timeout)
  --seed N             seed of the random faults, to repeat a run
  --payout-services L  comma-separated payout service codes every account has
                       (default: all the sandbox knows); code:status gives one a
                       status other than active, e.g. qiwi_rub:disabled
  --deny-payouts       v1/account/info says is_allowed_payout: false and
                       payouts are refused
  --tls                HTTPS with the test certificate of sandbox/cert/tls
                       (clients trust it with NODE_EXTRA_CA_CERTS=<its ca.pem>)
  --quiet              no line per request
  --help

Every option also reads ALIKASSA_SANDBOX_<NAME>, e.g. ALIKASSA_SANDBOX_FAULT_RATE=0.1.
`;

const OPTIONS = {
	port: { type: 'string' },
	host: { type: 'string' },
	'latency-ms': { type: 'string' },
	'final-status': { type: 'string' },
	'final-after-ms': { type: 'string' },
	'fault-rate': { type: 'string' },
	'fault-kinds': { type: 'string' },
	seed: { type: 'string' },
	'payout-services': { type: 'string' },
	'deny-payouts': { type: 'boolean' },
	quiet: { type: 'boolean' },
	tls: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = Partial<Record<OptionName, string | boolean>>;

class UsageError extends Error {}

/** The command line wins over ALIKASSA_SANDBOX_<NAME>. */
function setting(values: Values, name: OptionName): string | undefined {
	const given = values[name];
	if (given !== undefined) return String(given);
	const fromEnv = process.env[`ALIKASSA_SANDBOX_${name.toUpperCase().replace(/-/g, '_')}`];
	return fromEnv === '' ? undefined : fromEnv;
}

function numberSetting(values: Values, name: OptionName): number | undefined {
	const text = setting(values, name);
	if (text === undefined) return undefined;
	const value = Number(text);
	if (text.trim() === '' || !Number.isFinite(value)) {
		throw new UsageError(`--${name} must be a number, got "${text}"`);
	}
	return value;
}

function booleanSetting(values: Values, name: OptionName): boolean {
	const text = setting(values, name);
	return text === 'true' || text === '1';
}

/** --payout-services and --deny-payouts, for every account. */
function accountInfo(values: Values): AccountInfoPatch {
	const patch: AccountInfoPatch = {};
	const services = setting(values, 'payout-services');
	if (services !== undefined) {
		patch.payouts = services
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean)
			.map((entry) => {
				const [code, status = 'active'] = entry.split(':');
				return serviceOf(code, status);
			});
	}
	if (booleanSetting(values, 'deny-payouts')) patch.is_allowed_payout = false;
	return patch;
}

function sandboxOptions(values: Values): SandboxOptions {
	return {
		port: numberSetting(values, 'port') ?? DEFAULT_PORT,
		host: setting(values, 'host'),
		latencyMs: numberSetting(values, 'latency-ms'),
		finalStatus: setting(values, 'final-status') as FinalStatus | undefined,
		finalAfterMs: numberSetting(values, 'final-after-ms'),
		faultRate: numberSetting(values, 'fault-rate'),
		faultKinds: setting(values, 'fault-kinds')
			?.split(',')
			.map((kind) => kind.trim() as FaultKind),
		// Chosen here rather than in the sandbox so that the banner can tell how to repeat the run.
		seed: numberSetting(values, 'seed') ?? Math.floor(Math.random() * 2 ** 32),
		accountInfo: accountInfo(values),
		quiet: booleanSetting(values, 'quiet'),
		tls: booleanSetting(values, 'tls'),
	};
}

function banner(sandbox: Sandbox, options: SandboxOptions): string {
	const certDir = sandboxCertDir();
	const lines = [
		`AliKassa sandbox listening on ${sandbox.url}`,
		`  Accounts:         ${SANDBOX_ACCOUNT_ID} (RUB, default), ${SANDBOX_EUR_ACCOUNT_ID} (EUR)`,
		`  Payout key:       ${join(certDir, 'payout', 'private.pem')}`,
		`  Key password:     ${join(certDir, 'payout', 'password.txt')}`,
		`  Notification key: ${join(certDir, 'notifications', 'public.pem')} (verifies callback signs)`,
		`  Control API:      ${sandbox.url}/_sandbox/requests, /payouts, /notifications, /faults, /reset,\n                    /accounts/<id>/info`,
	];
	if (options.tls) {
		lines.push(`  Test CA:          ${sandboxCaFile()} (for NODE_EXTRA_CA_CERTS)`);
	}
	if (options.faultRate) {
		lines.push(`  Random faults:    rate ${options.faultRate}, seed ${options.seed}`);
	}
	return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false });
	if (values.help) {
		process.stdout.write(USAGE);
		return;
	}
	const options = sandboxOptions(values);
	const sandbox = await startSandbox(options);
	process.stdout.write(banner(sandbox, options));
	// Closing leaves no handle behind, so the process then ends on its own.
	const stop = () => void sandbox.close();
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

function isUsageProblem(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return error instanceof UsageError || (code?.startsWith('ERR_PARSE_ARGS') ?? false);
}

main().catch((error: unknown) => {
	const message = error instanceof Error ? error.message : String(error);
	const showUsage = isUsageProblem(error);
	process.stderr.write(`${message}\n${showUsage ? `\n${USAGE}` : ''}`);
	process.exitCode = showUsage ? 2 : 1;
});
