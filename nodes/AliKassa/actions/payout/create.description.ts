import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_PAYOUT_SERVICE,
	DEFAULT_POLL_INTERVAL_SECONDS,
	MAX_MAX_WAIT_SECONDS,
	MAX_POLL_INTERVAL_SECONDS,
} from '../../core/defaults';
import { INPUT_FIELD_NAMES } from '../../core/inputFields';
import {
	concurrencyOption,
	optionsCollection,
	orderIdField,
	timeoutOption,
} from '../common.descriptions';

const REQUIRED = ['amount', 'number', 'orderId', 'service'] as const;
const REQUIRED_INPUT_FIELDS = REQUIRED.map((field) => INPUT_FIELD_NAMES[field]).join(', ');
const OPTIONAL_INPUT_FIELDS = Object.entries(INPUT_FIELD_NAMES)
	.filter(([field]) => !(REQUIRED as readonly string[]).includes(field))
	.map(([, name]) => name)
	.join(', ');

/** Shown only when the fields are set in the node, not taken from the input item. */
const definedBelow = { show: { dataMode: ['defineBelow'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Data Mode',
		name: 'dataMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Auto-Map Input Data to Fields',
				value: 'autoMapInputData',
				description: `Use when the input items' fields are named as in AliKassa's API (${REQUIRED_INPUT_FIELDS}). The quickest way for big batches: no expression is evaluated per row.`,
			},
			{
				name: 'Map Each Field Below',
				value: 'defineBelow',
				description:
					'Set each field below, for example with an expression that takes it from the input item',
			},
		],
		default: 'defineBelow',
	},
	{
		displayName: `Each input item is one payout, read from its fields ${REQUIRED_INPUT_FIELDS} and, when present and not empty, ${OPTIONAL_INPUT_FIELDS}. Other fields are not sent.`,
		name: 'autoMapNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { dataMode: ['autoMapInputData'] } },
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1000.44',
		description:
			'Amount in the account currency: a number or text with a dot and at most 2 decimals. Never rounded.',
		displayOptions: definedBelow,
	},
	{
		displayName: 'Number',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: '4111111111111111',
		description: 'Card, account or phone number to pay to',
		displayOptions: definedBelow,
	},
	orderIdField(
		'Your unique ID for this payout (at most 128 characters). AliKassa refuses a repeated one, so take it from your data, not from the time: then re-running a batch can never pay twice.',
		{ displayOptions: definedBelow },
	),
	{
		displayName: 'Service',
		name: 'service',
		type: 'resourceLocator',
		// a plain string (workflows saved before the list, expressions from CSV) is read as the code
		default: { mode: 'list', value: DEFAULT_PAYOUT_SERVICE },
		required: true,
		description:
			'Payout service of the account: pick it from the list AliKassa gives for the credential, or give its code (such as payment_card_rub or payment_card_sbp_rub)',
		displayOptions: definedBelow,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchPayoutServices', searchable: true },
			},
			{
				displayName: 'By Code',
				name: 'id',
				type: 'string',
				placeholder: DEFAULT_PAYOUT_SERVICE,
			},
		],
	},
	{
		displayName: 'Wait for Final Status',
		name: 'waitForFinalStatus',
		type: 'boolean',
		default: false,
		description:
			'Whether to poll the payout status after creating it and output the final status (paid, cancel or fail)',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_POLL_INTERVAL_SECONDS, numberPrecision: 0 },
		default: DEFAULT_POLL_INTERVAL_SECONDS,
		displayOptions: { show: { waitForFinalStatus: [true] } },
		description: 'How often to ask AliKassa for the status while waiting',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_MAX_WAIT_SECONDS, numberPrecision: 0 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		displayOptions: { show: { waitForFinalStatus: [true] } },
		description:
			'Longest time to wait for the final status; then the item carries the last status with isFinal false and a note',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: definedBelow,
		options: [
			{
				displayName: 'Card Country',
				name: 'cardCountry',
				type: 'string',
				default: '',
				placeholder: 'DE',
				description: 'Extra card data (EUR accounts): ISO 3166-1 alpha-2 country of the card',
			},
			{
				displayName: 'Card Expiry Month',
				name: 'cardExpMonth',
				type: 'string',
				default: '',
				placeholder: '01',
				description: 'Extra card data (EUR accounts): two digits',
			},
			{
				displayName: 'Card Expiry Year',
				name: 'cardExpYear',
				type: 'string',
				default: '',
				placeholder: '27',
				description: 'Extra card data (EUR accounts): two digits',
			},
			{
				displayName: 'Card Holder',
				name: 'cardHolder',
				type: 'string',
				default: '',
				description: 'Extra card data (EUR accounts): name on the card',
			},
			{
				displayName: 'Card Recipient Birth Date',
				name: 'cardRecipientBirthDate',
				type: 'string',
				default: '',
				placeholder: '1999-12-15',
				description: 'Extra card data (EUR accounts): YYYY-MM-DD',
			},
			{
				displayName: 'Customer Code',
				name: 'customerCode',
				type: 'string',
				default: '',
				placeholder: '100000000111',
				description: 'Bank ID of the recipient for SBP payouts (payment_card_sbp_rub)',
			},
			{
				displayName: 'Customer Email',
				name: 'customerEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'Customer Phone',
				name: 'customerPhone',
				type: 'string',
				default: '',
				placeholder: '79001112233',
			},
			{
				displayName: 'Notification Endpoint ID',
				name: 'notificationEndpointId',
				type: 'number',
				default: 0,
				description:
					'ID of a notification endpoint set up in the cabinet; AliKassa notifies it when the status changes',
			},
			{
				displayName: 'Notification Endpoint URL',
				name: 'notificationEndpointUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/webhook/alikassa',
				description:
					'URL AliKassa calls once the status is final, for example the Production URL of an AliKassa Trigger',
			},
		],
	},
	optionsCollection([concurrencyOption, timeoutOption]),
];

export const description = updateDisplayOptions({ show: { operation: ['create'] } }, properties);
