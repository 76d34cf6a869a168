import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { enabledPayoutCodes, serviceLabel } from '../core/accountInfo';
import { fetchAccountInfo } from '../actions/payout/accountInfo';
import { loadCredentials } from '../transport';

/** Why the list is empty, said where the editor shows it: the code can still be given By Code. */
function cannotList(context: ILoadOptionsFunctions, reason: string): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`${reason} The service code can still be given By Code.`,
	);
}

/** The Service field's list: the account's enabled payout services, from AliKassa itself. */
export async function searchPayoutServices(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const credentials = await loadCredentials(this);
	let info;
	try {
		info = await fetchAccountInfo(this, credentials);
	} catch (error) {
		const said = error instanceof Error ? error.message : String(error);
		throw cannotList(this, `AliKassa did not list the account's services: ${said}.`);
	}
	if (!info.isAllowedPayout) {
		throw cannotList(
			this,
			'AliKassa says this account may not make payouts (is_allowed_payout: false).',
		);
	}
	const enabled = enabledPayoutCodes(info);
	if (enabled.size === 0) throw cannotList(this, 'The account has no enabled payout service.');
	const wanted = filter?.trim().toLowerCase() ?? '';
	// AliKassa may list a code twice; the list shows it once
	const byCode = new Map<string, { name: string; value: string }>();
	for (const service of info.services) {
		if (service.kind !== 'payout' || !enabled.has(service.serviceCode)) continue;
		if (byCode.has(service.serviceCode)) continue;
		byCode.set(service.serviceCode, { name: serviceLabel(service), value: service.serviceCode });
	}
	const results = [...byCode.values()].filter((result) =>
		result.name.toLowerCase().includes(wanted),
	);
	return { results };
}
