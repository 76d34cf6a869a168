import { readAmount } from './amount';

/** What a user supplies for one payout, as the node's parameters give it. */
export interface PayoutInput {
	amount: unknown;
	number: unknown;
	orderId: unknown;
	service: unknown;
	notificationEndpointId?: unknown;
	notificationEndpointUrl?: unknown;
	customerPhone?: unknown;
	customerEmail?: unknown;
	customerCode?: unknown;
	cardExpYear?: unknown;
	cardExpMonth?: unknown;
	cardHolder?: unknown;
	cardCountry?: unknown;
	cardRecipientBirthDate?: unknown;
}

export type PayoutExtra = {
	card_exp_year?: string;
	card_exp_month?: string;
	card_holder?: string;
	card_country?: string;
	card_recipient_birth_date?: string;
};

/** The v1/payout body; property order is the API table's and is what gets signed. */
export type PayoutBody = {
	amount: string;
	number: string;
	order_id: string;
	service: string;
	notification_endpoint_id?: number;
	notification_endpoint_url?: string;
	extra?: PayoutExtra;
	customer_phone?: string;
	customer_email?: string;
	customer_code?: string;
};

export type PayoutField = keyof PayoutInput;

/** Each field's display name in the node ("Order ID"), which messages use so the user finds it. */
export const FIELD_LABELS: Record<PayoutField, string> = {
	amount: 'Amount',
	number: 'Number',
	orderId: 'Order ID',
	service: 'Service',
	notificationEndpointId: 'Notification Endpoint ID',
	notificationEndpointUrl: 'Notification Endpoint URL',
	customerPhone: 'Customer Phone',
	customerEmail: 'Customer Email',
	customerCode: 'Customer Code',
	cardExpYear: 'Card Expiry Year',
	cardExpMonth: 'Card Expiry Month',
	cardHolder: 'Card Holder',
	cardCountry: 'Card Country',
	cardRecipientBirthDate: 'Card Recipient Birth Date',
};

/** Says which field is wrong, so the node can point at its parameter or input field. */
export class PayoutInputError extends Error {
	constructor(
		readonly field: PayoutField,
		message: string,
	) {
		super(message);
	}

	/** the field's display name */
	get parameter(): string {
		return FIELD_LABELS[this.field];
	}
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/** A UTF-16 surrogate without its pair: no UTF-8 text, so AliKassa could never be sent it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Characters as PHP's mb_strlen (and so AliKassa's max rule) counts them: an emoji is one. */
function characterCount(text: string): number {
	return [...text].length;
}

function text(field: PayoutField, value: unknown, maxLength: number): string {
	const label = FIELD_LABELS[field];
	if (typeof value === 'number') {
		// The rounded value is not echoed: it shows most of a card number, and not the one given.
		if (!Number.isSafeInteger(value)) {
			throw new PayoutInputError(
				field,
				`${label} came as a number too long for JavaScript to keep exactly (digits were lost); pass it as text (for example with a String() expression)`,
			);
		}
		value = String(value);
	}
	if (typeof value !== 'string') {
		throw new PayoutInputError(
			field,
			`${label} must be text, got ${isBlank(value) ? 'nothing' : typeof value}`,
		);
	}
	const trimmed = value.trim();
	if (trimmed === '') throw new PayoutInputError(field, `${label} is empty`);
	if (LONE_SURROGATE.test(trimmed)) {
		throw new PayoutInputError(
			field,
			`${label} contains a broken Unicode character (a lone UTF-16 surrogate)`,
		);
	}
	const length = characterCount(trimmed);
	if (length > maxLength) {
		throw new PayoutInputError(
			field,
			`${label} is ${length} characters long; AliKassa allows at most ${maxLength}`,
		);
	}
	return trimmed;
}

function optionalText(
	field: PayoutField,
	value: unknown,
	maxLength: number,
	pattern?: [RegExp, string],
) {
	if (isBlank(value)) return undefined;
	const result = text(field, value, maxLength);
	if (pattern && !pattern[0].test(result))
		throw new PayoutInputError(field, `${FIELD_LABELS[field]} "${result}" ${pattern[1]}`);
	return result;
}

function endpointId(value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
		throw new PayoutInputError(
			'notificationEndpointId',
			`Notification Endpoint ID must be a whole positive number (the id from the cabinet), got ${JSON.stringify(value)}`,
		);
	}
	return number;
}

function extraFields(input: PayoutInput): PayoutExtra | undefined {
	const extra: PayoutExtra = {
		card_exp_year: optionalText('cardExpYear', input.cardExpYear, 2, [
			/^\d{2}$/,
			'must be two digits, such as "27"',
		]),
		card_exp_month: optionalText('cardExpMonth', input.cardExpMonth, 2, [
			/^(0[1-9]|1[0-2])$/,
			'must be two digits from 01 to 12',
		]),
		card_holder: optionalText('cardHolder', input.cardHolder, 100),
		card_country: optionalText('cardCountry', input.cardCountry, 2, [
			/^[A-Z]{2}$/,
			'must be a two-letter ISO 3166-1 code in capitals, such as "DE"',
		]),
		card_recipient_birth_date: optionalText(
			'cardRecipientBirthDate',
			input.cardRecipientBirthDate,
			10,
			[/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date written YYYY-MM-DD'],
		),
	};
	const present = Object.entries(extra).filter(([, value]) => value !== undefined);
	return present.length > 0 ? (Object.fromEntries(present) as PayoutExtra) : undefined;
}

/** Checks one payout's input and lays out the body exactly as it will be signed and sent. */
export function buildPayoutBody(input: PayoutInput): PayoutBody {
	const amount = readAmount(input.amount);
	if ('problem' in amount) throw new PayoutInputError('amount', amount.problem);
	const body: PayoutBody = {
		amount: amount.amount,
		number: text('number', input.number, 255),
		order_id: text('orderId', input.orderId, 128),
		service: text('service', input.service, 100),
		notification_endpoint_id: endpointId(input.notificationEndpointId),
		notification_endpoint_url: optionalText(
			'notificationEndpointUrl',
			input.notificationEndpointUrl,
			255,
			[/^https?:\/\/\S+$/, 'must be an http(s) URL'],
		),
		extra: extraFields(input),
		customer_phone: optionalText('customerPhone', input.customerPhone, 32, [
			/^\+?\d{5,20}$/,
			'must be digits only, such as 79001112233',
		]),
		customer_email: optionalText('customerEmail', input.customerEmail, 255, [
			/^[^\s@]+@[^\s@]+\.[^\s@]+$/,
			'is not an email address',
		]),
		customer_code: optionalText('customerCode', input.customerCode, 64),
	};
	return Object.fromEntries(
		Object.entries(body).filter(([, value]) => value !== undefined),
	) as PayoutBody;
}
