/**
 * The trigger's webhookMethods in n8n-core's own HookContext (what n8n calls when a workflow is
 * activated or deactivated): AliKassa has no registration API, so activation checks the
 * notifications key and the URL n8n gives AliKassa, and deactivation removes nothing.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { HookContext } from 'n8n-core/dist/execution-engine/node-execution-context';
import type { INode, IWebhookData, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AliKassaTrigger } from '../../nodes/AliKassa/AliKassaTrigger.node';
import { readCertFile } from '../../sandbox/keys';

const trigger = new AliKassaTrigger();
const node: INode = {
	id: 'trigger',
	name: 'AliKassa Trigger',
	type: 'n8n-nodes-alikassa.aliKassaTrigger',
	typeVersion: 1,
	position: [0, 0],
	webhookId: '0b7e4c52-9d3a-4f1e-8c26-5a9d1e3f7b40',
	parameters: {},
	credentials: { aliKassaNotificationsApi: { id: 'cred-1', name: 'AliKassa notifications' } },
};

function hookContext(webhookBaseUrl: string, publicKey: string): HookContext {
	const workflow = new Workflow({
		id: 'wf-activation',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: {
			getByName: () => trigger,
			getByNameAndVersion: () => trigger,
			getKnownTypes: () => ({}),
		},
	});
	const additionalData = {
		webhookBaseUrl,
		credentialsHelper: { getDecrypted: async () => ({ publicKey }) },
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = { webhookDescription: trigger.description.webhooks![0] } as IWebhookData;
	return new HookContext(workflow, node, additionalData, 'trigger', 'activate', webhookData);
}

const lifecycle = trigger.webhookMethods.default;
const publicKey = readCertFile('notifications', 'public.pem');
let warnings: string[];

beforeEach(() => {
	warnings = [];
	jest.spyOn(Container.get(Logger), 'warn').mockImplementation((message: string) => {
		warnings.push(message);
	});
});

afterEach(() => jest.restoreAllMocks());

describe('AliKassa Trigger activation and deactivation', () => {
	it('a public https URL and a readable key: activates without a warning', async () => {
		const context = hookContext('https://n8n.example.com/webhook', publicKey);
		expect(await lifecycle.checkExists.call(context)).toBe(false);
		expect(await lifecycle.create.call(context)).toBe(true);
		expect(warnings).toEqual([]);
	});

	it('a loopback http URL (a local sandbox) activates with a warning naming WEBHOOK_URL', async () => {
		const context = hookContext('http://127.0.0.1:5678/webhook', publicKey);
		expect(await lifecycle.create.call(context)).toBe(true);
		expect(warnings).toEqual([
			expect.stringMatching(
				/^AliKassa Trigger: AliKassa cannot reach http:\/\/127\.0\.0\.1:5678: .*Set WEBHOOK_URL/,
			),
		]);
	});

	it('a notifications key that does not read: activation fails and says why', async () => {
		const context = hookContext('https://n8n.example.com/webhook', 'not a key');
		await expect(lifecycle.create.call(context)).rejects.toThrow(
			'The notifications public key cannot be read',
		);
	});

	it('deactivation removes nothing and succeeds', async () => {
		const context = hookContext('https://n8n.example.com/webhook', publicKey);
		expect(await lifecycle.delete.call(context)).toBe(true);
		expect(warnings).toEqual([]);
	});
});
