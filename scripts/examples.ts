/**
 * The workflows in examples/ and the sandbox credential they name. The examples import as they
 * are; these helpers only point them at a sandbox on another port and at a CSV file elsewhere.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { SANDBOX_ACCOUNT_ID, sandboxCertDir } from '../sandbox/server';
import { REPO_ROOT, type CredentialToImport, type Workflow } from './n8n';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const PAYOUTS_CSV = join(EXAMPLES_DIR, 'payouts.csv');

/** Where the examples expect the sandbox (`npm run dev` starts it there) and the CSV file. */
const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:8787';
const EXAMPLE_PAYOUTS_CSV = '/home/node/.n8n-files/payouts.csv';

/** The credential every example uses, by id and name. */
export const SANDBOX_CREDENTIAL = { id: 'aliKassaSandbox01', name: 'AliKassa Sandbox' } as const;
/** The AliKassa Trigger's credential: the sandbox's notifications public.pem. */
export const NOTIFICATIONS_CREDENTIAL = {
	id: 'aliKassaNotices01',
	name: 'AliKassa Sandbox Notifications',
} as const;

export const EXAMPLES = {
	singlePayout: {
		file: 'single-payout.json',
		id: 'aliKassaSinglePayout',
		payoutNode: 'Create Payout',
	},
	scheduledBatch: {
		file: 'scheduled-batch-payouts.json',
		id: 'aliKassaBatchPayouts',
		rowsNode: 'Extract CSV Rows',
		payoutNode: 'Create Payouts',
		acceptedNode: 'Accepted by AliKassa',
		/** The If node on the error output: "Not paid" → refusedNode, anything else → unknownNode */
		notPaidCheckNode: 'Not paid?',
		refusedNode: 'Refused: fix the row',
		unknownNode: 'Outcome unknown: check before paying again',
	},
	httpRequestSigned: {
		file: 'http-request-signed.json',
		id: 'aliKassaHttpSigned',
		requestNode: 'Get Balance',
	},
	followUpPayouts: {
		file: 'follow-up-payouts.json',
		id: 'aliKassaFollowUp',
		statusNode: 'Get Payout Status',
		finalNode: 'Final',
		waitingNode: 'Still waiting',
		notFoundNode: 'Not found: never created',
	},
	reactToNotifications: {
		file: 'react-to-notifications.json',
		id: 'aliKassaNotifications',
		triggerNode: 'AliKassa Trigger',
		/** Fixed in the file, so that the trigger's Production URL is known before n8n runs. */
		webhookId: '5e0c8a3d-2b7f-4d19-a6e4-9c1b3f7d2e80',
		branchOfStatus: { paid: 'Paid', cancel: 'Cancelled', fail: 'Failed' },
		claimNode: 'Claim (payout, status)',
		alreadyHandledNode: 'Already handled',
	},
	queuePayChunk: {
		file: 'queue-pay-chunk.json',
		id: 'aliKassaPayChunk',
		webhookPath: 'alikassa-pay-chunk',
		payoutNode: 'Create Payouts',
	},
	mcpPayouts: {
		file: 'mcp-payouts-for-agents.json',
		id: 'aliKassaMcpPayouts',
		/** The MCP Server Trigger's Production URL is `<n8n URL>/mcp/<path>`. */
		path: 'alikassa-payouts',
		/** A credential of its own, with a low Maximum Amount per Payout, for what agents pay. */
		agentCredential: { id: 'aliKassaAgents01', name: 'AliKassa Sandbox (AI agents, capped)' },
		/** The MCP Server Trigger's Bearer Auth credential. */
		tokenCredential: { id: 'aliKassaMcpToken01', name: 'AliKassa MCP token' },
	},
	queueSplitBatch: {
		file: 'queue-split-batch.json',
		id: 'aliKassaSplitBatch',
		chunksNode: 'Chunks',
		payChunkNode: 'Pay chunk',
	},
} as const;

