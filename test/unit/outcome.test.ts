import { MAX_RETRY_AFTER_MS, RETRY_MAX_DELAY_MS } from '../../nodes/AliKassa/core/defaults';
import { otherRecipient, payoutDifference } from '../../nodes/AliKassa/core/existingPayout';
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
			/^Outcome unknown: Order ID "A-2": no answer\. AliKassa may have taken it: running the same batch again is safe \(it finds the payout, or sends it if AliKassa has none\)/,
		);
	});

	it('gives paid rows the fields workflows route on', () => {
		expect(paidFields({ kind: 'created', id: 7, paymentStatus: 'wait' })).toEqual({
			id: 7,
			payment_status: 'wait',
		});
		expect(paidFields({ kind: 'found', id: 7, paymentStatus: 'wait' })).toEqual({
			id: 7,
			payment_status: 'wait',
			found: true,
		});
		expect(paidFields({ kind: 'alreadyCreated', id: 8, paymentStatus: 'paid' })).toEqual({
			id: 8,
			payment_status: 'paid',
			alreadyCreated: true,
		});
	});

	it('counts created, alreadyCreated and found as paid, nothing else', () => {
		expect(isPaid({ kind: 'alreadyCreated', id: 1, paymentStatus: 'wait' })).toBe(true);
		expect(isPaid({ kind: 'created', id: 1, paymentStatus: 'wait' })).toBe(true);
		expect(isPaid({ kind: 'found', id: 1, paymentStatus: 'wait' })).toBe(true);
		expect(isPaid({ kind: 'notPaid', reason: '' })).toBe(false);
		expect(isPaid({ kind: 'outcomeUnknown', reason: '' })).toBe(false);
	});
});

describe('payoutDifference', () => {
	const intended = { amount: '500.00', service: 'payment_card_rub', number: '4111111111111111' };

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

describe('otherRecipient', () => {
	const card = { amount: '500.00', service: 'payment_card_rub', number: '4111111111111111' };

	it.each([
		[{ card_mask: '411111******1111' }, card],
		[{ card_mask: '4111111111111111' }, card],
		[{ card_mask: '7900*****55' }, { ...card, number: '79001234455' }],
		// nothing to compare: no mask, a mask that is not digits, a number that is not digits
		[{}, card],
		[{ card_mask: null }, card],
		[{ card_mask: 'XXXX-1111' }, card],
		[{ card_mask: '555555******4444' }, { ...card, number: 'wallet-1' }],
	])('%p agrees with (or cannot contradict) %p', (existing, intended) => {
		expect(otherRecipient(existing, intended)).toBeUndefined();
	});

	it.each([
		[{ card_mask: '411111******1111' }, '5555555555554444'],
		[{ card_mask: '411111******1111' }, '4111111111114444'],
		[{ card_mask: '411111******1111' }, '5555551111111111'],
		[{ card_mask: '4111111111111111' }, '4111111111111112'],
		// more visible digits than the number has
		[{ card_mask: '411111******1111' }, '41111'],
	])('%p contradicts %s', (existing, number) => {
		expect(otherRecipient(existing, { ...card, number })).toBe(existing.card_mask);
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
