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
	EngineRequest,
	EngineResponse,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	ITaskData,
	IWorkflowExecuteAdditionalData,
	NodeOutput,
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

/** The payout node (or its tool variant) with the sandbox credential, as both runners place it. */
function payoutNodeOf(
	id: string,
	name: string,
	type: string,
	position: [number, number],
	options: { parameters: unknown; onError?: INode['onError'] },
): INode {
	return {
		id,
		name,
		type,
		typeVersion: 1,
		position,
		parameters: options.parameters as INode['parameters'],
		credentials: { aliKassaPayoutApi: { id: 'cred-1', name: 'AliKassa sandbox' } },
		...(options.onError ? { onError: options.onError } : {}),
	};
}

/** What the n8n CLI gives an execution, with the payout credential given here. */
function engineAdditionalData(
	workflow: Workflow,
	executionId: string,
	mode: WorkflowExecuteMode,
	credentials: ICredentialDataDecryptedObject,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(new AliKassaPayoutApi(), credentials),
		hooks: new ExecutionLifecycleHooks(mode, executionId, {
			id: workflow.id,
			name: workflow.name,
			nodes: Object.values(workflow.nodes),
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
		payoutNodeOf('payout', PAYOUT_NODE, 'n8n-nodes-alikassa.aliKassaPayout', [200, 0], options),
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

	const executionId = `exec-${executionCounter}`;
	const mode = options.mode ?? 'manual';
	const additionalData = engineAdditionalData(workflow, executionId, mode, options.credentials);

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

export const AGENT_NODE = 'AI Agent';
export const TOOL_NODE = 'Create Payout';
const TOOL_CALL_ID = 'call-1';

/**
 * The two ways n8n 2.8 hands a node to an AI agent as a tool. `engineRequest`: the Tools Agent
 * (version 3) asks the engine to run the tool node with the model's arguments and reads the
 * tool node's task data back. `supplyData`: the MCP Server Trigger and older agents take a
 * LangChain tool from getInputConnectionData and invoke it (n8n-core's makeHandleToolInvocation).
 */
export type ToolPath = 'engineRequest' | 'supplyData';

/**
 * What the Tools Agent (v3) of @n8n/n8n-nodes-langchain 2.8.4 tells the model a tool answered
 * (buildSteps.js, buildObservation): the json of the tool's ai_tool items, else its error,
 * else an empty string.
 */
function agentObservation(toolData: ITaskData): string {
	const items = toolData.data?.[NodeConnectionTypes.AiTool]?.[0]?.map((item) => item?.json);
	if (items && items.length > 0) return JSON.stringify(items);
	if (toolData.error) return JSON.stringify({ error: toolData.error.message });
	return JSON.stringify('');
}

/** An agent that calls the connected tool once with `toolInput` and outputs what it was told. */
function agentNode(path: ToolPath, toolInput: IDataObject): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Test Agent',
		name: 'testAgent',
		group: ['transform'],
		version: 1,
		description: 'Calls its tool once',
		defaults: { name: AGENT_NODE },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
	if (path === 'engineRequest') {
		return {
			description,
			async execute(this: IExecuteFunctions, response?: EngineResponse): Promise<NodeOutput> {
				const answer = response?.actionResponses[0];
				if (answer === undefined) {
					const request: EngineRequest = {
						actions: [
							{
								actionType: 'ExecutionNodeAction',
								nodeName: TOOL_NODE,
								input: toolInput,
								type: NodeConnectionTypes.AiTool,
								id: TOOL_CALL_ID,
								metadata: { itemIndex: 0 },
							},
						],
						metadata: {},
					};
					return request;
				}
				return [[{ json: { observation: agentObservation(answer.data) } }]];
			},
		};
	}
	return {
		description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const [tool] = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{
				invoke: (input: IDataObject) => Promise<string>;
			}>;
			try {
				return [[{ json: { observation: await tool.invoke(toolInput) } }]];
			} catch (error) {
				return [[{ json: { thrown: (error as Error).message } }]];
			}
		},
	};
}

/**
 * The payout node's tool variant as n8n's CLI makes it from `usableAsTool` (its
 * convertNodeToAiTool): the same node, named …Tool, with no inputs and an ai_tool output.
 */
function payoutToolType(): INodeType {
	const node = new AliKassaPayout();
	return {
		...node,
		description: {
			...node.description,
			name: `${node.description.name}Tool`,
			displayName: `${node.description.displayName} Tool`,
			inputs: [],
			outputs: [NodeConnectionTypes.AiTool],
		},
		execute: node.execute,
	};
}

export interface PayoutToolCall {
	run: IRun;
	/** what the agent was told the tool answered (engineRequest, supplyData when it returned) */
	observation: string | undefined;
	/** the tool's error as the agent caught it (supplyData) */
	thrown: string | undefined;
}

/** An agent calls the payout node's tool variant once, in n8n's engine. */
export async function callPayoutTool(options: {
	path: ToolPath;
	parameters: IDataObject;
	toolInput: IDataObject;
	credentials: ICredentialDataDecryptedObject;
	onError?: OnError;
}): Promise<PayoutToolCall> {
	const agentType = agentNode(options.path, options.toolInput);
	const toolType = payoutToolType();
	const sourceType = inputItemsNode([{ chatInput: 'pay it' }]);
	const types: Record<string, INodeType> = {
		'test.inputItems': sourceType,
		'test.agent': agentType,
		'n8n-nodes-alikassa.aliKassaPayoutTool': toolType,
	};
	const nodeTypes: INodeTypes = {
		getByName: (type) => types[type],
		getByNameAndVersion: (type) => types[type],
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
			id: 'agent',
			name: AGENT_NODE,
			type: 'test.agent',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		},
		payoutNodeOf('tool', TOOL_NODE, 'n8n-nodes-alikassa.aliKassaPayoutTool', [200, 200], options),
	];
	const workflow = new Workflow({
		id: `wf-${++executionCounter}`,
		name: 'AliKassa tool engine test',
		nodes,
		connections: {
			[SOURCE_NODE]: { main: [[{ node: AGENT_NODE, type: NodeConnectionTypes.Main, index: 0 }]] },
			[TOOL_NODE]: {
				[NodeConnectionTypes.AiTool]: [
					[{ node: AGENT_NODE, type: NodeConnectionTypes.AiTool, index: 0 }],
				],
			},
		},
		active: false,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});
	const executionId = `exec-${executionCounter}`;
	const additionalData = engineAdditionalData(workflow, executionId, 'manual', options.credentials);
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode(SOURCE_NODE)!,
	});
	const agentJson = run.data.resultData.runData[AGENT_NODE]?.at(-1)?.data?.main?.[0]?.[0]?.json;
	return {
		run,
		observation: agentJson?.observation as string | undefined,
		thrown: agentJson?.thrown as string | undefined,
	};
}
