import { buildPayoutBody, PayoutInputError } from '../../nodes/AliKassa/core/payoutBody';
import { phpJsonEncode } from '../../nodes/AliKassa/core/phpJson';

const minimal = { amount: '500', number: '79005554455', orderId: 'A-1', service: 'qiwi_rub' };

function refusal(input: Parameters<typeof buildPayoutBody>[0]): PayoutInputError {
	try {
		buildPayoutBody(input);
	} catch (error) {
		if (error instanceof PayoutInputError) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

describe('buildPayoutBody', () => {
	it.each([
		['orderId', 'Order ID', { orderId: 'A-\ud83d' }],
		['orderId', 'Order ID', { orderId: '\ude00A' }],
		['number', 'Number', { number: '7900\udfff5554455' }],
		['cardHolder', 'Card Holder', { cardHolder: 'IVAN \ud800' }],
	] as const)('refuses a lone UTF-16 surrogate in %s, naming the field', (field, label, change) => {
		const error = refusal({ ...minimal, ...change });
		expect(error.field).toBe(field);
		expect(error.message).toBe(
			`${label} contains a broken Unicode character (a lone UTF-16 surrogate)`,
		);
	});

	it('keeps a surrogate pair (an emoji) as one character', () => {
		expect(buildPayoutBody({ ...minimal, orderId: 'A-💸' }).order_id).toBe('A-💸');
	});

	it('lays out the required fields in the API table order', () => {
		expect(phpJsonEncode(buildPayoutBody(minimal))).toBe(
			'{"amount":"500.00","number":"79005554455","order_id":"A-1","service":"qiwi_rub"}',
		);
	});

	it('puts optional fields after the required ones, extra card data as a nested object', () => {
		const body = buildPayoutBody({
			...minimal,
			customerCode: '100000000111',
			customerEmail: 'a@b.co',
			customerPhone: '79001112233',
			cardHolder: 'IVAN IVANOV',
			cardExpMonth: '01',
			cardExpYear: '27',
			cardCountry: 'DE',
			cardRecipientBirthDate: '1999-12-15',
			notificationEndpointUrl: 'https://example.com/hook?a=1',
			notificationEndpointId: '5',
		});
		expect(Object.keys(body)).toEqual([
			'amount',
			'number',
			'order_id',
			'service',
			'notification_endpoint_id',
			'notification_endpoint_url',
			'extra',
			'customer_phone',
			'customer_email',
			'customer_code',
		]);
		expect(body.notification_endpoint_id).toBe(5);
		expect(Object.keys(body.extra!)).toEqual([
			'card_exp_year',
			'card_exp_month',
			'card_holder',
			'card_country',
			'card_recipient_birth_date',
		]);
		expect(phpJsonEncode(body)).toContain(
			'"notification_endpoint_url":"https:\\/\\/example.com\\/hook?a=1"',
		);
	});

	it('leaves out blank optional fields', () => {
		expect(
			Object.keys(buildPayoutBody({ ...minimal, customerEmail: '', cardHolder: undefined })),
		).toEqual(['amount', 'number', 'order_id', 'service']);
	});

	it('counts the Order ID in characters as PHP does: 128 emoji are 128, not 256', () => {
		expect(buildPayoutBody({ ...minimal, orderId: '🙂'.repeat(128) }).order_id).toBe(
			'🙂'.repeat(128),
		);
	});

	it('takes a number from a sheet as text, but refuses one that lost digits', () => {
		expect(buildPayoutBody({ ...minimal, number: 79005554455 }).number).toBe('79005554455');
		const lost = refusal({ ...minimal, number: Number('4111111111111111111') });
		expect(lost.parameter).toBe('Number');
		expect(lost.message).toMatch(/digits were lost\); pass it as text/);
		expect(lost.message).not.toMatch(/41111/);
	});

	it.each([
		[{ amount: '10.005' }, 'Amount', /more than 2 decimals/],
		[{ number: '' }, 'Number', /Number is empty/],
		[{ number: '   ' }, 'Number', /Number is empty/],
		[{ orderId: 'x'.repeat(129) }, 'Order ID', /129 characters long; AliKassa allows at most 128/],
		[{ orderId: '🙂'.repeat(129) }, 'Order ID', /129 characters long; AliKassa allows at most 128/],
		[{ orderId: undefined }, 'Order ID', /Order ID must be text/],
		[{ service: 's'.repeat(101) }, 'Service', /at most 100/],
		[{ notificationEndpointId: 2.5 }, 'Notification Endpoint ID', /whole positive number/],
		[{ notificationEndpointId: 'five' }, 'Notification Endpoint ID', /whole positive number/],
		[{ notificationEndpointId: -1 }, 'Notification Endpoint ID', /whole positive number/],
		[{ notificationEndpointUrl: 'ftp://x' }, 'Notification Endpoint URL', /http\(s\) URL/],
		[{ customerEmail: 'nope' }, 'Customer Email', /not an email/],
		[{ customerPhone: '+7 (900) 111' }, 'Customer Phone', /digits only/],
		[{ cardExpMonth: '13' }, 'Card Expiry Month', /01 to 12/],
		[{ cardExpYear: '2027' }, 'Card Expiry Year', /at most 2|two digits/],
		[{ cardCountry: 'de' }, 'Card Country', /ISO 3166-1/],
		[{ cardRecipientBirthDate: '15.12.1999' }, 'Card Recipient Birth Date', /YYYY-MM-DD/],
	])('%p is refused on %s', (change, parameter, message) => {
		const error = refusal({ ...minimal, ...change });
		expect(error.parameter).toBe(parameter);
		expect(error.message).toMatch(message);
	});
});
