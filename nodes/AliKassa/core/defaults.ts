/**
 * Every default and limit of the payout node in one place: the descriptions show them and the
 * logic uses them, so the two cannot drift apart.
 */

/** How long one request to AliKassa may take. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 300;
/** The trigger's Confirm with AliKassa lookup: AliKassa's notification call waits meanwhile. */
export const CONFIRM_TIMEOUT_SECONDS = 10;

/** Create Payout's Service until one is picked: the RUB card payout of AliKassa's examples. */
export const DEFAULT_PAYOUT_SERVICE = 'payment_card_rub';

export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 50;

/** Sends of one payout (the first and the re-sends after a fault). */
export const MAX_SEND_ATTEMPTS = 3;
/** Asks for a payout's status when a lookup itself meets a fault. */
export const MAX_LOOKUP_ATTEMPTS = 3;
/** Backoff between attempts: 1×, 2×, 4× this, never above the cap. */
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 30_000;
/** A longer Retry-After is not waited for: the row ends instead of stalling the batch. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Wait for Final Status: how often and how long. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const MAX_POLL_INTERVAL_SECONDS = 600;
export const DEFAULT_MAX_WAIT_SECONDS = 120;
export const MAX_MAX_WAIT_SECONDS = 3600;

/** A batch lets n8n's other work run after holding the thread this long. */
export const YIELD_AFTER_MS = 5;
/** Larger answers are cut off: no AliKassa answer comes near this. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
