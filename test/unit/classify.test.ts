import { classifyException } from '../../nodes/AliKassa/transport/classifyException';
import { classifyResponse } from '../../nodes/AliKassa/transport/classifyResponse';

const PATH = 'v1/payout';

describe('classifyResponse', () => {
	it('passes a JSON 2xx without errors', () => {
		expect(classifyResponse(PATH, { statusCode: 200, body: '{"id":1}' })).toBeUndefined();
	});

	it.each([
		[200, 'text', {}, 'notJson'],
		[200, { errors: { amount: ['bad'] } }, {}, 'rejected'],
		[301, '', { location: 'https://elsewhere.example/x' }, 'redirected'],
		[303, '', { location: '/done' }, 'seeOther'],
		[400, { message: 'The given data was invalid.', errors: { service: ['x'] } }, {}, 'rejected'],
		[401, { message: 'Account not found.' }, {}, 'unauthorized'],
		[404, { message: 'Payout not found.' }, {}, 'notFound'],
		[429, { message: 'Too Many Attempts.' }, { 'retry-after': '3' }, 'rateLimited'],
		[502, '<html>bad gateway</html>', {}, 'serverError'],
	] as const)('%d %p → %s', (statusCode, body, headers, kind) => {
		expect(classifyResponse(PATH, { statusCode, body, headers })?.kind).toBe(kind);
	});

	it('names the Location host of a redirect', () => {
		expect(
			classifyResponse(PATH, {
				statusCode: 307,
				body: '',
				headers: { location: 'https://evil.example:8443/v1/payout' },
			})?.message,
		).toBe(
			'AliKassa answered v1/payout with a redirect (HTTP 307) to evil.example:8443, which was not followed',
		);
	});

	it('reads Retry-After in seconds', () => {
		expect(
			classifyResponse(PATH, { statusCode: 429, body: '', headers: { 'retry-after': '3' } })
				?.retryAfterMs,
		).toBe(3000);
	});
});

describe('classifyException', () => {
	it.each([
		[{ code: 'ECONNABORTED', message: 'timeout of 1000ms exceeded' }, 'timeout'],
		[{ code: 'ECONNREFUSED' }, 'unreachable'],
		[{ cause: { code: 'ENOTFOUND' } }, 'unreachable'],
		[{ code: 'ECONNRESET' }, 'connectionLost'],
		[{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'unreachable'],
		[{ cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } }, 'unreachable'],
		[{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'unreachable'],
		[new Error('socket hang up'), 'connectionLost'],
	])('%p → %s', (error, kind) => {
		expect(classifyException(PATH, error, 1000).kind).toBe(kind);
	});
});
