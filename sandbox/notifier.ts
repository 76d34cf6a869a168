import type { KeyObject } from 'crypto';
import http, { type ClientRequest } from 'http';
import https from 'https';
import { phpJsonEncode } from '../nodes/AliKassa/core/phpJson';
import { signSha1Base64 } from './keys';
import type { SandboxPayout, SentNotification } from './types';

const NOTIFICATION_TIMEOUT_MS = 10_000;

/**
 * The fields AliKassa's docs verify, in the order they json_encode them: all text except `id`,
 * which the docs cast to int.
 */
function notificationFields(payout: SandboxPayout) {
	return {
		type: 'payout',
		id: payout.id,
		order_id: payout.orderId,
		payment_status: payout.status,
		amount: payout.amount,
		payment_amount: payout.amount,
		commission_amount: '0.00',
		is_partial_payment: '0',
		account: payout.accountId,
		service: payout.service,
		// Cyrillic on purpose: a receiver that re-encodes it other than PHP does fails the sign.
		desc: `Выплата ${payout.orderId}`,
	};
}

/** The query AliKassa's notification of the payout's current status carries, signed. */
export function signedNotification(
	payout: SandboxPayout,
	privateKey: KeyObject,
): Record<string, string> {
	const fields = notificationFields(payout);
	return {
		...Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, String(value)])),
		sign: signSha1Base64(phpJsonEncode(fields), privateKey),
	};
}

/** Calls each notification URL once (no retries): GET with the data and its sign in the query. */
export class Notifier {
	readonly sent: SentNotification[] = [];
	private readonly inFlight = new Set<ClientRequest>();

	constructor(
		private readonly privateKey: KeyObject,
		private readonly log: (line: string) => void,
	) {}

	notify(payout: SandboxPayout): Promise<void> {
		if (payout.notificationUrl === null) return Promise.resolve();
		return this.call(payout.notificationUrl, signedNotification(payout, this.privateKey));
	}

	abortAll(): void {
		for (const request of this.inFlight) request.destroy(new Error('the sandbox was closed'));
	}

	private call(url: string, query: Record<string, string>): Promise<void> {
		const target = new URL(url);
		for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
		const client = target.protocol === 'https:' ? https : http;
		return new Promise((resolve) => {
			const record = (status: number | null, error: string | null) => {
				if (!this.inFlight.delete(request)) return;
				this.sent.push({ url, query, status, error });
				this.log(
					`notify payout ${query.id} ${query.payment_status} → GET ${url} → ${status ?? error}`,
				);
				resolve();
			};
			// agent: false, so no kept-alive socket outlives the sandbox.
			const request = client.get(target, { agent: false, timeout: NOTIFICATION_TIMEOUT_MS });
			this.inFlight.add(request);
			request.on('response', (response) => {
				response.resume();
				response.on('close', () => record(response.statusCode ?? null, null));
			});
			request.on('timeout', () =>
				request.destroy(new Error(`no answer within ${NOTIFICATION_TIMEOUT_MS} ms`)),
			);
			request.on('error', (error) => record(null, error.message));
		});
	}
}
