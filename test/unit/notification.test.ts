import { generateKeyPairSync, sign, type KeyObject } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import {
	disagreement,
	normalizeNotification,
	NOTIFICATION_FIELDS,
	readPublicKey,
	signedTexts,
	statusBehind,
	verifyNotification,
} from '../../nodes/AliKassa/core/notification';
import { notificationsPrivateKey, readCertFile } from '../../sandbox/keys';
import { describePhp, PHP_SCRIPTS, runPhpJson } from '../support/php';
import { RandomValues } from '../support/randomValues';

type Query = Record<string, string>;

/** One case of test/fixtures/notification-vectors.json, written by test/php/sign-notification.php. */
interface NotificationVector {
	name: string;
	/** The GET parameters as they arrive, all text; a parameter left out was not sent. */
	query: Query;
	/** json_encode of the docs' array. */
	json: string;
	/** base64 of PHP's openssl_sign (SHA-1) over `json` with the sandbox notifications key. */
	sign: string;
}

interface NotificationVectors {
	php: string;
	openssl: string;
	cases: NotificationVector[];
}

const VECTORS = JSON.parse(
	readFileSync(join(__dirname, '..', 'fixtures', 'notification-vectors.json'), 'utf8'),
) as NotificationVectors;
const SIGN_NOTIFICATION_PHP = join(PHP_SCRIPTS, 'sign-notification.php');

function loadKey(pem: string): KeyObject {
	const read = readPublicKey(pem);
	if ('problem' in read) throw new Error(read.problem);
	return read.key;
}

const publicKey = loadKey(readCertFile('notifications', 'public.pem'));
const privateKey = notificationsPrivateKey();

function vector(orderId: string): NotificationVector {
	const found = VECTORS.cases.find((candidate) => candidate.query.order_id === orderId);
	if (found === undefined) throw new Error(`No notification vector with order_id "${orderId}"`);
	return found;
}

const paidPayout = vector('2026-11-payroll-001');
const partialPayment = vector('invoice-77');

function signed({ query, sign }: NotificationVector): Query {
	return { ...query, sign };
}

/** What the English docs' Node example verifies: searchParams.get, Number(id), JSON.stringify. */
function englishDocsText(query: Query): string {
	const get = (name: string) => query[name] ?? null;
	return JSON.stringify({
		type: get('type'),
		id: Number(get('id')),
		order_id: get('order_id'),
		payment_status: get('payment_status'),
		amount: get('amount'),
		payment_amount: get('payment_amount'),
		commission_amount: get('commission_amount'),
		is_partial_payment: get('is_partial_payment'),
		account: get('account'),
		service: get('service'),
		desc: get('desc'),
	});
}

function signBase64(hash: 'sha1' | 'sha256', text: string, key: KeyObject = privateKey): string {
	return sign(hash, Buffer.from(text, 'utf8'), key).toString('base64');
}

function phpSigns(cases: Array<{ name: string; query: Query }>): NotificationVector[] {
	return (runPhpJson(SIGN_NOTIFICATION_PHP, { cases }) as NotificationVectors).cases;
}

describe('notifications signed by PHP as the docs verify them (fixture)', () => {
	test.each(VECTORS.cases)('$name', (phpVector) => {
		expect(signedTexts(phpVector.query)['php-sha1']).toBe(phpVector.json);
		expect(verifyNotification(signed(phpVector), publicKey)).toBe('php-sha1');
	});

	test('the fixture holds a sign with "+" for the query-encoding case', () => {
		expect(VECTORS.cases.some((phpVector) => phpVector.sign.includes('+'))).toBe(true);
	});
});

describePhp('live PHP', () => {
	test('signs the fixture cases exactly as recorded', () => {
		const cases = VECTORS.cases.map(({ name, query }) => ({ name, query }));
		expect(phpSigns(cases)).toEqual(VECTORS.cases);
	});

	test('random queries: the same text as PHP, and PHP signs verify', () => {
		const random = new RandomValues(20261128);
		const idForms = () =>
			random.pick([
				String(random.int(1, 2 ** 40)),
				`${random.int(0, 999)}abc`,
				`${random.int(1, 9)}e${random.int(0, 6)}`,
				` \t${random.int(0, 99)}.${random.int(0, 99)}`,
				'-0.5',
				'0x1A',
				random.text(4),
			]);
		const cases = Array.from({ length: 60 }, (_, index) => {
			const query: Query = {};
			for (const field of NOTIFICATION_FIELDS) {
				if (random.int(0, 5) === 0) continue;
				query[field] = field === 'id' ? idForms() : random.text(16);
			}
			return { name: `random ${index}`, query };
		});
		for (const phpVector of phpSigns(cases)) {
			expect({ name: phpVector.name, text: signedTexts(phpVector.query)['php-sha1'] }).toEqual({
				name: phpVector.name,
				text: phpVector.json,
			});
			expect(verifyNotification(signed(phpVector), publicKey)).toBe('php-sha1');
		}
	});
});

