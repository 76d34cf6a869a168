import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as payout from './actions/payout';
import { router } from './actions/router';
import { listSearch } from './methods';

export class AliKassaPayout implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AliKassa Payout',
		name: 'aliKassaPayout',
		icon: { light: 'file:../../icons/alikassa.svg', dark: 'file:../../icons/alikassa.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ { create: "Create Payout", getStatus: "Get Payout Status", getBalance: "Get Balance", getAccountInfo: "Get Account Info" }[$parameter["operation"]] }}',
		description:
			"Create AliKassa payouts signed like AliKassa's PHP sample, and follow them to a final status",
		defaults: {
			name: 'AliKassa Payout',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aliKassaPayoutApi',
				required: true,
			},
		],
		properties: payout.description,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
