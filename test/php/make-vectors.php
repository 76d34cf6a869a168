<?php
/**
 * Prints test/fixtures/php-vectors.json (`npm run fixtures`): PHP's json_encode of every case in
 * cases.json, its signatures with two keys, and every loadable key fixture's signature of a
 * probe body, each key opened with its password file as AliKassa's sample opens it.
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

const PROBE = "probe body: AliKassa / проба / 🔑 \"quoted\" \\ end\n";
const HASHES = ['sha1', 'sha256'];

$root = dirname(__DIR__, 2);
$keyDirectory = 'test/fixtures/keys';
$signingKeys = [
	['name' => 'sandbox-payout', 'file' => 'sandbox/cert/payout/private.pem', 'passwordFile' => 'sandbox/cert/payout/password.txt'],
	['name' => 'rsa4096-pkcs8-aes256', 'file' => "$keyDirectory/rsa4096-pkcs8-aes256.pem", 'passwordFile' => "$keyDirectory/rsa4096.password.txt"],
];

function signAll(string $body, OpenSSLAsymmetricKey $key): array
{
	$signatures = [];
	foreach (HASHES as $hash) {
		$signatures[$hash] = signLikeSeed($body, $key, $hash);
	}
	return $signatures;
}

$openedKeys = [];
foreach ($signingKeys as $signingKey) {
	$openedKeys[$signingKey['name']] = loadKeyLikeSeed(
		file_get_contents("$root/{$signingKey['file']}"),
		file_get_contents("$root/{$signingKey['passwordFile']}"),
	);
}

$cases = [];
foreach (readJsonFile(__DIR__ . '/cases.json') as $case) {
	$json = encodeLikeSeed(fromTagged($case['value']));
	$cases[] = [
		'name' => $case['name'],
		'value' => $case['value'],
		'json' => $json,
		'signatures' => array_map(fn ($key) => signAll($json, $key), $openedKeys),
	];
}

$keys = [];
foreach (readJsonFile("$root/$keyDirectory/manifest.json") as $entry) {
	if ($entry['expect'] !== 'ok') {
		continue;
	}
	$password = $entry['passwordFile'] === null ? '' : file_get_contents("$root/$keyDirectory/{$entry['passwordFile']}");
	try {
		$key = loadKeyLikeSeed(file_get_contents("$root/$keyDirectory/{$entry['file']}"), $password);
		$keys[] = ['name' => $entry['name'], 'phpLoads' => true, 'signatureOfProbe' => signAll(PROBE, $key)];
	} catch (RuntimeException) {
		$keys[] = ['name' => $entry['name'], 'phpLoads' => false, 'signatureOfProbe' => null];
	}
}

echo json_encode(
	[
		'php' => PHP_VERSION,
		'openssl' => OPENSSL_VERSION_TEXT,
		'probe' => PROBE,
		'signingKeys' => $signingKeys,
		'cases' => $cases,
		'keys' => $keys,
	],
	JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR,
), "\n";