describe("the English docs' form: JSON.stringify, SHA-256", () => {
	test.each(VECTORS.cases)('$name', ({ query }) => {
		const text = englishDocsText(query);
		expect(signedTexts(query)['json-sha256']).toBe(text);
		const notification = { ...query, sign: signBase64('sha256', text) };
		expect(verifyNotification(notification, publicKey)).toBe('json-sha256');
	});

	test('each form needs its own hash', () => {
		const { query } = paidPayout;
		const sha1OverJson = signBase64('sha1', englishDocsText(query));
		const sha256OverPhp = signBase64('sha256', paidPayout.json);
		expect(verifyNotification({ ...query, sign: sha1OverJson }, publicKey)).toBeNull();
		expect(verifyNotification({ ...query, sign: sha256OverPhp }, publicKey)).toBeNull();
	});
});

describe('refused notifications', () => {
	test('signed with another key', () => {
		const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const forgedPhp = signBase64('sha1', paidPayout.json, otherKey);
		const forgedJson = signBase64('sha256', englishDocsText(paidPayout.query), otherKey);
		expect(verifyNotification({ ...paidPayout.query, sign: forgedPhp }, publicKey)).toBeNull();
		expect(verifyNotification({ ...paidPayout.query, sign: forgedJson }, publicKey)).toBeNull();
	});

	test.each(NOTIFICATION_FIELDS)('%s altered', (field) => {
		// "100001524x" would still be (int) 100001524, which the sign covers.
		const altered = field === 'id' ? '100001525' : `${paidPayout.query[field]}x`;
		const notification = { ...signed(paidPayout), [field]: altered };
		expect(verifyNotification(notification, publicKey)).toBeNull();
	});

	test('a signed field left out', () => {
		const { desc: _desc, ...withoutDesc } = signed(paidPayout);
		expect(verifyNotification(withoutDesc, publicKey)).toBeNull();
	});

	test.each([
		['missing', undefined],
		['empty', ''],
		['not base64', '!!!'],
		['cut short', paidPayout.sign.slice(0, 100)],
		['of another notification', partialPayment.sign],
	])('sign %s', (_title, sign) => {
		expect(verifyNotification({ ...paidPayout.query, sign }, publicKey)).toBeNull();
	});
});

describe('accepted despite the transport', () => {
	const withPlus = VECTORS.cases.find((phpVector) => phpVector.sign.includes('+'))!;

	test('"+" in the sign sent unencoded, so the query parser reads a space', () => {
		const parsed = new URLSearchParams(`sign=${withPlus.sign}`).get('sign')!;
		expect(parsed).toContain(' ');
		expect(verifyNotification({ ...withPlus.query, sign: parsed }, publicKey)).toBe('php-sha1');
	});

	test('a parameter that is not signed is ignored and not passed on', () => {
		const notification = { ...signed(paidPayout), utm_source: 'mail' };
		expect(verifyNotification(notification, publicKey)).toBe('php-sha1');
		expect(normalizeNotification(notification, 'php-sha1')).not.toHaveProperty('utm_source');
	});
});

