import { RETRY_MAX_DELAY_MS } from './defaults';

/** Statuses AliKassa documents; only `wait` is not final. */
export const FINAL_STATUSES = ['paid', 'cancel', 'fail'] as const;

export function isFinalStatus(status: unknown): boolean {
	return (FINAL_STATUSES as readonly unknown[]).includes(status);
}

/** Exponential backoff: 1×, 2×, 4× the base delay, never above the cap. */
export function backoffDelayMs(
	attempt: number,
	baseMs: number,
	capMs = RETRY_MAX_DELAY_MS,
): number {
	return Math.min(capMs, baseMs * 2 ** (attempt - 1));
}
