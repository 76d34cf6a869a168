/**
 * The trigger's Confirm with AliKassa in n8n-core's own WebhookContext (what n8n calls for each
 * request to the trigger's URL), against the sandbox: a correctly signed notice of a final status
 * that AliKassa's status API does not report yet is answered 503, so that AliKassa delivers it
 * again, and emitted once the status agrees.
 */
import { WebhookContext } from 'n8n-core/dist/execution-engine/node-execution-context';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeCredentialsDetails,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AliKassaTrigger } from '../../nodes/AliKassa/AliKassaTrigger.node';
import { notificationsPrivateKey, readCertFile } from '../../sandbox/keys';
import { signedNotification } from '../../sandbox/notifier';
import type { SandboxPayout } from '../../sandbox/types';
import { runPayoutNode } from '../../scripts/engine';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';
import { expectSuccess, fromItem, row } from '../support/payoutRows';
import { useSandbox } from '../support/useSandbox';

const sandbox = useSandbox({ finalAfterMs: 60_000 });
const trigger = new AliKassaTrigger();
const node: INode = {
	id: 'trigger',
	name: 'AliKassa Trigger',
	type: 'n8n-nodes-alikassa.aliKassaTrigger',
	typeVersion: 1,
	position: [0, 0],
	webhookId: '6c1f9e2a-4b7d-4e3a-9f15-8d2c6b0a3e71',
	parameters: { confirmWithAliKassa: true, statuses: ['paid', 'cancel', 'fail'] },
	credentials: {
		aliKassaNotificationsApi: { id: 'cred-n', name: 'AliKassa notifications' },
		aliKassaPayoutApi: { id: 'cred-p', name: 'AliKassa sandbox' },
	},
};

type Request = ReturnType<IWebhookFunctions['getRequestObject']>;
type Response = ReturnType<IWebhookFunctions['getResponseObject']>;

interface Answer {
	/** what the trigger answered itself (status and body), when it did */
	sent?: { status: number; body: unknown };
	result: IWebhookResponseData;
}

/** One GET of the trigger's URL with `query`, as n8n's webhook server hands it to the node. */
async function deliver(query: Record<string, string>): Promise<Answer> {
	const answer: Partial<Answer> = {};
	const response = {
		status(status: number) {
			return {
				json(body: unknown) {
					answer.sent = { status, body };
				},
			};
		},
	} as unknown as Response;
	const request = { method: 'GET', query, body: {}, headers: {}, params: {} } as unknown as Request;
	const credentials: Record<string, ICredentialDataDecryptedObject> = {
		aliKassaNotificationsApi: { publicKey: readCertFile('notifications', 'public.pem') },
		aliKassaPayoutApi: sandboxCredentials(sandbox().url) as ICredentialDataDecryptedObject,
	};
	const additionalData = {
		httpRequest: request,
		httpResponse: response,
		credentialsHelper: {
			getDecrypted: async (
				_additionalData: unknown,
				_details: INodeCredentialsDetails,
				type: string,
			) => ({ ...credentials[type] }),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const workflow = new Workflow({
		id: 'wf-confirm',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: {
			getByName: () => trigger,
			getByNameAndVersion: () => trigger,
			getKnownTypes: () => ({}),
		},
	});
	const webhookData = { webhookDescription: trigger.description.webhooks![0] } as IWebhookData;
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	answer.result = await trigger.webhook.call(context);
	return answer as Answer;
}

async function payoutInWait(orderId: string): Promise<SandboxPayout> {
	expectSuccess(
		await runPayoutNode({
			parameters: fromItem,
			items: [row(orderId)],
			credentials: sandboxCredentials(sandbox().url),
		}),
	);
	const payout = sandbox()
		.payouts()
		.find((entry) => entry.orderId === orderId)!;
	expect(payout.status).toBe('wait');
	return payout;
}

const emitted = (answer: Answer) =>
	(answer.result.workflowData?.[0] ?? []).map((item) => item.json as IDataObject);

describe('Confirm with AliKassa', () => {
	it('a signed "paid" notice while AliKassa still says wait: 503, nothing emitted; delivered again once AliKassa says paid: 200 and emitted', async () => {
		const payout = await payoutInWait('confirm-behind');
		const notice = signedNotification({ ...payout, status: 'paid' }, notificationsPrivateKey());

		const early = await deliver(notice);
		expect(early.sent).toEqual({
			status: 503,
			body: {
				message: 'AliKassa does not report this status yet; deliver the notification again later.',
			},
		});
		expect(early.result).toEqual({ noWebhookResponse: true });

		await sandbox().finalize(payout.id, 'paid');
		const again = await deliver(notice);
		expect(again.sent).toBeUndefined();
		expect(again.result.webhookResponse).toEqual({ message: 'Notification received.' });
		expect(emitted(again)).toEqual([
			expect.objectContaining({
				id: payout.id,
				order_id: 'confirm-behind',
				payment_status: 'paid',
				aliKassaStatus: expect.objectContaining({ id: payout.id, payment_status: 'paid' }),
			}),
		]);
	});

	it('a notice AliKassa contradicts (it says fail, the notice paid): 200, not emitted, not asked again', async () => {
		const payout = await payoutInWait('confirm-contradicted');
		const notice = signedNotification({ ...payout, status: 'paid' }, notificationsPrivateKey());
		await sandbox().finalize(payout.id, 'fail');

		const answer = await deliver(notice);
		expect(answer.sent).toBeUndefined();
		expect(answer.result).toEqual({
			webhookResponse: {
				message: 'Notification received; AliKassa reports another status, so it was not emitted.',
			},
		});
	});

	it('a "wait" notice while AliKassa says wait is emitted: only a final status can be behind', async () => {
		const waitTrigger = { ...node.parameters, statuses: ['wait'] };
		node.parameters = waitTrigger;
		try {
			const payout = await payoutInWait('confirm-wait');
			const answer = await deliver(signedNotification(payout, notificationsPrivateKey()));
			expect(answer.sent).toBeUndefined();
			expect(emitted(answer)).toEqual([
				expect.objectContaining({ order_id: 'confirm-wait', payment_status: 'wait' }),
			]);
		} finally {
			node.parameters = { confirmWithAliKassa: true, statuses: ['paid', 'cancel', 'fail'] };
		}
	});
});
