/** The sandbox's own unsigned API, for users outside the process: e2e tests, the demo. */
import { AccountInfoPatchError } from './accountInfo';
import { FaultError } from './faults';
import { isRecord, jsonAnswer, parseJson, type Answer } from './http';
import type { Fault, FinalStatus, Sandbox } from './types';

export const CONTROL_PREFIX = '/_sandbox';

export interface ControlTarget {
	sandbox: Sandbox;
	accounts: () => Array<{ id: string; currency: string }>;
}

const FINAL_STATUSES: readonly FinalStatus[] = ['paid', 'cancel', 'fail'];
const FINALIZE_PATH = /^\/_sandbox\/payouts\/(\d+)\/finalize$/;
const ACCOUNT_INFO_PATH = /^\/_sandbox\/accounts\/([^/]+)\/info$/;

type Handler = (target: ControlTarget, body: Buffer) => Answer | Promise<Answer>;

const ok = () => jsonAnswer(200, { ok: true });

const ROUTES = new Map<string, Handler>([
	[
		'GET /_sandbox/health',
		({ sandbox, accounts }) =>
			jsonAnswer(200, {
				ok: true,
				url: sandbox.url,
				accountId: sandbox.accountId,
				accounts: accounts(),
			}),
	],
	['GET /_sandbox/requests', ({ sandbox }) => jsonAnswer(200, sandbox.requests)],
	['GET /_sandbox/payouts', ({ sandbox }) => jsonAnswer(200, sandbox.payouts())],
	['GET /_sandbox/notifications', ({ sandbox }) => jsonAnswer(200, sandbox.notifications)],
	['GET /_sandbox/connections', ({ sandbox }) => jsonAnswer(200, sandbox.connections())],
	['POST /_sandbox/faults', injectFault],
	[
		'DELETE /_sandbox/faults',
		({ sandbox }) => {
			sandbox.clearFaults();
			return ok();
		},
	],
	[
		'POST /_sandbox/reset',
		({ sandbox }) => {
			sandbox.reset();
			return ok();
		},
	],
]);

export async function answerControlRequest(
	target: ControlTarget,
	method: string,
	path: string,
	body: Buffer,
): Promise<Answer> {
	const handler = ROUTES.get(`${method} ${path}`);
	if (handler !== undefined) return handler(target, body);
	const finalizeMatch = FINALIZE_PATH.exec(path);
	if (finalizeMatch !== null && method === 'POST') {
		return finalize(target.sandbox, Number(finalizeMatch[1]), body);
	}
	const accountMatch = ACCOUNT_INFO_PATH.exec(path);
	if (accountMatch !== null && (method === 'GET' || method === 'PATCH')) {
		return accountInfo(target, decodeURIComponent(accountMatch[1]), method, body);
	}
	return jsonAnswer(404, { message: `No sandbox control endpoint ${method} ${path}.` });
}

/** GET shows what v1/account/info answers for the account; PATCH replaces the fields it gives. */
function accountInfo(
	{ sandbox, accounts }: ControlTarget,
	accountId: string,
	method: string,
	body: Buffer,
): Answer {
	if (!accounts().some(({ id }) => id === accountId)) {
		return jsonAnswer(404, { message: `No sandbox account ${accountId}.` });
	}
	if (method === 'PATCH') {
		const parsed = parseJson(body);
		if (!parsed.ok || !isRecord(parsed.value)) {
			return jsonAnswer(400, { message: 'The body must be a JSON object of account info fields.' });
		}
		try {
			sandbox.setAccountInfo(accountId, parsed.value);
		} catch (error) {
			if (error instanceof AccountInfoPatchError) return jsonAnswer(400, { message: error.message });
			throw error;
		}
	}
	return jsonAnswer(200, sandbox.accountInfo(accountId));
}

function injectFault({ sandbox }: ControlTarget, body: Buffer): Answer {
	const parsed = parseJson(body);
	if (!parsed.ok) return jsonAnswer(400, { message: 'The body must be a fault as JSON.' });
	try {
		sandbox.injectFault(parsed.value as Fault);
	} catch (error) {
		if (error instanceof FaultError) return jsonAnswer(400, { message: error.message });
		throw error;
	}
	return ok();
}

/** The body is optional: `{"status":"cancel"}` overrides the status the payout would get. */
async function finalize(sandbox: Sandbox, payoutId: number, body: Buffer): Promise<Answer> {
	const status = requestedStatus(body);
	if (status === null) {
		return jsonAnswer(400, { message: `status must be one of ${FINAL_STATUSES.join(', ')}` });
	}
	if (!sandbox.payouts().some((payout) => payout.id === payoutId)) {
		return jsonAnswer(404, { message: `Payout ${payoutId} not found.` });
	}
	await sandbox.finalize(payoutId, status);
	return jsonAnswer(
		200,
		sandbox.payouts().find((payout) => payout.id === payoutId),
	);
}

/** undefined when the body names no status, null when it is not a valid request. */
function requestedStatus(body: Buffer): FinalStatus | undefined | null {
	if (body.length === 0) return undefined;
	const parsed = parseJson(body);
	if (!parsed.ok || !isRecord(parsed.value)) return null;
	const { status } = parsed.value;
	if (status === undefined) return undefined;
	return FINAL_STATUSES.includes(status as FinalStatus) ? (status as FinalStatus) : null;
}
