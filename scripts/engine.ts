/**
 * Runs the AliKassa Payout node inside n8n's own engine (n8n-core's WorkflowExecute), with
 * only what the n8n CLI normally provides stubbed: the node-type registry, the credentials
 * helper (mirroring the CLI's call of a credential's `authenticate` function) and the
 * execution's additional data. Requests are real HTTP to a local server.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
// not re-exported by n8n-core's index
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AliKassaPayoutApi } from '../credentials/AliKassaPayoutApi.credentials';
import { AliKassaPayout } from '../nodes/AliKassa/AliKassaPayout.node';

const SOURCE_NODE = 'Input Items';
export const PAYOUT_NODE = 'AliKassa Payout';

function inputItemsNode(items: IDataObject[]): INodeType {
	return {
		description: {
			displayName: 'Input Items',
			name: 'inputItems',
			group: ['input'],
			version: 1,
			description: 'Emits the test items',
			defaults: { name: SOURCE_NODE },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [this.helpers.returnJsonArray(items)];
		},
	};
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialType: ICredentialType,
		private readonly data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialType.authenticate;
		if (typeof authenticate !== 'function')
			throw new Error('the test helper mirrors function authenticate only');
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return this.credentialType.properties;
	}
}

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface PayoutNodeRun {
	run: IRun;
	/** items of the node's main output */
	output: INodeExecutionData[];
	/** items of the error output ("Continue (using error output)") */
	errorOutput: INodeExecutionData[];
	/** the execution's error when the node failed the workflow (a plain copy of the node error) */
	error: (Error & { description?: string; httpCode?: string }) | undefined;
}

let executionCounter = 0;

export async function runPayoutNode(options: {
	parameters: IDataObject;
	items?: IDataObject[];
	credentials: ICredentialDataDecryptedObject;
	onError?: OnError;
	mode?: WorkflowExecuteMode;
}): Promise<PayoutNodeRun> {
	const payoutNodeType = new AliKassaPayout();
	const sourceNodeType = inputItemsNode(options.items ?? [{}]);
	const nodeTypes: INodeTypes = {
		getByName: (type) => (type === 'test.inputItems' ? sourceNodeType : payoutNodeType),
		getByNameAndVersion: (type) => (type === 'test.inputItems' ? sourceNodeType : payoutNodeType),
		getKnownTypes: () => ({}),
	};
	const nodes: INode[] = [
		{
			id: 'source',
			name: SOURCE_NODE,
			type: 'test.inputItems',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'payout',
			name: PAYOUT_NODE,
			type: 'n8n-nodes-alikassa.aliKassaPayout',
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { aliKassaPayoutApi: { id: 'cred-1', name: 'AliKassa sandbox' } },
			...(options.onError ? { onError: options.onError } : {}),
		},
	];
	const workflow = new Workflow({
		id: `wf-${++executionCounter}`,
		name: 'AliKassa engine test',
		nodes,
		connections: {
			[SOURCE_NODE]: { main: [[{ node: PAYOUT_NODE, type: NodeConnectionTypes.Main, index: 0 }]] },
		},
		active: false,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});

	const credentialsHelper = new TestCredentialsHelper(new AliKassaPayoutApi(), options.credentials);
	const executionId = `exec-${executionCounter}`;
	const mode = options.mode ?? 'manual';
	const additionalData = {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks(mode, executionId, {
			id: workflow.id,
			name: workflow.name,
			nodes,
			connections: workflow.connectionsBySourceNode,
			active: false,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as never),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const run = await new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: workflow.getNode(SOURCE_NODE)!,
	});
	const taskData = run.data.resultData.runData[PAYOUT_NODE]?.[0];
	return {
		run,
		output: taskData?.data?.main?.[0] ?? [],
		errorOutput: taskData?.data?.main?.[1] ?? [],
		error: run.data.resultData.error as PayoutNodeRun['error'],
	};
}

/** n8n-core's SSHClientsManager starts a 60 s interval per process that would keep jest alive. */
export function stopEngineTimers(): void {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}
