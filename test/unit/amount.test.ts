import { readAmount } from '../../nodes/AliKassa/core/amount';

describe('readAmount', () => {
	it.each([
		[500, '500.00'],
		[1000.44, '1000.44'],
		[0.01, '0.01'],
		[10.5, '10.50'],
		['500', '500.00'],
		['1000.44', '1000.44'],
		[' 12.3 ', '12.30'],
		['007.10', '7.10'],
		['10.500', '10.50'],
		[999999999.99, '999999999.99'],
		['999999999.99', '999999999.99'],
	])('%p is sent as %p', (input, expected) => {
		expect(readAmount(input)).toEqual({ amount: expected });
	});

	it.each([
		[10.005, /more than 2 decimals/],
		['10.005', /more than 2 decimals/],
		[0.1 + 0.2, /more than 2 decimals/],
		[0, /above 0/],
		['0.00', /above 0/],
		[-5, /positive decimal/],
		['-5', /positive decimal/],
		['1,000.00', /comma/],
		['10,50', /comma/],
		['1e3', /positive decimal/],
		[1e21, /positive decimal/],
		['1000000000.00', /maximum of 999999999.99/],
		[1000000000, /maximum/],
		['', /empty/],
		[undefined, /empty/],
		[null, /empty/],
		[NaN, /not a number/],
		[Infinity, /not a number/],
		['abc', /positive decimal/],
		[true, /must be a number/],
		[{ value: 5 }, /must be a number/],
	])('%p is refused (%p)', (input, message) => {
		expect(readAmount(input)).toEqual({ problem: expect.stringMatching(message) });
	});
});
