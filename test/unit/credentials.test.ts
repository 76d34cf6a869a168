import { CredentialsError, readCredentials } from '../../nodes/AliKassa/core/credentials';
import { payoutLimitRefusal } from '../../nodes/AliKassa/core/payoutLimit';

const ACCOUNT_ID = '93d5df06-996c-48c3-9847-348d6b580b80';

function read(fields: Record<string, unknown>) {
	return readCredentials({ accountId: ACCOUNT_ID, privateKey: 'pem', password: '', ...fields });
}

function messageOf(fields: Record<string, unknown>): string {
	try {
		read(fields);
	} catch (error) {
		if (error instanceof CredentialsError) return error.message;
		throw error;
	}
	throw new Error('the credential was accepted');
}

describe('Maximum Amount per Payout', () => {
	test.each([
		['absent', undefined],
		['empty', ''],
		['blank', '  '],
		['null', null],
	])('%s means no limit', (_name, maxAmount) => {
		expect(read({ maxAmount }).maxAmount).toBeUndefined();
	});

	test.each([
		['50000', '50000.00'],
		[' 1000.5 ', '1000.50'],
		[250, '250.00'],
		['0.01', '0.01'],
	])('%p is kept as %p', (maxAmount, kept) => {
		expect(read({ maxAmount }).maxAmount).toBe(kept);
	});

	test.each([
		['0', /above 0/],
		['-5', /positive decimal/],
		['10.005', /more than 2 decimals/],
		['1,000', /comma/],
		['lots', /positive decimal/],
		[true, /must be a number/],
	])('%p is refused: %p', (maxAmount, reason) => {
		const message = messageOf({ maxAmount });
		expect(message).toMatch(/^The Maximum Amount per Payout is not valid: /);
		expect(message).toMatch(reason);
		expect(message).toMatch(/leave it empty for no limit/);
	});
});

describe('payoutLimitRefusal', () => {
	test.each([
		['no limit', '999999999.99', undefined],
		['below', '49999.99', '50000.00'],
		['equal', '50000', '50000.00'],
		['equal as a number', 50000, '50000.00'],
		['equal with trailing zeros', '50000.000', '50000.00'],
	])('%s: allowed', (_name, amount, maxAmount) => {
		expect(payoutLimitRefusal(amount, maxAmount)).toBeUndefined();
	});

	test.each([
		['one cent above', '50000.01', '50000.00'],
		['longer whole part', '100000', '99999.99'],
		['as a number', 1e6, '50000.00'],
	])('%s: refused, naming both amounts', (_name, amount, maxAmount) => {
		const refusal = payoutLimitRefusal(amount, maxAmount);
		expect(refusal).toMatch(
			/is above the Maximum Amount per Payout \(\d+\.\d\d\) set in the credential$/,
		);
		expect(refusal).toContain(maxAmount);
	});

	test.each([
		['exponent text', '1e9'],
		['too many decimals', '10.001'],
		['not a number', 'all of it'],
		['missing', undefined],
		['an object', { value: 1 }],
	])('an amount that cannot be read exactly is refused under a limit: %s', (_name, amount) => {
		expect(payoutLimitRefusal(amount, '50000.00')).toMatch(
			/cannot be checked against the Maximum Amount per Payout \(50000\.00\)/,
		);
	});
});

describe('Base URL', () => {
	test.each([
		['empty: AliKassa', '', 'https://api-merchant.alikassa.com'],
		[
			'the mirror, trailing slash dropped',
			'https://api-merchant.alikassa.io/',
			'https://api-merchant.alikassa.io',
		],
		[
			'with a path prefix',
			' https://proxy.example.com/alikassa/ ',
			'https://proxy.example.com/alikassa',
		],
		[
			'upper case scheme and host',
			'HTTPS://API-Merchant.AliKassa.com',
			'https://api-merchant.alikassa.com',
		],
		[
			'the default port dropped',
			'https://api-merchant.alikassa.com:443',
			'https://api-merchant.alikassa.com',
		],
		['a sandbox on 127.0.0.1', 'http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
		['a sandbox anywhere in 127/8', 'http://127.1.2.3:8787', 'http://127.1.2.3:8787'],
		['a sandbox on localhost', 'http://localhost:8787/', 'http://localhost:8787'],
		['a sandbox on [::1]', 'http://[::1]:8787', 'http://[::1]:8787'],
	])('%s', (_name, baseUrl, kept) => {
		expect(read({ baseUrl }).baseUrl).toBe(kept);
	});

	test.each([
		[
			'plain http elsewhere',
			'http://api-merchant.alikassa.com',
			/must start with https:\/\/ .*got http:\/\/api-merchant\.alikassa\.com/,
		],
		['plain http on a private address', 'http://10.0.0.5', /must start with https:\/\//],
		[
			'a host that only starts like loopback',
			'http://127.0.0.1.example.com',
			/must start with https:\/\//,
		],
		['another scheme', 'ftp://api-merchant.alikassa.com', /must start with https:\/\//],
		[
			'user info',
			'https://user:secret@api-merchant.alikassa.com',
			/must not contain a user name or password\.$/,
		],
		['a query', 'https://api-merchant.alikassa.com/?x=1', /must not have a query/],
		['an empty query', 'https://api-merchant.alikassa.com?', /must not have a query/],
		['a fragment', 'https://api-merchant.alikassa.com#top', /or fragment/],
		['not an address', 'api-merchant.alikassa.com', /is not a web address/],
	])('%s is refused', (_name, baseUrl, message) => {
		const text = messageOf({ baseUrl });
		expect(text).toMatch(/^The Base URL /);
		expect(text).toMatch(message);
		expect(text).not.toContain('secret');
	});
});
