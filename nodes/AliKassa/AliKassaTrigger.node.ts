import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fetchPayoutStatus } from './actions/payout/payoutStatus';
import { CONFIRM_TIMEOUT_SECONDS } from './core/defaults';
import {
	disagreement,
	normalizeNotification,
	readPublicKey,
	statusBehind,
	verifyNotification,
	type Notification,
} from './core/notification';
import { notificationUrlProblem } from './core/notificationUrl';
import { credentialTest } from './methods';
import { AliKassaApiError, CREDENTIAL_TYPE, loadCredentials } from './transport';

const STATUS_OPTIONS = [
	{ name: 'Cancel', value: 'cancel', description: 'The payout was cancelled (final)' },
	{ name: 'Fail', value: 'fail', description: 'The payout failed (final)' },
	{ name: 'Paid', value: 'paid', description: 'The money reached the recipient (final)' },
	{ name: 'Wait', value: 'wait', description: 'AliKassa is still processing it' },
];

const webhook = {
	name: 'default',
	responseMode: 'onReceived',
	// Left out, n8n 2.8 falls back to 'firstEntryJson' and answers an accepted call with that very
	// text; empty, it answers with the webhookResponse returned below.
	responseData: '',
	path: 'alikassa',
} as const;

export class AliKassaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AliKassa Trigger',
		name: 'aliKassaTrigger',
		icon: { light: 'file:../../icons/alikassa.svg', dark: 'file:../../icons/alikassa.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + $parameter["notificationType"] + " notifications" }}',
		description:
			'Starts the workflow when AliKassa sends a correctly signed payout or payment notification',
		defaults: {
			name: 'AliKassa Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aliKassaNotificationsApi',
				required: true,
				testedBy: 'aliKassaNotificationsApiTest',
			},
			{
				name: CREDENTIAL_TYPE,
				required: true,
				// `hide`, not `show`: n8n 2.8's editor takes a parameter named in a credential's
				// `show` for the node's authentication switch and hides it, and every parameter it
				// depends on (Notification Type), from the panel.
				displayOptions: { hide: { confirmWithAliKassa: [false] } },
			},
		],
		// The docs read notifications from the query string (GET); POST bodies are accepted too.
		webhooks: [
			{ ...webhook, httpMethod: 'GET' },
			{ ...webhook, httpMethod: 'POST' },
		],
		properties: [
			{
				displayName:
					'Give the Production URL above to AliKassa as notification_endpoint_url (AliKassa Payout node → Additional Fields), or set it up in the cabinet. AliKassa has no API to register it: activating checks the notifications key and that the URL is public https (WEBHOOK_URL), deactivating removes nothing at AliKassa.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Notification Type',
				name: 'notificationType',
				type: 'options',
				options: [
					{ name: 'Payout', value: 'payout', description: 'Money you sent out' },
					{ name: 'Payment', value: 'payment', description: 'Money your customers paid in' },
					{ name: 'Both', value: 'both', description: 'Payouts and payments alike' },
				],
				default: 'payout',
				description: 'Which notifications start the workflow',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: STATUS_OPTIONS,
				default: ['cancel', 'fail', 'paid', 'wait'],
				description: 'Start the workflow only for these payment statuses',
			},
			{
				displayName: 'Confirm with AliKassa',
				name: 'confirmWithAliKassa',
				type: 'boolean',
				default: false,
				description:
					"Whether to look the payout up at AliKassa (with a payout credential) before starting the workflow. A notification whose status AliKassa no longer reports (stale or replayed) is answered and ignored; AliKassa's current status is added as aliKassaStatus. If AliKassa cannot be reached, or still reports wait for a notification of a final status, the answer is 503 so that AliKassa delivers the notification again.",
				displayOptions: { show: { notificationType: ['payout'] } },
			},
		],
	};

	methods = { credentialTest };

	// AliKassa has no API to register a notification URL, so there is nothing to find or remove
	// there: activation checks what can be checked before AliKassa's first call.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials('aliKassaNotificationsApi');
				const publicKey = readPublicKey(String(credentials.publicKey ?? ''));
				if ('problem' in publicKey) throw new NodeOperationError(this.getNode(), publicKey.problem);
				// A warning, not an error: a local sandbox calls http://127.0.0.1 and must keep working.
				const urlProblem = notificationUrlProblem(this.getNodeWebhookUrl('default') ?? '');
				if (urlProblem !== null) this.logger.warn(`AliKassa Trigger: ${urlProblem}`);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const body =
			typeof request.body === 'object' && request.body !== null
				? (request.body as IDataObject)
				: {};
		const params: IDataObject = { ...body, ...(request.query as IDataObject) };

		const credentials = await this.getCredentials('aliKassaNotificationsApi');
		const publicKey = readPublicKey(String(credentials.publicKey ?? ''));
		if ('problem' in publicKey) throw new NodeOperationError(this.getNode(), publicKey.problem);

		const signatureForm = verifyNotification(params, publicKey.key);
		if (signatureForm === null) {
			response.status(403).json({ message: 'Invalid or missing sign.' });
			return { noWebhookResponse: true };
		}

		const notification = normalizeNotification(params, signatureForm);
		const wantedType = this.getNodeParameter('notificationType', 'payout') as string;
		const wantedStatuses = this.getNodeParameter('statuses', []) as string[];
		const typeMatches = wantedType === 'both' || notification.type === wantedType;
		const statusMatches = wantedStatuses.includes(String(notification.payment_status));
		if (!typeMatches || !statusMatches) {
			return {
				webhookResponse: { message: 'Notification received; filtered out by the trigger.' },
			};
		}
		if (!this.getNodeParameter('confirmWithAliKassa', false)) {
			return {
				workflowData: [this.helpers.returnJsonArray(notification as IDataObject)],
				webhookResponse: { message: 'Notification received.' },
			};
		}
		return confirmWithAliKassa(this, notification);
	}
}

