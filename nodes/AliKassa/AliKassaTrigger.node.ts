import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	loadPublicKey,
	normalizeNotification,
	PublicKeyError,
	verifyNotification,
} from './core/notification';

const STATUS_OPTIONS = [
	{ name: 'Cancel', value: 'cancel' },
	{ name: 'Fail', value: 'fail' },
	{ name: 'Paid', value: 'paid' },
	{ name: 'Wait', value: 'wait' },
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
					'Give the Production URL below to AliKassa as notification_endpoint_url (AliKassa Payout node → Additional Fields), or set it up in the cabinet.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Notification Type',
				name: 'notificationType',
				type: 'options',
				options: [
					{ name: 'Payout', value: 'payout' },
					{ name: 'Payment', value: 'payment' },
					{ name: 'Both', value: 'both' },
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
		],
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
		let publicKey;
		try {
			publicKey = loadPublicKey(String(credentials.publicKey ?? ''));
		} catch (error) {
			if (error instanceof PublicKeyError)
				throw new NodeOperationError(this.getNode(), error.message);
			throw error;
		}

		const signatureForm = verifyNotification(params, publicKey);
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
		return {
			workflowData: [this.helpers.returnJsonArray(notification as IDataObject)],
			webhookResponse: { message: 'Notification received.' },
		};
	}
}
