/**
 * What `v1/account/info` says about an account: its payment and payout services and whether
 * it may take payments and make payouts. Tests and the demo change it through the control API.
 */
import type { AccountInfoPatch, SandboxAccountInfo, SandboxService } from './types';

/** The payout services the sandbox knows; each account has them all, active, by default. */
export const PAYOUT_SERVICES = [
	'payment_card_rub',
	'payment_card_sbp_rub',
	'payment_card_uah',
	'payment_card_kzt',
	'payment_card_eur',
	'qiwi_rub',
	'yoomoney_rub',
] as const;

export class AccountInfoPatchError extends Error {}

/** payment_card_sbp_rub → method payment_card_sbp, currency RUB, as AliKassa lists it. */
export function serviceOf(code: string, status = 'active'): SandboxService {
	const cut = code.lastIndexOf('_');
	const [method, currency] =
		cut > 0 ? [code.slice(0, cut), code.slice(cut + 1).toUpperCase()] : [code, ''];
	return { method, currency, service_code: code, status };
}

export function defaultAccountInfo(currency: string): SandboxAccountInfo {
	return {
		is_allowed_payment: true,
		is_allowed_payout: true,
		payments: [serviceOf(`payment_card_${currency.toLowerCase()}_hpp`)],
		payouts: PAYOUT_SERVICES.map((code) => serviceOf(code)),
	};
}

function isText(value: unknown): value is string {
	return typeof value === 'string';
}

function services(value: unknown, name: string): SandboxService[] {
	if (!Array.isArray(value)) throw new AccountInfoPatchError(`${name} must be a list`);
	return value.map((entry: unknown) => {
		const service = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
			string,
			unknown
		>;
		const fields = ['method', 'currency', 'service_code', 'status'] as const;
		if (!fields.every((field) => isText(service[field])) || service.service_code === '') {
			throw new AccountInfoPatchError(
				`each of ${name} needs method, currency, service_code (not empty) and status as text`,
			);
		}
		return {
			method: service.method as string,
			currency: service.currency as string,
			service_code: service.service_code as string,
			status: service.status as string,
		};
	});
}

/** The account info with the patch's fields replaced; throws AccountInfoPatchError on a bad one. */
export function patchedAccountInfo(
	current: SandboxAccountInfo,
	patch: AccountInfoPatch,
): SandboxAccountInfo {
	const next = structuredClone(current);
	for (const flag of ['is_allowed_payment', 'is_allowed_payout'] as const) {
		const value = patch[flag];
		if (value === undefined) continue;
		if (typeof value !== 'boolean') throw new AccountInfoPatchError(`${flag} must be a boolean`);
		next[flag] = value;
	}
	if (patch.payouts !== undefined) next.payouts = services(patch.payouts, 'payouts');
	if (patch.payments !== undefined) next.payments = services(patch.payments, 'payments');
	return next;
}

/** The codes a payout may use now: the account's active payout services. */
export function activePayoutCodes(info: SandboxAccountInfo): string[] {
	return info.payouts
		.filter((service) => service.status === 'active')
		.map((service) => service.service_code);
}