describe('normalizeNotification', () => {
	test('id a number, the partial flag a boolean, amounts as text, isFinal', () => {
		expect(normalizeNotification(signed(paidPayout), 'php-sha1')).toEqual({
			type: 'payout',
			id: 100001524,
			order_id: '2026-11-payroll-001',
			payment_status: 'paid',
			amount: '1000.44',
			payment_amount: '1000.44',
			commission_amount: '0.00',
			is_partial_payment: false,
			account: '93d5df06-996c-48c3-9847-348d6b580b80',
			service: 'payment_card_rub',
			desc: 'Выплата 2026-11-payroll-001',
			isFinal: true,
			signatureForm: 'php-sha1',
		});
		expect(normalizeNotification(signed(partialPayment), 'php-sha1')).toMatchObject({
			type: 'payment',
			amount: '1000.44',
			payment_amount: '500.22',
			is_partial_payment: true,
			isFinal: false,
		});
	});

	test('fields not sent are null, and the id is read as the verified form read it', () => {
		const sparse = vector('sparse');
		expect(normalizeNotification(signed(sparse), 'php-sha1')).toMatchObject({
			id: 100001529,
			amount: null,
			commission_amount: null,
			is_partial_payment: false,
			desc: null,
		});
		const { query } = vector('id-trailing-letters');
		expect(normalizeNotification(query, 'php-sha1').id).toBe(123);
		expect(normalizeNotification(query, 'json-sha256').id).toBeNull();
		expect(normalizeNotification(vector('id-exponent').query, 'php-sha1').id).toBe(1000);
	});

	test.each([
		['paid', true],
		['cancel', true],
		['fail', true],
		['wait', false],
	])('payment_status %s: isFinal %s', (status, isFinal) => {
		const query = { ...paidPayout.query, payment_status: status };
		expect(normalizeNotification(query, 'php-sha1').isFinal).toBe(isFinal);
	});

	test.each([
		['1', true],
		['true', true],
		['0', false],
		['', false],
	])('is_partial_payment "%s": %s', (flag, partial) => {
		const query = { ...paidPayout.query, is_partial_payment: flag };
		expect(normalizeNotification(query, 'php-sha1').is_partial_payment).toBe(partial);
	});
});

describe('readPublicKey', () => {
	const pem = readCertFile('notifications', 'public.pem');

	test('takes public.pem pasted with literal \\n sequences', () => {
		const key = loadKey(pem.trim().replace(/\n/g, '\\n'));
		expect(verifyNotification(signed(paidPayout), key)).toBe('php-sha1');
	});

	test('refuses what is not a public key with a message naming the file to paste', () => {
		expect(readPublicKey('not a key')).toEqual({ problem: expect.stringMatching(/public\.pem/) });
	});

	test('refuses a public key that is not RSA', () => {
		const { publicKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
		const ecPem = ecKey.export({ type: 'spki', format: 'pem' }).toString();
		expect(readPublicKey(ecPem)).toEqual({ problem: expect.stringMatching(/not an RSA key/) });
	});
});

describe('disagreement: is the notification what AliKassa reports now?', () => {
	const notice = { id: 100001524, order_id: 'payroll-7', payment_status: 'paid' };

	test('the same status and order_id: it agrees', () => {
		expect(
			disagreement(notice, { id: 100001524, order_id: 'payroll-7', payment_status: 'paid' }),
		).toBeNull();
		// An answer without order_id is judged on the status alone.
		expect(disagreement(notice, { payment_status: 'paid' })).toBeNull();
	});

	test('a stale or replayed status is named with both sides', () => {
		expect(
			disagreement(
				{ ...notice, payment_status: 'fail' },
				{ order_id: 'payroll-7', payment_status: 'paid' },
			),
		).toBe('AliKassa reports payout 100001524 as "paid", the notification says "fail"');
		expect(disagreement(notice, { order_id: 'payroll-7', payment_status: 'wait' })).toBe(
			'AliKassa reports payout 100001524 as "wait", the notification says "paid"',
		);
		expect(disagreement(notice, { order_id: 'payroll-7' })).toMatch(/as "null"/);
	});

	test('another order_id, or no such payout, disagrees', () => {
		expect(disagreement(notice, { order_id: 'payroll-8', payment_status: 'paid' })).toBe(
			'AliKassa\'s payout 100001524 has order_id "payroll-8", the notification says "payroll-7"',
		);
		expect(disagreement(notice, null)).toBe('AliKassa has no payout 100001524');
	});
});

describe('statusBehind: AliKassa has not caught up with the notification yet', () => {
	const notice = { order_id: 'payroll-7', payment_status: 'paid' };

	test.each(['paid', 'cancel', 'fail'])(
		'a "%s" notice while AliKassa still says wait',
		(status) => {
			expect(
				statusBehind(
					{ ...notice, payment_status: status },
					{ order_id: 'payroll-7', payment_status: 'wait' },
				),
			).toBe(true);
			expect(statusBehind({ ...notice, payment_status: status }, { payment_status: 'wait' })).toBe(
				true,
			);
		},
	);

	test.each([
		['a wait notice', { ...notice, payment_status: 'wait' }, { payment_status: 'wait' }],
		[
			'a final status that contradicts it',
			notice,
			{ order_id: 'payroll-7', payment_status: 'fail' },
		],
		['another order_id', notice, { order_id: 'payroll-8', payment_status: 'wait' }],
		['no such payout', notice, null],
	])('not behind: %s', (_what, notification, current) => {
		expect(statusBehind(notification, current)).toBe(false);
	});
});