export function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
}

function mapStrings(value: unknown, change: (text: string) => string): unknown {
	if (typeof value === 'string') return change(value);
	if (Array.isArray(value)) return value.map((element) => mapStrings(element, change));
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(
			Object.entries(value).map(([key, element]) => [key, mapStrings(element, change)]),
		);
	}
	return value;
}

/** The workflow with its sandbox URL and CSV path replaced. */
export function pointWorkflowAt(
	workflow: Workflow,
	{ sandboxUrl, payoutsCsv = PAYOUTS_CSV }: { sandboxUrl: string; payoutsCsv?: string },
): Workflow {
	return mapStrings(workflow, (text) =>
		text === EXAMPLE_PAYOUTS_CSV ? payoutsCsv : text.split(EXAMPLE_SANDBOX_URL).join(sandboxUrl),
	) as Workflow;
}

/** Every example, ready to import next to a sandbox at `sandboxUrl`. */
export function allExamples(sandboxUrl: string): Workflow[] {
	return Object.values(EXAMPLES).map(({ file }) =>
		pointWorkflowAt(loadExample(file), { sandboxUrl }),
	);
}

/**
 * The Production URL n8n 2.8 gives the webhooks of an AliKassa Trigger: the node's webhookId,
 * then its path, served once the workflow is published (active).
 */
export function triggerProductionUrl(n8nUrl: string, webhookId: string): string {
	return `${n8nUrl}/webhook/${webhookId}/alikassa`;
}

/** The Postgres credential of the notification example's claim table. */
export const CLAIMS_CREDENTIAL = {
	id: 'aliKassaClaimsDb01',
	name: 'AliKassa notification claims',
} as const;

/**
 * The table the notification example claims each (payout, status) in: the primary key makes
 * `INSERT … ON CONFLICT DO NOTHING RETURNING` return a row to exactly one of any number of
 * executions running at the same moment. The README shows the same statement.
 */
export const CLAIMS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS alikassa_notifications (
  payout_id      bigint      NOT NULL,
  payment_status text        NOT NULL,
  order_id       text,
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (payout_id, payment_status)
)`;

/** n8n's Postgres credential for the claim table in `database` on the local PostgreSQL. */
export function claimsCredential(database: string): CredentialToImport {
	return {
		...CLAIMS_CREDENTIAL,
		type: 'postgres',
		data: {
			host: '127.0.0.1',
			port: '5432',
			database,
			user: 'postgres',
			password: '',
			ssl: 'disable',
		},
	};
}

/** What a user would paste into the AliKassa Trigger's credential. */
export function notificationsCredential(): CredentialToImport {
	return {
		...NOTIFICATIONS_CREDENTIAL,
		type: 'aliKassaNotificationsApi',
		data: {
			publicKey: readFileSync(join(sandboxCertDir(), 'notifications', 'public.pem'), 'utf8'),
		},
	};
}

/** What a user would type into the credential from the sandbox's certificate archive. */
export function sandboxCredential(baseUrl: string): CredentialToImport {
	const keyDir = join(sandboxCertDir(), 'payout');
	return {
		...SANDBOX_CREDENTIAL,
		type: 'aliKassaPayoutApi',
		data: {
			accountId: SANDBOX_ACCOUNT_ID,
			privateKey: readFileSync(join(keyDir, 'private.pem'), 'utf8'),
			password: readFileSync(join(keyDir, 'password.txt'), 'utf8'),
			signatureHash: 'sha1',
			baseUrl,
		},
	};
}

/** The MCP example's own credential: the sandbox account with a low Maximum Amount per Payout. */
export function agentCredential(baseUrl: string, maxAmount = '5000.00'): CredentialToImport {
	const sandbox = sandboxCredential(baseUrl);
	return {
		...sandbox,
		...EXAMPLES.mcpPayouts.agentCredential,
		data: { ...sandbox.data, maxAmount },
	};
}
