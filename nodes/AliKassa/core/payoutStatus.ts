/** Statuses AliKassa documents; only `wait` is not final. */
export const FINAL_STATUSES = ['paid', 'cancel', 'fail'] as const;

export function isFinalStatus(status: unknown): boolean {
	return (FINAL_STATUSES as readonly unknown[]).includes(status);
}
