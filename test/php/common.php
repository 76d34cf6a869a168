<?php
/** What make-vectors.php and sign.php share: tagged values, and keys and signatures the seed's way. */

declare(strict_types=1);

/**
 * Tagged values survive JSON.parse in JavaScript: a map is {"$map": [[key, value], ...]}, a list
 * is a JSON array. Maps become PHP arrays, so "2" turns into the integer key 2 and keys 0..n-1
 * in order make a list, exactly as in a merchant's own PHP code.
 */
function fromTagged(mixed $tagged): mixed
{
	if (!is_array($tagged)) {
		return $tagged;
	}
	if (!array_is_list($tagged)) {
		if (array_keys($tagged) !== ['$map']) {
			throw new InvalidArgumentException('an object must be {"$map": [[key, value], ...]}');
		}
		$map = [];
		foreach ($tagged['$map'] as [$key, $value]) {
			$map[$key] = fromTagged($value);
		}
		return $map;
	}
	return array_map('fromTagged', $tagged);
}

/** Opens a key the way AliKassa's sample does: the password text as read, newline and all. */
function loadKeyLikeSeed(string $pem, string $password): OpenSSLAsymmetricKey
{
	$key = openssl_pkey_get_private($pem, $password);
	if ($key === false) {
		$errors = [];
		while (($error = openssl_error_string()) !== false) {
			$errors[] = $error;
		}
		throw new RuntimeException('Error cert.: ' . implode('; ', $errors));
	}
	return $key;
}

/** 'sha1' calls openssl_sign without an algorithm, as the seed does; SHA-1 is its default. */
function signLikeSeed(string $body, OpenSSLAsymmetricKey $key, string $hash): string
{
	$signed = match ($hash) {
		'sha1' => openssl_sign($body, $signature, $key),
		'sha256' => openssl_sign($body, $signature, $key, OPENSSL_ALGO_SHA256),
	};
	if (!$signed) {
		throw new RuntimeException("openssl_sign ($hash) failed: " . openssl_error_string());
	}
	return base64_encode($signature);
}

function encodeLikeSeed(mixed $value): string
{
	return json_encode($value, JSON_THROW_ON_ERROR);
}

function readJsonFile(string $path): mixed
{
	return json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
}
