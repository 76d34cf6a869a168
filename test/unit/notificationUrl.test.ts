import { notificationUrlProblem } from '../../nodes/AliKassa/core/notificationUrl';

describe('notificationUrlProblem (checked when the trigger is activated)', () => {
	it('accepts a public https URL', () => {
		expect(notificationUrlProblem('https://n8n.example.com/webhook/abc/alikassa')).toBeNull();
	});

	it.each([
		'http://n8n.example.com/webhook/abc/alikassa',
		'https://localhost:5678/webhook/abc/alikassa',
		'https://app.localhost/webhook/abc/alikassa',
		'http://127.0.0.1:5678/webhook/abc/alikassa',
		'https://[::1]:5678/webhook/abc/alikassa',
		'https://0.0.0.0/webhook/abc/alikassa',
	])('names WEBHOOK_URL for %s', (url) => {
		expect(notificationUrlProblem(url)).toContain('Set WEBHOOK_URL');
		expect(notificationUrlProblem(url)).toContain(new URL(url).origin);
	});

	it('names WEBHOOK_URL when n8n gives no URL at all', () => {
		expect(notificationUrlProblem('')).toContain('WEBHOOK_URL');
	});
});
