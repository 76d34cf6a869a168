<?php
/**
 * Live PHP signer for the tests. stdin: {"pem", "password", "cases": [{"value": <tagged>,
 * "hash": "sha1"|"sha256"}]}; stdout: {"results": [{"json", "signature"}]}, each json being
 * json_encode(value) and each signature the seed's openssl_sign over it, base64.
 */

declare(strict_types=1);

require __DIR__ . '/common.php';

$input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$key = loadKeyLikeSeed($input['pem'], $input['password']);
$results = [];
foreach ($input['cases'] as $case) {
	$json = encodeLikeSeed(fromTagged($case['value']));
	$results[] = ['json' => $json, 'signature' => signLikeSeed($json, $key, $case['hash'])];
}
echo json_encode(['results' => $results], JSON_THROW_ON_ERROR);
