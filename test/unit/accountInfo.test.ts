import {
	enabledPayoutCodes,
	parseAccountInfo,
	serviceLabel,
	serviceRefusal,
} from '../../nodes/AliKassa/core/accountInfo';

const DOCS_ANSWER = {
	is_allowed_payment: true,
	is_allowed_payout: true,
	payments: [
		{
			method: 'payment_card',
			currency: 'RUB',
			service_code: 'payment_card_rub_hpp',
			status: 'active',
		},
	],
	payouts: [
		{ method: 'payment_card', currency: 'RUB', service_code: 'payment_card_rub', status: 'active' },
		{ method: 'qiwi', currency: 'RUB', service_code: 'qiwi_rub', status: 'disabled' },
	],
};

describe('account info', () => {
	it('reads the documented answer, payouts first', () => {
		const info = parseAccountInfo(DOCS_ANSWER);
		expect(info.isAllowedPayout).toBe(true);
		expect(info.isAllowedPayment).toBe(true);
		expect(info.services.map((service) => [service.kind, service.serviceCode])).toEqual([
			['payout', 'payment_card_rub'],
			['payout', 'qiwi_rub'],
			['payment', 'payment_card_rub_hpp'],
		]);
	});

	it('counts only active payout services as enabled', () => {
		expect([...enabledPayoutCodes(parseAccountInfo(DOCS_ANSWER))]).toEqual(['payment_card_rub']);
	});

	it('accepts 1/0 flags and missing lists', () => {
		const info = parseAccountInfo({ is_allowed_payment: 0, is_allowed_payout: 1 });
		expect(info).toEqual({ isAllowedPayment: false, isAllowedPayout: true, services: [] });
	});

	it.each([
		[null, /not a JSON object/],
		[[], /not a JSON object/],
		[{ is_allowed_payment: true }, /is_allowed_payout is not a boolean/],
		[{ ...DOCS_ANSWER, is_allowed_payout: 'yes' }, /is_allowed_payout is not a boolean/],
		[{ ...DOCS_ANSWER, payouts: {} }, /payouts is not a list/],
		[{ ...DOCS_ANSWER, payouts: [{ method: 'x' }] }, /payouts has no service_code/],
	])('refuses what is not account info: %j', (answer, problem) => {
		expect(() => parseAccountInfo(answer)).toThrow(problem);
	});

	it('says which services the account has when a row asks for another', () => {
		const enabled = new Set(['payment_card_rub', 'payment_card_sbp_rub']);
		expect(serviceRefusal('payment_card_rub', enabled)).toBeUndefined();
		expect(serviceRefusal('qiwi_rub', enabled)).toBe(
			'the account has no enabled payout service qiwi_rub (enabled: payment_card_rub, payment_card_sbp_rub)',
		);
		expect(serviceRefusal('qiwi_rub', new Set())).toMatch(/\(enabled: none\)$/);
	});

	it('labels a service with method, currency and code', () => {
		const [rub, qiwi] = parseAccountInfo(DOCS_ANSWER).services;
		expect(serviceLabel(rub)).toBe('payment_card · RUB · payment_card_rub');
		expect(serviceLabel(qiwi)).toBe('qiwi · RUB · qiwi_rub (disabled)');
	});
});
