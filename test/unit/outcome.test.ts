import { MAX_RETRY_AFTER_MS, RETRY_MAX_DELAY_MS } from '../../nodes/AliKassa/core/defaults';
import { payoutDifference } from '../../nodes/AliKassa/core/existingPayout';
import { isPaid, outcomeMessage, paidFields } from '../../nodes/AliKassa/core/outcome';
import { backoffDelayMs, retryDelayMs } from '../../nodes/AliKassa/core/retry';

describe('outcome', () => {
	it('names the money outcome in the first words, then the order ID', () => {
		expect(outcomeMessage({ kind: 'notPaid', reason: 'AliKassa refused it' }, 'A-1')).toBe(
			'Not paid: Order ID "A-1": AliKassa refused it',
		);
		expect(outcomeMessage({ kind: 'notPaid', reason: 'bad credential' }, undefined)).toBe(
			'Not paid: bad credential',
		);
		expect(outcomeMessage({ kind: 'outcomeUnknown', reason: 'no answer' }, 'A-2')).toMatch(
			/^Outcome unknown: Order ID "A-2": no answer\. AliKassa may have taken it: check before paying again/,
		);
	});

	it('gives paid rows the fields workflows route on', () => {
		expect(paidFields({ kind: 'created', id: 7, paymentStatus: 'wait', recovered: false })).toEqual(
			{ id: 7, payment_status: 'wait' },
		);
		expect(paidFields({ kind: 'created', id: 7, paymentStatus: 'wait', recovered: true })).toEqual({
			id: 7,
			payment_status: 'wait',
			recovered: true,
		});
		expect(paidFields({ kind: 'alreadyCreated', id: 8, paymentStatus: 'paid' })).toEqual({
			id: 8,
			payment_status: 'paid',
			alreadyCreated: true,
		});
	});

	it('counts created and alreadyCreated as paid, nothing else', () => {
		expect(isPaid({ kind: 'alreadyCreated', id: 1, paymentStatus: 'wait' })).toBe(true);
		expect(isPaid({ kind: 'created', id: 1, paymentStatus: 'wait', recovered: true })).toBe(true);
		expect(isPaid({ kind: 'notPaid', reason: '' })).toBe(false);
		expect(isPaid({ kind: 'outcomeUnknown', reason: '' })).toBe(false);
	});
});

describe('payoutDifference', () => {
	const intended = { amount: '500.00', service: 'payment_card_rub' };

	it.each([
		[{ amount: '500.00', service_code: 'payment_card_rub' }],
		[{ amount: 500, service_code: 'payment_card_rub' }],
		[{ amount: '500', service_code: 'payment_card_rub' }],
		// a status answer without service_code is compared on the amount alone
		[{ amount: '500.00' }],
	])('%p is the same payout', (existing) => {
		expect(payoutDifference(existing, intended)).toBeUndefined();
	});

	it.each([
		[{ amount: '500.01', service_code: 'payment_card_rub' }, 'amount 500.01, not 500.00'],
		[{ amount: '500.00', service_code: 'qiwi_rub' }, 'service qiwi_rub, not payment_card_rub'],
		[
			{ amount: 'abc', service_code: 'qiwi_rub' },
			'amount abc, not 500.00, service qiwi_rub, not payment_card_rub',
		],
		[{ service_code: 'payment_card_rub' }, 'amount undefined, not 500.00'],
	])('%p differs: %s', (existing, difference) => {
		expect(payoutDifference(existing, intended)).toBe(difference);
	});
});

describe('retry delays', () => {
	it('backs off 1×, 2×, 4× up to the cap', () => {
		expect([1, 2, 3].map((attempt) => backoffDelayMs(attempt, 500))).toEqual([500, 1000, 2000]);
		expect(backoffDelayMs(30, 500)).toBe(RETRY_MAX_DELAY_MS);
	});

	it('takes Retry-After up to the cap, and gives up beyond it rather than overflow a timer', () => {
		expect(retryDelayMs(1, 0)).toBe(0);
		expect(retryDelayMs(1, MAX_RETRY_AFTER_MS)).toBe(MAX_RETRY_AFTER_MS);
		expect(retryDelayMs(1, MAX_RETRY_AFTER_MS + 1)).toBeUndefined();
		expect(retryDelayMs(1, 2 ** 40)).toBeUndefined();
		expect(retryDelayMs(2, undefined)).toBe(backoffDelayMs(2));
	});
});
