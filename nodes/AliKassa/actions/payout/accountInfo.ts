import type { IAllExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { AccountInfoError, parseAccountInfo, type AccountInfo } from '../../core/accountInfo';
import type { AliKassaCredentials } from '../../core/credentials';
import { aliKassaApiRequest } from '../../transport';

export const ACCOUNT_INFO_PATH = 'v1/account/info';

/**
 * Asks AliKassa which services the account has. Signed with the payout certificate over
 * PHP's json_encode([]), as AliKassa's sample sends it (the same body as the balance).
 */
export async function fetchAccountInfo(
	context: IAllExecuteFunctions,
	credentials: AliKassaCredentials,
	{ itemIndex, timeoutMs }: { itemIndex?: number; timeoutMs?: number } = {},
): Promise<AccountInfo> {
	const answer = await aliKassaApiRequest.call(context, credentials, {
		path: ACCOUNT_INFO_PATH,
		body: [],
		itemIndex,
		timeoutMs,
	});
	try {
		return parseAccountInfo(answer);
	} catch (error) {
		const message = `AliKassa's answer to ${ACCOUNT_INFO_PATH} was not account info: ${(error as AccountInfoError).message}`;
		throw new NodeApiError(context.getNode(), { message } as JsonObject, {
			message,
			description: JSON.stringify(answer).slice(0, 200),
			itemIndex,
		});
	}
}
