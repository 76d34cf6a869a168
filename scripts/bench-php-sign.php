<?php
/**
 * AliKassa's PHP sample signing in a loop, for `npm run bench`. stdin: {"pem", "password",
 * "body", "hash": "sha1"|"sha256", "seconds"}; stdout: {"signatures", "seconds", "signature"},
 * "signature" being that of "body", so the bench can check PHP signed the same bytes as Node.
 */

declare(strict_types=1);

require __DIR__ . '/../test/php/common.php';

$input = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$key = loadKeyLikeSeed($input['pem'], $input['password']);
// The first signature is left out of the timing, as the bench does for Node's engines.
$signature = signLikeSeed($input['body'], $key, $input['hash']);

$budgetNs = $input['seconds'] * 1e9;
$startedNs = hrtime(true);
$signatures = 0;
do {
	signLikeSeed($input['body'], $key, $input['hash']);
	$signatures++;
	$elapsedNs = hrtime(true) - $startedNs;
} while ($elapsedNs < $budgetNs);

echo json_encode(
	['signatures' => $signatures, 'seconds' => $elapsedNs / 1e9, 'signature' => $signature],
	JSON_THROW_ON_ERROR,
);
