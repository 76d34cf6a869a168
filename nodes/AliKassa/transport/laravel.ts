/** Reading the error bodies of AliKassa's Laravel app. */

/** `{"errors":{"amount":["…"]}}` as `amount: …`; undefined when the body has no field errors. */
export function laravelErrors(body: unknown): string | undefined {
	const errors = (body as { errors?: unknown } | null)?.errors;
	if (!errors || typeof errors !== 'object') return undefined;
	return Object.entries(errors as Record<string, unknown>)
		.map(
			([field, messages]) =>
				`${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`,
		)
		.join('; ');
}

export function laravelMessage(body: unknown): string | undefined {
	const message = (body as { message?: unknown } | null)?.message;
	return typeof message === 'string' && message !== '' ? message : undefined;
}
