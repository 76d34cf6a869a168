/**
 * Where the credential's signatures may go, through n8n-core's own request helpers: the one
 * the node and the credential test use (httpRequest) and the older one the HTTP Request node
 * uses (proxyRequestToAxios), against the sandbox, a foreign host and a redirecting host.
 */
import type { IHttpRequestOptions, IRequestOptions } from 'n8n-workflow';
// not re-exported by n8n-core's index
import {
	httpRequest,
	proxyRequestToAxios,
} from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { AliKassaPayoutApi } from '../../credentials/AliKassaPayoutApi.credentials';
import { startListener, type Listener } from '../support/listener';
import { sandboxCredentials } from '../../scripts/sandboxCredentials';
import { useSandbox } from '../support/useSandbox';

const credentialType = new AliKassaPayoutApi();
const sandbox = useSandbox();
let foreign: Listener;
let redirector: Listener;

beforeAll(async () => {
	foreign = await startListener();
	redirector = await startListener((request) => ({
		status: 307,
		headers: { Location: `${foreign.url}${request.path}` },
	}));
});

afterEach(() => {
	foreign.heard.length = 0;
	redirector.heard.length = 0;
});

afterAll(async () => {
	await foreign.close();
	await redirector.close();
});

/** The two ways n8n sends a request the credential authenticated. */
const helpers = {
	'httpRequest (the node, the credential test)': (options: IHttpRequestOptions) =>
		httpRequest({ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true }),
	// as the HTTP Request node 4.2 builds it, redirects on
	'proxyRequestToAxios (the HTTP Request node)': (options: IHttpRequestOptions) =>
		proxyRequestToAxios(undefined as never, undefined as never, undefined as never, {
			...(options as IRequestOptions),
			resolveWithFullResponse: true,
			simple: false,
		}),
};

function asHttpRequestNode(url: string, body: object): IHttpRequestOptions {
	const options: IRequestOptions = {
		method: 'POST',
		uri: url,
		body,
		json: true,
		followRedirect: true,
		followAllRedirects: true,
	};
	return options as IHttpRequestOptions;
}

const authenticate = (baseUrl: string, options: IHttpRequestOptions, extra = {}) =>
	credentialType.authenticate(sandboxCredentials(baseUrl, extra), options);

describe.each(Object.entries(helpers))('through %s', (_name, send) => {
	test('a request under the Base URL is signed and the sandbox accepts it', async () => {
		const options = await authenticate(
			sandbox().url,
			asHttpRequestNode(`${sandbox().url}/v1/account/balance`, {}),
		);
		const response = (await send(options)) as { statusCode: number; body: unknown };
		expect(response.statusCode).toBe(200);
		expect(sandbox().requests).toMatchObject([
			{ path: '/v1/account/balance', signatureValid: true, body: '[]' },
		]);
	});

	test('a redirect is not followed: the 307 comes back and the other host hears nothing', async () => {
		const options = await authenticate(
			redirector.url,
			asHttpRequestNode(`${redirector.url}/v1/payout`, { amount: '10.00', order_id: 'r-1' }),
		);
		const response = (await send(options)) as { statusCode: number };
		expect(response.statusCode).toBe(307);
		expect(redirector.heard).toHaveLength(1);
		expect(redirector.heard[0].headers.sign).toBeTruthy();
		expect(foreign.heard).toEqual([]);
	});

	test('sendCredentialsOnCrossOriginRedirect alone would not keep the signature home', async () => {
		const signed = await authenticate(
			redirector.url,
			asHttpRequestNode(`${redirector.url}/v1/payout`, { amount: '10.00', order_id: 'r-2' }),
		);
		// n8n's cross-origin option strips only Authorization: following the 307, Sign goes along
		const followingRedirects = {
			...signed,
			disableFollowRedirect: undefined,
			followRedirect: true,
			followAllRedirects: true,
		} as IHttpRequestOptions;
		expect(followingRedirects.sendCredentialsOnCrossOriginRedirect).toBe(false);
		await send(followingRedirects);
		expect(foreign.heard).toHaveLength(1);
		expect(foreign.heard[0].headers.sign).toBe(signed.headers?.Sign);
		expect(foreign.heard[0].body).toBe(signed.body);
	});
});

describe('requests elsewhere are refused before anything is sent', () => {
	test.each([
		['another host', () => `${foreign.url}/v1/payout`],
		['another port of the same host', () => `${sandbox().url.replace(/:\d+$/, ':1')}/v1/payout`],
		['another scheme', () => `${sandbox().url.replace('http:', 'https:')}/v1/payout`],
		['a protocol-relative address', () => `//${new URL(foreign.url).host}/v1/payout`],
	])('%s', async (_name, target) => {
		const attempt = authenticate(
			sandbox().url,
			asHttpRequestNode(target(), { amount: '10.00', order_id: 'f-1' }),
		);
		await expect(attempt).rejects.toThrow(
			new RegExp(
				`signs only requests to ${sandbox().url.replace(/\./g, '\\.')}.*; this request .+\\. Nothing was sent\\.$`,
			),
		);
		expect(foreign.heard).toEqual([]);
		expect(sandbox().requests).toEqual([]);
	});

	test('a relative path is joined to baseURL the way axios joins it', async () => {
		const options = await authenticate(sandbox().url, {
			method: 'POST',
			baseURL: `${sandbox().url}/`,
			url: '/v1/account/balance',
		});
		expect(options.url).toBe(`${sandbox().url}/v1/account/balance`);
		expect(options.baseURL).toBeUndefined();
		await expect(
			authenticate(sandbox().url, { method: 'POST', baseURL: foreign.url, url: 'v1/payout' }),
		).rejects.toThrow(/this request goes to http:\/\/127\.0\.0\.1:\d+\. Nothing was sent/);
	});
});

