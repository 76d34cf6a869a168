/**
 * Which proxy the environment names for a URL, by the rules n8n applies to its own requests
 * (n8n-core asks the `proxy-from-env` package, 1.1.0): `<scheme>_proxy`, then `all_proxy`,
 * each also as `npm_config_…`, lower case before upper case; `no_proxy` lists hosts (with an
 * optional port, a leading `.` or `*.` for a domain and its subdomains, `*` for all).
 */

export type Environment = Record<string, string | undefined>;

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

function variable(env: Environment, name: string): string {
	return env[name.toLowerCase()] || env[name.toUpperCase()] || '';
}

function bypassesProxy(env: Environment, hostname: string, port: number): boolean {
	const noProxy = (variable(env, 'npm_config_no_proxy') || variable(env, 'no_proxy')).toLowerCase();
	if (noProxy === '') return false;
	if (noProxy === '*') return true;
	return noProxy.split(/[,\s]/).some((entry) => {
		if (entry === '') return false;
		const withPort = /^(.+):(\d+)$/.exec(entry);
		const entryPort = withPort ? Number(withPort[2]) : 0;
		if (entryPort !== 0 && entryPort !== port) return false;
		const entryHost = withPort ? withPort[1] : entry;
		if (!/^[.*]/.test(entryHost)) return hostname === entryHost;
		return hostname.endsWith(entryHost.startsWith('*') ? entryHost.slice(1) : entryHost);
	});
}

/** The proxy URL for `url`, or '' for a direct connection. */
export function proxyForUrl(url: URL, env: Environment): string {
	const scheme = url.protocol.replace(/:$/, '');
	// URL.host keeps the brackets of an IPv6 address; hostname in no_proxy is compared with them.
	const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
	const port = Number(url.port) || DEFAULT_PORTS[scheme] || 0;
	if (hostname === '' || bypassesProxy(env, hostname, port)) return '';
	const proxy =
		variable(env, `npm_config_${scheme}_proxy`) ||
		variable(env, `${scheme}_proxy`) ||
		variable(env, 'npm_config_proxy') ||
		variable(env, 'all_proxy');
	return proxy !== '' && !proxy.includes('://') ? `${scheme}://${proxy}` : proxy;
}
