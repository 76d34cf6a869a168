import { MAX_RETRY_AFTER_MS, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from './defaults';

/** Exponential backoff: 1×, 2×, 4× the base delay, never above the cap. */
export function backoffDelayMs(attempt: number, baseMs = RETRY_BASE_DELAY_MS): number {
	return Math.min(RETRY_MAX_DELAY_MS, baseMs * 2 ** (attempt - 1));
}

/**
 * How long to wait before attempt `attempt + 1`: the server's Retry-After when it gave one,
 * else the backoff. undefined when the server asks for more than MAX_RETRY_AFTER_MS: such a
 * wait would stall the batch (and a huge one would overflow the timer and fire at once).
 */
export function retryDelayMs(
	attempt: number,
	retryAfterMs: number | undefined,
): number | undefined {
	if (retryAfterMs === undefined) return backoffDelayMs(attempt);
	return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
}
