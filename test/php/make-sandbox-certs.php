<?php
/**
 * Makes the sandbox certificate archives the way AliKassa's cabinet makes them: an RSA-2048
 * key exported by PHP with a random 32-character password, password.txt without a newline,
 * and public.pem. Run by hand only: `php test/php/make-sandbox-certs.php [--force]`.
 * Existing files are kept unless --force is given, because tests and fixtures depend on them.
 */

declare(strict_types=1);

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomPassword(int $length): string
{
	$password = '';
	for ($i = 0; $i < $length; $i++) {
		$password .= ALPHANUMERIC[random_int(0, strlen(ALPHANUMERIC) - 1)];
	}
	return $password;
}

function makeArchive(string $directory, bool $force): void
{
	$files = ['private.pem', 'password.txt', 'public.pem'];
	$existing = array_filter($files, fn ($file) => file_exists("$directory/$file"));
	if ($existing && !$force) {
		fwrite(STDERR, "$directory already holds " . implode(', ', $existing) . "; kept (use --force to replace)\n");
		return;
	}
	$key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
	if ($key === false) {
		throw new RuntimeException('openssl_pkey_new failed: ' . openssl_error_string());
	}
	$password = randomPassword(32);
	if (!openssl_pkey_export($key, $privatePem, $password)) {
		throw new RuntimeException('openssl_pkey_export failed: ' . openssl_error_string());
	}
	$publicPem = openssl_pkey_get_details($key)['key'];

	if (!is_dir($directory) && !mkdir($directory, 0755, true)) {
		throw new RuntimeException("cannot create $directory");
	}
	file_put_contents("$directory/private.pem", $privatePem);
	file_put_contents("$directory/password.txt", $password);
	file_put_contents("$directory/public.pem", $publicPem);
	fwrite(STDERR, "wrote $directory\n");
}

$force = in_array('--force', array_slice($argv, 1), true);
$certRoot = dirname(__DIR__, 2) . '/sandbox/cert';
foreach (['payout', 'notifications'] as $archive) {
	makeArchive("$certRoot/$archive", $force);
}