/**
 * Emits the notification only if AliKassa reports the same status now. 200 without emitting for
 * one it contradicts; 503 when AliKassa cannot say, or still says `wait` for a notice of a final
 * status (its status API is behind the notice), so that it delivers the notification again.
 */
async function confirmWithAliKassa(
	context: IWebhookFunctions,
	notification: Notification,
): Promise<IWebhookResponseData> {
	const credentials = await loadCredentials(context);
	let current: IDataObject | null;
	try {
		current = await fetchPayoutStatus(
			context,
			credentials,
			{ id: Number(notification.id) },
			0,
			CONFIRM_TIMEOUT_SECONDS * 1000,
		);
	} catch (error) {
		if (!(error instanceof AliKassaApiError)) {
			throw new NodeOperationError(context.getNode(), error as Error);
		}
		context.logger.warn(
			`AliKassa Trigger: could not confirm payout ${String(notification.id)} with AliKassa (${error.message}); answered 503 so that AliKassa delivers it again`,
		);
		context.getResponseObject().status(503).json({
			message: 'AliKassa could not be reached to confirm the notification; deliver it again later.',
		});
		return { noWebhookResponse: true };
	}
	if (statusBehind(notification, current)) {
		context.logger.info(
			`AliKassa Trigger: payout ${String(notification.id)} is still "wait" at AliKassa, the notification says "${String(notification.payment_status)}"; answered 503 so that AliKassa delivers it again`,
		);
		context.getResponseObject().status(503).json({
			message: 'AliKassa does not report this status yet; deliver the notification again later.',
		});
		return { noWebhookResponse: true };
	}
	const reason = disagreement(notification, current);
	if (reason !== null) {
		context.logger.info(`AliKassa Trigger: notification not emitted: ${reason}`);
		return {
			webhookResponse: {
				message: 'Notification received; AliKassa reports another status, so it was not emitted.',
			},
		};
	}
	return {
		workflowData: [
			context.helpers.returnJsonArray({ ...notification, aliKassaStatus: current } as IDataObject),
		],
		webhookResponse: { message: 'Notification received.' },
	};
}
