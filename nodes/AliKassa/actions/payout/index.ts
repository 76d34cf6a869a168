import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as getAccountInfo from './getAccountInfo.operation';
import * as getBalance from './getBalance.operation';
import * as getStatus from './getStatus.operation';

export { create, getAccountInfo, getBalance, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Create Payout',
				value: 'create',
				description: 'Send money to a card, account or phone',
				action: 'Create a payout',
			},
			{
				name: 'Get Account Info',
				value: 'getAccountInfo',
				description:
					'Get the payout and payment services of the account and whether it may pay out',
				action: 'Get the account info',
			},
			{
				name: 'Get Balance',
				value: 'getBalance',
				description: 'Get the balance of the account',
				action: 'Get the account balance',
			},
			{
				name: 'Get Payout Status',
				value: 'getStatus',
				description: 'Get the status of a payout by its AliKassa ID or your order ID',
				action: 'Get the status of a payout',
			},
		],
		default: 'create',
	},
	...create.description,
	...getStatus.description,
	...getBalance.description,
	...getAccountInfo.description,
];
