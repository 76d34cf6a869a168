import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AliKassaCredentials } from '../core/credentials';
import type { RunParameters } from './runParameters';

/** State shared by the items of one execution. */
export interface PayoutRun {
	credentials: AliKassaCredentials;
	parameters: RunParameters;
	/** order_id → index of the item that sent it, to refuse a second use within the run */
	orderIdItems: Map<string, number>;
	/**
	 * Create Payout: the account's enabled payout service codes, asked once per run; undefined
	 * when AliKassa could not say, and then AliKassa alone decides about each row's service.
	 */
	payoutServices?: ReadonlySet<string>;
}

/**
 * Lets an error say which payout failed: in its message, which is all n8n keeps on the error
 * output, and as a field of the error item on the regular output.
 */
export function withOrderId<T>(error: T, orderId: string | undefined): T {
	if (
		orderId &&
		(error instanceof NodeApiError || error instanceof NodeOperationError) &&
		error.context.orderId === undefined
	) {
		error.context.orderId = orderId;
		error.message = `Order ID "${orderId}": ${error.message}`;
	}
	return error;
}
