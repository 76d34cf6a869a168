export type FaultKind =
	| 'latency'
	| 'http500'
	| 'http502'
	| 'http503'
	| 'http429'
	| 'timeout'
	| 'reset'
	| 'garbage'
	| 'notPayout';

export interface Fault {
	kind: FaultKind;
	/** e.g. '/v1/payout'; any API path when left out. */
	path?: string;
	/** How many matching requests it hits; 1 when left out. */
	times?: number;
	/**
	 * 'after' processes the request (the payout is created, the balance debited) and only then
	 * fails the answer: the case where a client cannot know whether its call took effect.
	 */
	when?: 'before' | 'after';
	/** Extra delay of a 'latency' fault. */
	delayMs?: number;
	/** Retry-After of an 'http429' fault; 1 when left out. */
	retryAfterSeconds?: number;
}

export type FinalStatus = 'paid' | 'cancel' | 'fail';
export type PayoutStatus = 'wait' | FinalStatus;
export type SignatureHash = 'sha1' | 'sha256';

export interface SandboxService {
	method: string;
	currency: string;
	service_code: string;
	/** 'active' is the only status AliKassa's documentation shows; others cannot be used */
	status: string;
}

/** The answer of v1/account/info, field for field. */
export interface SandboxAccountInfo {
	is_allowed_payment: boolean;
	is_allowed_payout: boolean;
	payments: SandboxService[];
	payouts: SandboxService[];
}

/** Fields of SandboxAccountInfo to replace; the others stay. */
export type AccountInfoPatch = Partial<Record<keyof SandboxAccountInfo, unknown>>;

export interface SandboxAccount {
	id: string;
	publicKeyPem: string;
	currency: string;
	/** Decimal text such as "1000000.00". */
	balance: string;
	/** Every payout service of the sandbox, active, and payouts allowed, when left out. */
	info?: AccountInfoPatch;
}

export interface SandboxOptions {
	/** 0 picks a random free port; 0 when left out. */
	port?: number;
	/** 127.0.0.1 when left out. */
	host?: string;
	/** The RUB and EUR sandbox accounts when left out; the first one is the default account. */
	accounts?: SandboxAccount[];
	/** Delay before every API answer. */
	latencyMs?: number;
	/** 'paid' when left out. */
	finalStatus?: FinalStatus;
	/** 2000 when left out. */
	finalAfterMs?: number;
	/** The id of the first payout (and of the first after a reset); 100001524 when left out. */
	firstPayoutId?: number;
	/** 0..1: the share of API requests that get a random fault. */
	faultRate?: number;
	faultKinds?: FaultKind[];
	/** Seeds the generator of random faults, so a run can be repeated. */
	seed?: number;
	/** Leaves out the one-line-per-request log on stdout. */
	quiet?: boolean;
	/** Account info of every account that gives none of its own (see SandboxAccount.info). */
	accountInfo?: AccountInfoPatch;
	/** Serves HTTPS with the test certificate of sandbox/cert/tls (clients trust its ca.pem). */
	tls?: boolean;
}

/**
 * The connections API requests came over, to tell how well clients reuse them. The control
 * API's own connections are not counted.
 */
export interface ConnectionCounts {
	/** TCP connections that carried API requests */
	tcp: number;
	/** their TLS handshakes (HTTPS only) */
	tlsHandshakes: number;
	/** of which resumed a TLS session (an abbreviated handshake) */
	tlsResumed: number;
	/** API requests answered or pending */
	requests: number;
}

export interface RecordedRequest {
	at: string;
	method: string;
	path: string;
	account: string | null;
	sign: string | null;
	contentType: string | null;
	/** The body exactly as received. */
	body: string;
	signatureValid: boolean;
	signatureHash: SignatureHash | null;
	/** null when no HTTP answer was given (timeout, reset) or none yet. */
	status: number | null;
	fault: FaultKind | null;
}

export interface SandboxPayout {
	id: number;
	accountId: string;
	orderId: string;
	amount: string;
	number: string;
	service: string;
	status: PayoutStatus;
	createdAt: number;
	notificationUrl: string | null;
	body: Record<string, unknown>;
}

export interface SentNotification {
	/** notification_endpoint_url as the payout gave it; `query` was added to it. */
	url: string;
	query: Record<string, string>;
	status: number | null;
	error: string | null;
}

export interface Sandbox {
	url: string;
	/** The default account. */
	accountId: string;
	requests: RecordedRequest[];
	notifications: SentNotification[];
	payouts(): SandboxPayout[];
	/** Counted since the start or the last reset(). */
	connections(): ConnectionCounts;
	injectFault(fault: Fault): void;
	accountInfo(accountId: string): SandboxAccountInfo;
	/** Replaces fields of the account's info until reset(); throws on an unknown account or bad fields. */
	setAccountInfo(accountId: string, patch: AccountInfoPatch): void;
	clearFaults(): void;
	/** Makes a waiting payout final now and resolves once its notification got an answer. */
	finalize(payoutId: number, status?: FinalStatus): Promise<void>;
	reset(): void;
	close(): Promise<void>;
}
