import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { AliKassaCredentials } from '../../core/credentials';
import { isFinalStatus } from '../../core/payoutStatus';
import { AliKassaApiError, answerOrFailure } from '../../transport';
import { fetchPayoutStatus } from './payoutStatus';

export interface Polling {
	context: IExecuteFunctions;
	credentials: AliKassaCredentials;
	itemIndex: number;
	timeoutMs: number;
	pollIntervalMs: number;
	maxWaitMs: number;
}

/**
 * Polls a payout that exists until its status is final or the wait is over. A failing poll
 * never turns the row into an error: the payout was made, so the row carries the last known
 * status with `isFinal: false` and a note that says why the wait ended.
 */
export async function followToFinalStatus(
	polling: Polling,
	id: number,
	paymentStatus: string,
): Promise<IDataObject> {
	const deadline = Date.now() + polling.maxWaitMs;
	let last: IDataObject = { payment_status: paymentStatus, isFinal: isFinalStatus(paymentStatus) };
	const ended = (why: string): IDataObject => ({
		...last,
		isFinal: false,
		note: `${why} The payout exists (ID ${id}); check it later with Get Payout Status.`,
	});
	for (;;) {
		let problem: string | undefined;
		const status = await answerOrFailure(
			fetchPayoutStatus(
				polling.context,
				polling.credentials,
				{ id },
				polling.itemIndex,
				polling.timeoutMs,
			),
		);
		if (status instanceof AliKassaApiError) {
			problem = `Asking for the status failed: ${status.message}.`;
			if (!status.worthAskingAgain) return ended(problem);
		} else if (status === null) {
			problem = `AliKassa did not find payout ${id} when asked for its status.`;
		} else if (status.isFinal) {
			return status;
		} else {
			last = status;
		}
		if (Date.now() + polling.pollIntervalMs > deadline) {
			return ended(
				problem ??
					`Still "${String(last.payment_status)}" after waiting ${polling.maxWaitMs / 1000} s.`,
			);
		}
		await sleep(polling.pollIntervalMs);
	}
}
