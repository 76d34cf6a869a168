// proxy-from-env ships no types; n8n-core 2.8 (through axios) asks it which proxy a request uses.
declare module 'proxy-from-env' {
	export function getProxyForUrl(url: string): string;
}
