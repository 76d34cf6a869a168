import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { AliKassaCredentials } from '../../core/credentials';
import { isFinalStatus, isPayoutStatus } from '../../core/payoutStatus';
import { AliKassaApiError, aliKassaApiRequest, answerOrFailure } from '../../transport';

export type PayoutLookup = { id: number } | { order_id: string };

function mentionsLookupField(error: AliKassaApiError): boolean {
	const errors = (error.responseBody as { errors?: object } | null | undefined)?.errors;
	return errors !== undefined && ('order_id' in errors || 'id' in errors);
}

/**
 * Asks v1/payout/status. Returns null when AliKassa has no such payout: a 404, or a
 * validation refusal of the id itself. A 2xx answer that is not a payout status is a failure
 * of the unknown kind: it proves neither that the payout exists nor that it does not.
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
		if (!isPayoutStatus(status)) {
			throw new AliKassaApiError(
				context.getNode(),
				{
					kind: 'notJson',
					message: "AliKassa's answer to v1/payout/status was not a payout status",
					description: `It carried no integer id, payment_status and amount: ${JSON.stringify(status).slice(0, 200)}`,
					body: status,
				},
				itemIndex,
			);
		}
		return { ...status, isFinal: isFinalStatus(status.payment_status) };
	}
	if (status.kind === 'notFound' || (status.kind === 'rejected' && mentionsLookupField(status))) {
		return null;
	}
	throw status;
}
