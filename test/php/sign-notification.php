<?php
/**
 * Signs notifications as AliKassa's PHP docs verify them, with the sandbox notifications key
 * opened with its password.txt as read. stdin: {"cases": [{"name", "query": {param: text}}]}
 * (other members are ignored); stdout: the same cases with `json`, the documented json_encode of
 * the query as $_GET, and `sign`, base64 of openssl_sign over it with its default SHA-1.
 *
 * The fixture is this script's answer to its own cases:
 *   php test/php/sign-notification.php < test/fixtures/notification-vectors.json > vectors.json
 *   mv vectors.json test/fixtures/notification-vectors.json
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

/** The array of the docs' openssl_verify call; a parameter that is not sent is null. */
function documentedArray(array $get): array
{
	return [
		'type' => $get['type'] ?? null,
		'id' => (int) ($get['id'] ?? null),
		'order_id' => $get['order_id'] ?? null,
		'payment_status' => $get['payment_status'] ?? null,
		'amount' => $get['amount'] ?? null,
		'payment_amount' => $get['payment_amount'] ?? null,
		'commission_amount' => $get['commission_amount'] ?? null,
		'is_partial_payment' => $get['is_partial_payment'] ?? null,
		'account' => $get['account'] ?? null,
		'service' => $get['service'] ?? null,
		'desc' => $get['desc'] ?? null,
	];
}

$keyDirectory = dirname(__DIR__, 2) . '/sandbox/cert/notifications';
$key = loadKeyLikeSeed(
	file_get_contents("$keyDirectory/private.pem"),
	file_get_contents("$keyDirectory/password.txt"),
);

// Objects stay objects, so that an empty query is written back as {} rather than [].
$input = json_decode(stream_get_contents(STDIN), false, 512, JSON_THROW_ON_ERROR);
$cases = [];
foreach ($input->cases as $case) {
	$json = encodeLikeSeed(documentedArray((array) $case->query));
	$cases[] = [
		'name' => $case->name,
		'query' => $case->query,
		'json' => $json,
		'sign' => signLikeSeed($json, $key, 'sha1'),
	];
}

echo json_encode(
	['php' => PHP_VERSION, 'openssl' => OPENSSL_VERSION_TEXT, 'cases' => $cases],
	JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR,
), "\n";
