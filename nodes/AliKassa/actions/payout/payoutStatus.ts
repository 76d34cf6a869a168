import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { AliKassaCredentials } from '../../core/credentials';
import { isFinalStatus } from '../../core/payoutStatus';
import { AliKassaApiError, aliKassaApiRequest, answerOrFailure } from '../../transport';

export type PayoutLookup = { id: number } | { order_id: string };

function mentionsLookupField(error: AliKassaApiError): boolean {
	const errors = (error.responseBody as { errors?: object } | null | undefined)?.errors;
	return errors !== undefined && ('order_id' in errors || 'id' in errors);
}

/**
 * Asks v1/payout/status. Returns null when AliKassa has no such payout: a 404, or a
 * validation refusal of the id itself.
 */
export async function fetchPayoutStatus(
	context: IExecuteFunctions | IWebhookFunctions,
	credentials: AliKassaCredentials,
	lookup: PayoutLookup,
	itemIndex: number,
	timeoutMs?: number,
): Promise<IDataObject | null> {
	const status = await answerOrFailure(
		aliKassaApiRequest.call(context, credentials, {
			path: 'v1/payout/status',
			body: lookup,
			itemIndex,
			timeoutMs,
		}),
	);
	if (!(status instanceof AliKassaApiError)) {
		return { ...status, isFinal: isFinalStatus(status.payment_status) };
	}
	if (status.kind === 'notFound' || (status.kind === 'rejected' && mentionsLookupField(status))) {
		return null;
	}
	throw status;
}
