import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isEnabled, type AccountInfo } from '../../core/accountInfo';
import { optionsCollection, timeoutOption } from '../common.descriptions';
import { readTimeoutMs } from '../options';
import type { PayoutRun } from '../payoutRun';
import { fetchAccountInfo } from './accountInfo';

const properties: INodeProperties[] = [optionsCollection([timeoutOption])];

export const description = updateDisplayOptions(
	{ show: { operation: ['getAccountInfo'] } },
	properties,
);

/**
 * One item per service (payouts first, then payments), each with the account's two flags so
 * an IF node can route on any item; an account with no services gives one item of flags.
 */
export function accountInfoItems(info: AccountInfo): IDataObject[] {
	const flags = {
		is_allowed_payout: info.isAllowedPayout,
		is_allowed_payment: info.isAllowedPayment,
	};
	if (info.services.length === 0) return [flags];
	return info.services.map((service) => ({
		kind: service.kind,
		service_code: service.serviceCode,
		method: service.method,
		currency: service.currency,
		status: service.status,
		enabled: isEnabled(service),
		...flags,
	}));
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: PayoutRun,
): Promise<IDataObject[]> {
	const info = await fetchAccountInfo(this, run.credentials, {
		itemIndex,
		timeoutMs: readTimeoutMs(run.parameters, itemIndex),
	});
	return accountInfoItems(info);
}
