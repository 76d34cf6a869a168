/** Create Payout rows and runs against one sandbox, shared by the engine tests. */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox/server';
import { runPayoutNode, type PayoutNodeRun } from '../../scripts/engine';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';

/** Create Payout's parameters, each taken from the input row. */
export const fromItem = {
	operation: 'create',
	amount: '={{ $json.amount }}',
	number: '={{ $json.number }}',
	orderId: '={{ $json.order_id }}',
	service: '={{ $json.service }}',
};

export function row(orderId: string, overrides: IDataObject = {}): IDataObject {
	return {
		amount: '500.00',
		number: '4111111111111111',
		order_id: orderId,
		service: 'payment_card_rub',
		...overrides,
	};
}

export function expectSuccess(result: PayoutNodeRun): void {
	expect(result.error).toBeUndefined();
	expect(result.run.status).toBe('success');
}

type RunOptions = Omit<Parameters<typeof runPayoutNode>[0], 'credentials'> & {
	credentials?: IDataObject;
};

/** Runs the node against the sandbox (its credential unless given), keeping every run. */
export function payoutRunner(sandbox: () => Sandbox) {
	const everyRun: PayoutNodeRun[] = [];
	async function run(options: RunOptions): Promise<PayoutNodeRun> {
		const result = await runPayoutNode({
			...options,
			credentials: (options.credentials as never) ?? sandboxCredentials(sandbox().url),
		});
		everyRun.push(result);
		return result;
	}
	const payoutRequests = () =>
		sandbox().requests.filter((request) => request.path === '/v1/payout');
	/** Create Payout's question before a batch: which payout services the account has. */
	const serviceChecks = () =>
		sandbox().requests.filter((request) => request.path === '/v1/account/info');
	/** The run asked its one question before the batch and then sent AliKassa nothing. */
	function expectOnlyTheServiceCheck() {
		expect(sandbox().requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /v1/account/info',
		]);
	}
	/** AliKassa cannot say which services the account has: rows go unchecked, AliKassa decides. */
	function failTheServiceCheck() {
		sandbox().injectFault({ kind: 'http500', path: '/v1/account/info' });
	}
	/** The order_id of every payout request, sorted: a batch sends its rows in no fixed order. */
	const sentOrderIds = () =>
		payoutRequests()
			.map((request) => (JSON.parse(request.body) as { order_id: string }).order_id)
			.sort();
	function creationsPerOrderId(): Map<string, number> {
		const counts = new Map<string, number>();
		for (const payout of sandbox().payouts())
			counts.set(payout.orderId, (counts.get(payout.orderId) ?? 0) + 1);
		return counts;
	}
	return {
		run,
		everyRun,
		payoutRequests,
		sentOrderIds,
		creationsPerOrderId,
		serviceChecks,
		expectOnlyTheServiceCheck,
		failTheServiceCheck,
	};
}
