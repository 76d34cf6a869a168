/** AliKassa's payout and account endpoints, answered as its Laravel app would. */
import { activePayoutCodes } from './accountInfo';
import { isRecord, parseJson, phpJsonAnswer, type Answer } from './http';
import {
	array,
	dateYmd,
	exactChars,
	greaterThanZero,
	integer,
	isMissing,
	matches,
	maxChars,
	maxNumber,
	numeric,
	oneOf,
	string,
	unique,
	url,
	validate,
	validationFailure,
	type FieldRules,
} from './laravel';
import type { Ledger, LedgerAccount, LedgerEntry } from './ledger';
import { centsOf, DECIMAL_AMOUNT, formatCents } from './money';
import type { SignatureHash } from './types';


/** decimal(11.2) */
const MAX_AMOUNT = 999999999.99;

export interface ApiRequest {
	method: string;
	path: string;
	/** The Account header as sent. */
	accountId: string | null;
	account: LedgerAccount | undefined;
	sign: string | null;
	signatureHash: SignatureHash | null;
	contentType: string | null;
	body: Buffer;
}

type Endpoint = (ledger: Ledger, account: LedgerAccount, input: Record<string, unknown>) => Answer;

const ENDPOINTS = new Map<string, Endpoint>([
	['/v1/payout', createPayout],
	['/v1/payout/status', payoutStatus],
	['/v1/account/balance', accountBalance],
	['/v1/account/info', accountInfo],
]);

export function answerApiRequest(ledger: Ledger, request: ApiRequest): Answer {
	const endpoint = ENDPOINTS.get(request.path);
	if (endpoint === undefined) {
		return phpJsonAnswer(404, {
			message: `The route ${request.path.slice(1)} could not be found.`,
		});
	}
	if (request.method !== 'POST') {
		const message = `The ${request.method} method is not supported for this route.`;
		return phpJsonAnswer(405, { message: `${message} Supported methods: POST.` });
	}
	const { account } = request;
	if (account === undefined) return phpJsonAnswer(401, { message: 'Account not found.' });
	if (request.sign === null) return phpJsonAnswer(403, { message: 'Sign is required.' });
	if (request.signatureHash === null) return phpJsonAnswer(403, { message: 'Invalid sign.' });
	const input = requestInput(request);
	if (input === null) return validationFailure({ body: ['The body must be valid JSON.'] });
	return endpoint(ledger, account, input);
}

/** Laravel reads the body only when Content-Type says JSON; otherwise it sees no fields at all. */
function requestInput(request: ApiRequest): Record<string, unknown> | null {
	if (!/\/json|\+json/i.test(request.contentType ?? '')) return {};
	const parsed = parseJson(request.body);
	if (!parsed.ok) return null;
	return isRecord(parsed.value) ? parsed.value : {};
}

const EXTRA_FIELD_RULES: readonly FieldRules[] = [
	{
		field: 'extra.card_exp_year',
		required: true,
		rules: [string, exactChars(2), matches(/^\d{2}$/)],
	},
	{
		field: 'extra.card_exp_month',
		required: true,
		rules: [string, exactChars(2), matches(/^(0[1-9]|1[0-2])$/)],
	},
	{ field: 'extra.card_holder', required: true, rules: [string, maxChars(100)] },
	{ field: 'extra.card_country', required: true, rules: [string, exactChars(2)] },
	{ field: 'extra.card_recipient_birth_date', required: true, rules: [dateYmd] },
];

function payoutRules(ledger: Ledger, account: LedgerAccount): FieldRules[] {
	const needsCardDetails = account.currency === 'EUR';
	const rules: FieldRules[] = [
		{
			field: 'amount',
			required: true,
			rules: [numeric, greaterThanZero, matches(DECIMAL_AMOUNT), maxNumber(MAX_AMOUNT)],
		},
		{ field: 'number', required: true, rules: [string] },
		{
			field: 'order_id',
			required: true,
			rules: [string, maxChars(128), unique((orderId) => ledger.hasOrder(account.id, orderId))],
		},
		{ field: 'service', required: true, rules: [string, maxChars(100), oneOf(activePayoutCodes(account.info))],
		},
		{ field: 'notification_endpoint_id', rules: [integer] },
		{ field: 'notification_endpoint_url', rules: [string, url, maxChars(255)] },
		{ field: 'extra', required: needsCardDetails, rules: [array] },
	];
	return needsCardDetails ? [...rules, ...EXTRA_FIELD_RULES] : rules;
}

