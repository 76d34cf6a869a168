/**
 * What is wrong with the URL n8n gives AliKassa for notifications, or null. AliKassa calls it from
 * the internet, so it must be https and not a loopback or localhost address; n8n builds it from
 * WEBHOOK_URL (or its own host and port when that is unset), so the message names WEBHOOK_URL.
 */
export function notificationUrlProblem(webhookUrl: string): string | null {
	let url: URL;
	try {
		url = new URL(webhookUrl);
	} catch {
		return `n8n gives AliKassa "${webhookUrl}" as the notification URL, which is not a URL. Set WEBHOOK_URL to n8n's public https address.`;
	}
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const local =
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		/^127\./.test(host) ||
		host === '::1' ||
		host === '0.0.0.0';
	if (url.protocol === 'https:' && !local) return null;
	return `AliKassa cannot reach ${url.origin}: it calls notification URLs from the internet, over https. Set WEBHOOK_URL to n8n's public https address (fine as it is for a local sandbox).`;
}
