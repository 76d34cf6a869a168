// The package n8n-core 2.8 asks which proxy to use for a request (through axios, which depends
// on it); these tests hold proxyForUrl to its answers.
import * as proxyFromEnv from 'proxy-from-env';

import { proxyForUrl, type Environment } from '../../nodes/AliKassa/core/proxyEnv';

const PROXY_NAMES = /^(npm_config_)?(https?_proxy|all_proxy|proxy|no_proxy)$/i;

/** What n8n would pick, with exactly `env` as the proxy settings of the process. */
function n8nChoice(url: string, env: Environment): string {
	const saved = Object.entries(process.env).filter(([name]) => PROXY_NAMES.test(name));
	for (const [name] of saved) delete process.env[name];
	Object.assign(process.env, env);
	try {
		return proxyFromEnv.getProxyForUrl(url);
	} finally {
		for (const name of Object.keys(env)) delete process.env[name];
		for (const [name, value] of saved) process.env[name] = value;
	}
}

const URLS = [
	'https://api-merchant.alikassa.com/v1/payout',
	'https://API-Merchant.AliKassa.com:8443/v1/payout',
	'http://127.0.0.1:8787/v1/payout',
	'http://localhost/v1/payout',
	'https://[::1]:9443/v1/payout',
	'https://sub.example.org/v1/payout',
];

const ENVIRONMENTS: Environment[] = [
	{},
	{ HTTPS_PROXY: 'http://proxy.local:3128' },
	{ https_proxy: 'proxy.local:3128' },
	{ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' },
	{ HTTP_PROXY: 'http://plain:3128' },
	{ ALL_PROXY: 'socks5://all:1080' },
	{ npm_config_https_proxy: 'http://npm:1', HTTPS_PROXY: 'http://env:2' },
	{ npm_config_proxy: 'http://npm-any:1', ALL_PROXY: 'http://all:2' },
	{ HTTPS_PROXY: 'http://user:p%40ss@proxy.local:3128' },
	{ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: '*' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api-merchant.alikassa.com' },
	{ HTTPS_PROXY: 'http://p:1', no_proxy: '.alikassa.com' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*.example.org, localhost' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api-merchant.alikassa.com:8443' },
	{ HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:8787' },
	{ HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1:9999 other.host' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: '[::1]' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'alikassa.com' },
	{ HTTPS_PROXY: 'http://p:1', npm_config_no_proxy: 'api-merchant.alikassa.com', NO_PROXY: '' },
	{ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'API-MERCHANT.ALIKASSA.COM' },
];

describe('proxyForUrl: the proxy n8n itself would use', () => {
	it.each(ENVIRONMENTS.map((env) => [JSON.stringify(env), env]))('with %s', (_, env) => {
		for (const url of URLS) {
			expect({ url, proxy: proxyForUrl(new URL(url), env as Environment) }).toEqual({
				url,
				proxy: n8nChoice(url, env as Environment),
			});
		}
	});

	it('reads the environment it is given, not the process', () => {
		const env = { HTTPS_PROXY: 'http://proxy.local:3128' };
		expect(proxyForUrl(new URL(URLS[0]), env)).toBe('http://proxy.local:3128');
		expect(proxyForUrl(new URL(URLS[0]), {})).toBe('');
	});
});
