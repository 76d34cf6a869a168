import type { PayoutField, PayoutInput } from './payoutBody';

/**
 * Where "Auto-Map Input Data to Fields" finds each payout field in an input item: under AliKassa's own
 * name for it in the v1/payout body, the card fields of `extra` flat, as a spreadsheet or CSV
 * has them.
 */
export const INPUT_FIELD_NAMES: Record<PayoutField, string> = {
	amount: 'amount',
	number: 'number',
	orderId: 'order_id',
	service: 'service',
	notificationEndpointId: 'notification_endpoint_id',
	notificationEndpointUrl: 'notification_endpoint_url',
	customerPhone: 'customer_phone',
	customerEmail: 'customer_email',
	customerCode: 'customer_code',
	cardExpYear: 'card_exp_year',
	cardExpMonth: 'card_exp_month',
	cardHolder: 'card_holder',
	cardCountry: 'card_country',
	cardRecipientBirthDate: 'card_recipient_birth_date',
};

/**
 * One payout's input taken from an item's own fields of those names; its other fields (a name,
 * a comment) are not part of the payout and are left alone. buildPayoutBody then treats an empty
 * optional field as absent, as it does a blank parameter.
 */
export function payoutInputFromItem(item: Record<string, unknown>): PayoutInput {
	const input: Partial<Record<PayoutField, unknown>> = {};
	for (const [field, name] of Object.entries(INPUT_FIELD_NAMES) as Array<[PayoutField, string]>) {
		if (Object.hasOwn(item, name)) input[field] = item[name];
	}
	return input as PayoutInput;
}
