import { createPublicKey, verify, type KeyObject } from 'crypto';

import { phpJsonEncode } from './phpJson';
import { isFinalStatus } from './payoutStatus';

/** The fields AliKassa signs, in the order its PHP documentation lists them. */
export const NOTIFICATION_FIELDS = [
	'type',
	'id',
	'order_id',
	'payment_status',
	'amount',
	'payment_amount',
	'commission_amount',
	'is_partial_payment',
	'account',
	'service',
	'desc',
] as const;

export type NotificationParams = Record<string, unknown>;

/** How a valid signature was made: the docs' PHP (SHA-1) or the English docs' Node example. */
export type SignatureForm = 'php-sha1' | 'json-sha256';

function text(value: unknown): string | null {
	if (value === undefined || value === null) return null;
	return Array.isArray(value) ? text(value[0]) : String(value);
}

/**
 * The numeric start of a string as PHP 8 reads it for an (int) cast: "123abc" is 123, "1e3" is
 * 1000, " 42" is 42, but a non-breaking space or "0x1A" gives 0.
 */
const PHP_NUMERIC_PREFIX = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** PHP's (int) cast, which the PHP docs apply to `id`. Ids beyond 2^53 cannot match PHP anyway. */
function phpInt(value: unknown): number {
	const prefix = PHP_NUMERIC_PREFIX.exec(text(value) ?? '')?.[0];
	const number = prefix === undefined ? 0 : Number(prefix);
	// `|| 0` turns the -0 of "-0.5" into PHP's 0.
	return Number.isFinite(number) ? Math.trunc(number) || 0 : 0;
}

/** The English docs' Node example reads `id` with Number(); JSON.stringify writes NaN as null. */
function javaScriptNumber(value: unknown): number | null {
	const number = Number(text(value));
	return Number.isFinite(number) ? number : null;
}

/** How each documented verifier reads `id`; the other fields are text or null in both. */
const ID_READERS: Record<SignatureForm, (value: unknown) => number | null> = {
	'php-sha1': phpInt,
	'json-sha256': javaScriptNumber,
};

function signedValues(
	params: NotificationParams,
	form: SignatureForm,
): Map<string, string | number | null> {
	return new Map(
		NOTIFICATION_FIELDS.map((field) => [
			field,
			field === 'id' ? ID_READERS[form](params.id) : text(params[field]),
		]),
	);
}

/** The exact bytes each documented form signs. */
export function signedTexts(params: NotificationParams): Record<SignatureForm, string> {
	return {
		'php-sha1': phpJsonEncode(signedValues(params, 'php-sha1')),
		'json-sha256': JSON.stringify(Object.fromEntries(signedValues(params, 'json-sha256'))),
	};
}

function parsePublicKey(pem: string): KeyObject | undefined {
	try {
		return createPublicKey(pem.replace(/\\n/g, '\n').trim());
	} catch {
		return undefined;
	}
}

/** The notifications public key, or why it cannot be one (the trigger and the credential test say it). */
export function readPublicKey(pem: string): { key: KeyObject } | { problem: string } {
	const key = parsePublicKey(pem);
	if (!key) {
		return {
			problem:
				'The notifications public key cannot be read. Paste the whole public.pem of the "API certificate for notifications".',
		};
	}
	if (key.asymmetricKeyType !== 'rsa')
		return { problem: 'The notifications public key is not an RSA key.' };
	return { key };
}

/** Which documented form the notification's `sign` verifies under, or null for none. */
export function verifyNotification(
	params: NotificationParams,
	publicKey: KeyObject,
): SignatureForm | null {
	const sign = text(params.sign);
	if (!sign) return null;
	const signature = Buffer.from(sign.replace(/ /g, '+'), 'base64');
	if (signature.length === 0) return null;
	const texts = signedTexts(params);
	if (verify('sha1', Buffer.from(texts['php-sha1'], 'utf8'), publicKey, signature))
		return 'php-sha1';
	if (verify('sha256', Buffer.from(texts['json-sha256'], 'utf8'), publicKey, signature))
		return 'json-sha256';
	return null;
}

/** The notification as a workflow wants it: id a number, the partial flag a boolean, amounts as text. */
export function normalizeNotification(params: NotificationParams, signatureForm: SignatureForm) {
	const partial = (text(params.is_partial_payment) ?? '').toLowerCase();
	return {
		type: text(params.type),
		// The id as the verified form read it, so that the output is what was signed.
		id: ID_READERS[signatureForm](params.id),
		order_id: text(params.order_id),
		payment_status: text(params.payment_status),
		amount: text(params.amount),
		payment_amount: text(params.payment_amount),
		commission_amount: text(params.commission_amount),
		is_partial_payment: partial === '1' || partial === 'true',
		account: text(params.account),
		service: text(params.service),
		desc: text(params.desc),
		isFinal: isFinalStatus(text(params.payment_status)),
		signatureForm,
	};
}

export type Notification = ReturnType<typeof normalizeNotification>;

/** AliKassa's v1/payout/status answer; a notification must agree with its order_id and status. */
export interface CurrentPayout {
	order_id?: unknown;
	payment_status?: unknown;
	[field: string]: unknown;
}

/**
 * Why a notification is not AliKassa's current word on its payout, or null when it is. The signed
 * notice carries no time or nonce: a replayed or stale one names a status AliKassa no longer
 * reports. `current` is null when AliKassa has no payout with the notification's id.
 */
export function disagreement(
	notification: Pick<Notification, 'id' | 'order_id' | 'payment_status'>,
	current: CurrentPayout | null,
): string | null {
	const payout = `payout ${String(notification.id)}`;
	if (current === null) return `AliKassa has no ${payout}`;
	const orderId = text(current.order_id);
	if (orderId !== null && orderId !== notification.order_id) {
		return `AliKassa's ${payout} has order_id "${orderId}", the notification says "${String(notification.order_id)}"`;
	}
	const status = text(current.payment_status);
	if (status !== notification.payment_status) {
		return `AliKassa reports ${payout} as "${String(status)}", the notification says "${String(notification.payment_status)}"`;
	}
	return null;
}

/**
 * Whether AliKassa's status API is still behind a notification: it names a final status for the
 * same order_id while the API still says `wait`. Such a notice is not stale, only early; AliKassa
 * must deliver it again, since it sends a notice once.
 */
export function statusBehind(
	notification: Pick<Notification, 'order_id' | 'payment_status'>,
	current: CurrentPayout | null,
): boolean {
	if (current === null || !isFinalStatus(notification.payment_status)) return false;
	const orderId = text(current.order_id);
	return (
		(orderId === null || orderId === notification.order_id) &&
		text(current.payment_status) === 'wait'
	);
}