function createPayout(
	ledger: Ledger,
	account: LedgerAccount,
	input: Record<string, unknown>,
): Answer {
	if (!account.info.is_allowed_payout)
		return phpJsonAnswer(403, { message: 'Payouts are not allowed for this account.' });
	const errors = validate(input, payoutRules(ledger, account));
	if (Object.keys(errors).length > 0) return validationFailure(errors);
	const amountCents = centsOf(String(input.amount).trim());
	if (amountCents > account.balanceCents)
		return validationFailure({ amount: ['Insufficient funds.'] });
	const entry = ledger.create(account, {
		orderId: String(input.order_id),
		amountCents,
		number: String(input.number),
		service: String(input.service),
		notificationUrl:
			typeof input.notification_endpoint_url === 'string' ? input.notification_endpoint_url : null,
		body: input,
	});
	return phpJsonAnswer(200, { payment_status: 'wait', id: entry.payout.id });
}

const STATUS_RULES: readonly FieldRules[] = [
	{ field: 'id', requiredWithout: 'order_id', rules: [integer] },
	{ field: 'order_id', rules: [string] },
];

function payoutStatus(
	ledger: Ledger,
	account: LedgerAccount,
	input: Record<string, unknown>,
): Answer {
	const errors = validate(input, STATUS_RULES);
	if (Object.keys(errors).length > 0) return validationFailure(errors);
	const entry = ledger.find(
		account.id,
		isMissing(input.id) ? { orderId: String(input.order_id) } : { id: Number(input.id) },
	);
	if (entry === undefined) return phpJsonAnswer(404, { message: 'Payout not found.' });
	return phpJsonAnswer(200, statusBody(entry));
}

function statusBody({ payout, balanceBeforeCents, balanceAfterCents }: LedgerEntry) {
	return {
		order_id: payout.orderId,
		id: payout.id,
		payment_status: payout.status,
		card_mask: maskedNumber(payout.number, payout.service),
		amount: payout.amount,
		payment_amount: payout.amount,
		is_partial_payment: false,
		account_payment_amount: payout.amount,
		commission_amount: '0.00',
		service_code: payout.service,
		RRN: payout.status === 'paid' ? String(payout.id).padStart(12, '0') : null,
		account_old_balance: formatCents(balanceBeforeCents),
		account_new_balance: formatCents(balanceAfterCents),
	};
}

/** Cards show as 411111******1111; phones and wallets keep their first 4 and last 2 characters. */
function maskedNumber(number: string, service: string): string {
	const isCard = service.startsWith('payment_card_') && service !== 'payment_card_sbp_rub';
	const [head, tail] = isCard ? [6, 4] : [4, 2];
	if (number.length <= head + tail)
		return '*'.repeat(Math.max(0, number.length - 2)) + number.slice(-2);
	return number.slice(0, head) + '*'.repeat(number.length - head - tail) + number.slice(-tail);
}

function accountBalance(ledger: Ledger, account: LedgerAccount): Answer {
	// Read first: it settles due payouts, whose refunds change the balance.
	const pendingCents = ledger.pendingCents(account.id);
	return phpJsonAnswer(200, {
		currency: account.currency,
		balance: formatCents(account.balanceCents),
		hold: '0.00',
		rolling_reserve: '0.00',
		pending_payouts: formatCents(pendingCents),
	});
}

function accountInfo(_ledger: Ledger, account: LedgerAccount): Answer {
	const { is_allowed_payment, is_allowed_payout, payments, payouts } = account.info;
	return phpJsonAnswer(200, {
		is_allowed_payment,
		is_allowed_payout,
		payments: payments.map((service) => ({ ...service })),
		payouts: payouts.map((service) => ({ ...service })),
	});
}
