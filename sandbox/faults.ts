import { htmlAnswer, isRecord, normalizePath, phpJsonAnswer, type Answer } from './http';
import type { FaultKind } from './types';

export const FAULT_KINDS: readonly FaultKind[] = [
	'latency',
	'http500',
	'http502',
	'http503',
	'http429',
	'timeout',
	'reset',
	'garbage',
	'notPayout',
];

/** Random faults leave out 'timeout' unless asked: each stalls a client for its whole timeout. */
export const DEFAULT_RANDOM_FAULT_KINDS = FAULT_KINDS.filter((kind) => kind !== 'timeout');

const DEFAULT_DELAY_MS = 1000;

export interface ActiveFault {
	kind: FaultKind;
	when: 'before' | 'after';
	delayMs: number;
	retryAfterSeconds: number;
}

interface QueuedFault extends ActiveFault {
	path: string | null;
	remaining: number;
}

export class FaultError extends Error {}

function optionalNumber(
	fault: Record<string, unknown>,
	key: string,
	isValid: (n: number) => boolean,
) {
	const value = fault[key];
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !isValid(value)) {
		throw new FaultError(`fault ${key} must be a valid number, got ${JSON.stringify(value)}`);
	}
	return value;
}

/** Checks a fault that may come from the control API as JSON. */
export function queuedFault(fault: unknown): QueuedFault {
	if (!isRecord(fault) || !FAULT_KINDS.includes(fault.kind as FaultKind)) {
		throw new FaultError(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
	}
	if (fault.path !== undefined && typeof fault.path !== 'string') {
		throw new FaultError('fault path must be text such as "/v1/payout"');
	}
	if (fault.when !== undefined && fault.when !== 'before' && fault.when !== 'after') {
		throw new FaultError('fault when must be "before" or "after"');
	}
	const isCount = (n: number) => Number.isInteger(n) && n > 0;
	const isDuration = (n: number) => Number.isFinite(n) && n >= 0;
	return {
		kind: fault.kind as FaultKind,
		path: fault.path === undefined ? null : normalizePath(fault.path),
		remaining: optionalNumber(fault, 'times', isCount) ?? 1,
		when: fault.when ?? 'before',
		delayMs: optionalNumber(fault, 'delayMs', isDuration) ?? DEFAULT_DELAY_MS,
		retryAfterSeconds: optionalNumber(fault, 'retryAfterSeconds', isDuration) ?? 1,
	};
}

/** mulberry32: small, fast and, given a seed, the same sequence on every run. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = Math.imul(state ^ (state >>> 15), state | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}

export interface RandomFaults {
	rate: number;
	kinds: readonly FaultKind[];
	seed: number;
}

/** Injected faults first, in order of injection; then random ones at the configured rate. */
export class FaultPlan {
	private readonly queue: QueuedFault[] = [];
	private random: () => number;

	constructor(private readonly randomFaults: RandomFaults) {
		this.random = seededRandom(randomFaults.seed);
	}

	/** Takes unknown: the control API passes JSON from outside. */
	inject(fault: unknown): void {
		this.queue.push(queuedFault(fault));
	}

	clear(): void {
		this.queue.length = 0;
	}

	/** Back to the first random draw of the seed, so a reset run repeats. */
	reset(): void {
		this.clear();
		this.random = seededRandom(this.randomFaults.seed);
	}

	pick(path: string): ActiveFault | null {
		return this.takeQueued(path) ?? this.drawRandom();
	}

	private takeQueued(path: string): ActiveFault | null {
		const index = this.queue.findIndex((fault) => fault.path === null || fault.path === path);
		if (index === -1) return null;
		const fault = this.queue[index];
		fault.remaining -= 1;
		if (fault.remaining === 0) this.queue.splice(index, 1);
		return fault;
	}

	/** Random faults hit before or after processing alike: both happen to real clients. */
	private drawRandom(): ActiveFault | null {
		const { rate, kinds } = this.randomFaults;
		if (rate <= 0 || kinds.length === 0 || this.random() >= rate) return null;
		return {
			kind: kinds[Math.floor(this.random() * kinds.length)],
			when: this.random() < 0.5 ? 'before' : 'after',
			delayMs: DEFAULT_DELAY_MS,
			retryAfterSeconds: 1,
		};
	}
}

export type AnsweringFaultKind =
	'http500' | 'http502' | 'http503' | 'http429' | 'garbage' | 'notPayout';

const NGINX_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
	'<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n' +
	'</body>\r\n</html>\r\n';

const CHALLENGE_PAGE =
	'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>' +
	'<body>Checking your browser before accessing api-merchant.alikassa.com.</body></html>';

/** What the gateway in front of the API, or Laravel itself, answers in those cases. */
const FAULT_ANSWERS: Record<AnsweringFaultKind, (fault: ActiveFault) => Answer> = {
	http500: () => phpJsonAnswer(500, { message: 'Server Error' }),
	http502: () => htmlAnswer(502, NGINX_502),
	http503: () => phpJsonAnswer(503, { message: 'Service Unavailable' }),
	http429: (fault) => ({
		...phpJsonAnswer(429, { message: 'Too Many Attempts.' }),
		headers: {
			'Retry-After': String(fault.retryAfterSeconds),
			'X-RateLimit-Limit': '60',
			'X-RateLimit-Remaining': '0',
		},
	}),
	garbage: () => htmlAnswer(200, CHALLENGE_PAGE),
	// JSON, but not what the endpoint answers: a proxy's own reply, or a changed API
	notPayout: () => phpJsonAnswer(200, { success: true, message: 'Accepted' }),
};

export function faultAnswer(kind: AnsweringFaultKind, fault: ActiveFault): Answer {
	return FAULT_ANSWERS[kind](fault);
}