describe('Maximum Amount per Payout also binds the HTTP Request node', () => {
	const limit = { maxAmount: '500' };

	test.each([
		[
			'above it',
			{ amount: '500.01' },
			/Not signed: Amount 500\.01 is above the Maximum Amount per Payout \(500\.00\)/,
		],
		['above it, as a number', { amount: 1e4 }, /Amount 10000\.00 is above/],
		['unreadable', { amount: '5e2' }, /cannot be checked against the Maximum Amount per Payout/],
	])('a body with an amount %s is not signed', async (_name, fields, message) => {
		const body = {
			...fields,
			number: '4111111111111111',
			order_id: 'l-1',
			service: 'payment_card_rub',
		};
		await expect(
			authenticate(sandbox().url, asHttpRequestNode(`${sandbox().url}/v1/payout`, body), limit),
		).rejects.toThrow(message);
		expect(sandbox().requests).toEqual([]);
	});

	test('a body given as text is read too', async () => {
		const options = {
			method: 'POST',
			url: `${sandbox().url}/v1/payout`,
			body: '{"amount":"900.00","order_id":"l-2"}',
		} as IHttpRequestOptions;
		await expect(authenticate(sandbox().url, options, limit)).rejects.toThrow(
			/Amount 900\.00 is above/,
		);
		await expect(
			authenticate(sandbox().url, { ...options, body: 'amount=900' }, limit),
		).rejects.toThrow(/body is not JSON, so it cannot be checked/);
	});

	test('a payout up to the limit, and a body without an amount, are signed and accepted', async () => {
		const payout = {
			amount: '500.00',
			number: '4111111111111111',
			order_id: 'l-3',
			service: 'payment_card_rub',
		};
		for (const [path, body] of [
			['/v1/payout', payout],
			['/v1/payout/status', { order_id: 'l-3' }],
		] as const) {
			const options = await authenticate(
				sandbox().url,
				asHttpRequestNode(`${sandbox().url}${path}`, body),
				limit,
			);
			await helpers['httpRequest (the node, the credential test)'](options);
		}
		expect(
			sandbox().requests.map(({ path, status, signatureValid }) => ({
				path,
				status,
				signatureValid,
			})),
		).toEqual([
			{ path: '/v1/payout', status: 200, signatureValid: true },
			{ path: '/v1/payout/status', status: 200, signatureValid: true },
		]);
	});
});

describe('holes found when attacked stay closed', () => {
	const payout = { amount: '10.00', number: '4111111111111111', order_id: 'h-1' };

	test("the HTTP Request node's Proxy option on a plain http Base URL: not signed", async () => {
		const options = {
			...asHttpRequestNode(`${sandbox().url}/v1/payout`, payout),
			proxy: foreign.url,
		};
		await expect(authenticate(sandbox().url, options as unknown as IHttpRequestOptions)).rejects.toThrow(
			/proxy over plain http/,
		);
		expect(foreign.heard).toEqual([]);
	});

	test.each([
		['in the address', { url: `/v1/payout?amount=5000000.00` }],
		['as qs', { url: '/v1/payout', qs: { amount: '5000000.00' } }],
	])('a payout with query parameters %s is not signed, cap or not', async (_name, extra) => {
		for (const cap of [{}, { maxAmount: '100.00' }]) {
			const options = {
				...asHttpRequestNode(`${sandbox().url}/v1/payout`, { order_id: 'h-2' }),
				uri: undefined,
				...extra,
			} as unknown as IHttpRequestOptions;
			await expect(authenticate(sandbox().url, options, cap)).rejects.toThrow(
				/query parameters, which the signature does not cover/,
			);
		}
		expect(sandbox().requests).toEqual([]);
	});

	test('under a cap, a payout body without an amount is not signed; a lookup still is', async () => {
		const cap = { maxAmount: '100.00' };
		await expect(
			authenticate(
				sandbox().url,
				asHttpRequestNode(`${sandbox().url}/v1/payout`, { order_id: 'h-3' }),
				cap,
			),
		).rejects.toThrow(/has no amount in its body to check/);
		await expect(
			authenticate(
				sandbox().url,
				asHttpRequestNode(`${sandbox().url}/v1/payout/status?x=1`, { order_id: 'h-3' }),
				cap,
			),
		).resolves.toMatchObject({ headers: expect.objectContaining({ Sign: expect.any(String) }) });
	});
});
