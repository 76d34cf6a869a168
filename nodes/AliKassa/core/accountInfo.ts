/**
 * AliKassa's `v1/account/info` answer: which payment and payout services the account has, and
 * whether it may take payments and make payouts at all.
 */

export type ServiceKind = 'payout' | 'payment';

export interface AccountService {
	kind: ServiceKind;
	method: string;
	currency: string;
	serviceCode: string;
	status: string;
}

export interface AccountInfo {
	isAllowedPayment: boolean;
	isAllowedPayout: boolean;
	services: AccountService[];
}

/** The only status AliKassa's documentation shows; anything else is not usable. */
const ENABLED_STATUS = 'active';

export class AccountInfoError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function readServices(answer: Record<string, unknown>, kind: ServiceKind): AccountService[] {
	const list = answer[`${kind}s`];
	if (list === undefined || list === null) return [];
	if (!Array.isArray(list)) throw new AccountInfoError(`its ${kind}s is not a list`);
	return list.map((entry: unknown) => {
		const service = isRecord(entry) ? entry : {};
		const serviceCode = text(service.service_code).trim();
		if (serviceCode === '') throw new AccountInfoError(`one of its ${kind}s has no service_code`);
		return {
			kind,
			method: text(service.method),
			currency: text(service.currency),
			serviceCode,
			status: text(service.status),
		};
	});
}

function flag(answer: Record<string, unknown>, name: string): boolean {
	const value = answer[name];
	// PHP apps often send 1/0 for booleans
	if (value === true || value === 1) return true;
	if (value === false || value === 0) return false;
	throw new AccountInfoError(`its ${name} is not a boolean`);
}

/** Reads the answer, or throws AccountInfoError saying what in it is not account info. */
export function parseAccountInfo(answer: unknown): AccountInfo {
	if (!isRecord(answer)) throw new AccountInfoError('it is not a JSON object');
	return {
		isAllowedPayment: flag(answer, 'is_allowed_payment'),
		isAllowedPayout: flag(answer, 'is_allowed_payout'),
		services: [...readServices(answer, 'payout'), ...readServices(answer, 'payment')],
	};
}

export function isEnabled(service: AccountService): boolean {
	return service.status === ENABLED_STATUS;
}

/** The codes of the payout services the account can pay out with now. */
export function enabledPayoutCodes(info: AccountInfo): Set<string> {
	return new Set(
		info.services
			.filter((service) => service.kind === 'payout' && isEnabled(service))
			.map((service) => service.serviceCode),
	);
}

/** Why a payout with this service would be refused, or undefined when the account has it. */
export function serviceRefusal(service: string, enabled: ReadonlySet<string>): string | undefined {
	if (enabled.has(service)) return undefined;
	const listed = enabled.size === 0 ? 'none' : [...enabled].sort().join(', ');
	return `the account has no enabled payout service ${service} (enabled: ${listed})`;
}

/** "Bank card · RUB · payment_card_rub", as the Service list shows a service. */
export function serviceLabel(service: AccountService): string {
	const parts = [service.method, service.currency, service.serviceCode].filter(Boolean);
	const label = parts.join(' · ');
	return isEnabled(service) ? label : `${label} (${service.status || 'no status'})`;
}
