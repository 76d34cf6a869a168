#!/usr/bin/env bash
# Regenerates test/fixtures/keys: one RSA-2048 key in every wrapping AliKassa users may
# hold, an RSA-4096 key, and the hard cases the loader must name correctly. Run by hand
# (`bash test/php/make-keys.sh --force`), then `npm run fixtures`, because the PHP vectors
# sign with these keys. Keys are random, so existing fixtures are kept without --force.
set -euo pipefail

cd "$(dirname "$0")/../fixtures/keys"
if [[ -e manifest.json && "${1:-}" != "--force" ]]; then
	echo "test/fixtures/keys already exists; rerun with --force to replace every key" >&2
	exit 1
fi
rm -f -- *.pem *.txt manifest.json

alphanumeric_password() {
	openssl rand -base64 96 | tr -dc 'A-Za-z0-9' | head -c 32
}

# PHP's openssl_pkey_export is how AliKassa's cabinet writes private.pem (des-ede3-cbc).
php_export() { # plain.pem password out.pem
	php -r '
		$key = openssl_pkey_get_private(file_get_contents($argv[1]));
		openssl_pkey_export($key, $pem, $argv[2]) or exit(1);
		file_put_contents($argv[3], $pem);
	' "$@"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048-pkcs8.pem 2>/dev/null
openssl pkey -in rsa2048-pkcs8.pem -traditional -out rsa2048-pkcs1.pem
openssl pkey -in rsa2048-pkcs8.pem -pubout -out rsa2048-public.pem
openssl req -x509 -new -key rsa2048-pkcs8.pem -subj /CN=alikassa-fixture -days 3650 \
	-out rsa2048-certificate.pem

alphanumeric_password >rsa2048.password.txt
pass=file:rsa2048.password.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-aes256.pem
php_export rsa2048-pkcs8.pem "$(cat rsa2048.password.txt)" rsa2048-pkcs8-des3-php.pem
openssl rsa -in rsa2048-pkcs8.pem -traditional -aes256 -passout "$pass" \
	-out rsa2048-legacy-aes256.pem 2>/dev/null
openssl rsa -in rsa2048-pkcs8.pem -traditional -des3 -passout "$pass" \
	-out rsa2048-legacy-des3.pem 2>/dev/null
openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-pbes1-sha1-3des.pem
openssl pkcs8 -topk8 -scrypt -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-scrypt.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 100000 -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-pbkdf2-100000.pem
# One PBKDF2 round makes a wrong password cheap to try thousands of times.
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 1 -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-pbkdf2-1.pem

# What OpenSSL 3 keeps in its legacy provider (n8n's Node does not load it): the loader names
# these and gives the command that converts them, without trying to decrypt them.
legacy=(-provider legacy -provider default)
openssl pkcs8 -topk8 -v2 des-cbc "${legacy[@]}" -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-des-cbc.pem
openssl pkcs8 -topk8 -v1 PBE-SHA1-RC2-40 "${legacy[@]}" -in rsa2048-pkcs8.pem -passout "$pass" \
	-out rsa2048-pkcs8-pbes1-rc2-40.pem
openssl rsa -in rsa2048-pkcs8.pem -traditional -des "${legacy[@]}" -passout "$pass" \
	-out rsa2048-legacy-des.pem 2>/dev/null
openssl rsa -in rsa2048-pkcs8.pem -traditional -rc2-40 "${legacy[@]}" -passout "$pass" \
	-out rsa2048-legacy-rc2-40.pem 2>/dev/null

# password.txt ending in a newline, and a key encrypted with and without that newline.
# `pass:` hands OpenSSL the argument verbatim; `file:` would drop the newline.
newline_password="$(alphanumeric_password)"
printf '%s\n' "$newline_password" >password-newline.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa2048-pkcs8.pem -passout "pass:$newline_password"$'\n' \
	-out rsa2048-password-with-newline.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa2048-pkcs8.pem -passout "pass:$newline_password" \
	-out rsa2048-password-without-newline.pem

printf '%s' 'пароль-🔑-ключ' >password-non-ascii.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa2048-pkcs8.pem -passout file:password-non-ascii.txt \
	-out rsa2048-password-non-ascii.pem

alphanumeric_password >wrong.password.txt

head -n 12 rsa2048-pkcs8-aes256.pem >rsa2048-pkcs8-aes256-truncated.pem
tail -n 2 rsa2048-pkcs8-aes256.pem >>rsa2048-pkcs8-aes256-truncated.pem
head -n 12 rsa2048-pkcs1.pem >rsa2048-pkcs1-truncated.pem
tail -n 2 rsa2048-pkcs1.pem >>rsa2048-pkcs1-truncated.pem
# Whole 48-byte lines are whole cipher blocks: the cut ciphertext still decrypts and unpads.
head -n 12 rsa2048-legacy-aes256.pem >rsa2048-legacy-aes256-truncated.pem
tail -n 2 rsa2048-legacy-aes256.pem >>rsa2048-legacy-aes256-truncated.pem

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out rsa4096-plain.tmp 2>/dev/null
alphanumeric_password >rsa4096.password.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa4096-plain.tmp -passout file:rsa4096.password.txt \
	-out rsa4096-pkcs8-aes256.pem
rm rsa4096-plain.tmp

# The largest key the loader takes: signing with it is the slowest a credential can make it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:8192 -out rsa8192-pkcs8.pem 2>/dev/null

# Hostile: above the loader's 8192-bit limit. Generating it takes 5 to 20 minutes.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:16384 -out rsa16384-pkcs8.pem 2>/dev/null

openssl ecparam -name prime256v1 -genkey -noout -out ec-p256.pem
alphanumeric_password >ec.password.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in ec-p256.pem -passout file:ec.password.txt \
	-out ec-p256-pkcs8-aes256.pem

cat >garbage.txt <<'TEXT'
Hello! Here is the key from the AliKassa cabinet, as you asked:
password.txt private.pem public.pem
MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI
TEXT

cat >manifest.json <<'JSON'
[
	{ "name": "pkcs8-aes256", "file": "rsa2048-pkcs8-aes256.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 PBKDF2-HMAC-SHA256 aes-256-cbc (OpenSSL 3 default)", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-des3-php", "file": "rsa2048-pkcs8-des3-php.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 des-ede3-cbc (PHP openssl_pkey_export)", "bits": 2048, "expect": "ok" },
	{ "name": "legacy-aes256", "file": "rsa2048-legacy-aes256.pem", "passwordFile": "rsa2048.password.txt", "format": "legacy RSA PRIVATE KEY, Proc-Type/DEK-Info AES-256-CBC", "bits": 2048, "expect": "ok" },
	{ "name": "legacy-des3", "file": "rsa2048-legacy-des3.pem", "passwordFile": "rsa2048.password.txt", "format": "legacy RSA PRIVATE KEY, Proc-Type/DEK-Info DES-EDE3-CBC", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-pbes1-sha1-3des", "file": "rsa2048-pkcs8-pbes1-sha1-3des.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES1 PBE-SHA1-3DES", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-scrypt", "file": "rsa2048-pkcs8-scrypt.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 scrypt aes-256-cbc", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-pbkdf2-100000", "file": "rsa2048-pkcs8-pbkdf2-100000.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 PBKDF2 100 000 iterations aes-256-cbc", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-pbkdf2-1", "file": "rsa2048-pkcs8-pbkdf2-1.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 PBKDF2 1 iteration aes-256-cbc (cheap to attack with wrong passwords)", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs1-plain", "file": "rsa2048-pkcs1.pem", "passwordFile": null, "format": "unencrypted PKCS#1 RSA PRIVATE KEY", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-plain", "file": "rsa2048-pkcs8.pem", "passwordFile": null, "format": "unencrypted PKCS#8 PRIVATE KEY", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-plain-with-password", "file": "rsa2048-pkcs8.pem", "passwordFile": "rsa2048.password.txt", "format": "unencrypted PKCS#8 given a password anyway", "bits": 2048, "expect": "ok" },
	{ "name": "rsa4096-pkcs8-aes256", "file": "rsa4096-pkcs8-aes256.pem", "passwordFile": "rsa4096.password.txt", "format": "RSA-4096 PKCS#8 PBES2 aes-256-cbc", "bits": 4096, "expect": "ok" },
	{ "name": "rsa8192-plain", "file": "rsa8192-pkcs8.pem", "passwordFile": null, "format": "unencrypted PKCS#8 RSA-8192 (the largest the loader takes; committed because it takes a while to generate)", "bits": 8192, "expect": "ok" },
	{ "name": "password-with-newline", "file": "rsa2048-password-with-newline.pem", "passwordFile": "password-newline.txt", "format": "PKCS#8 aes-256-cbc encrypted with a password ending in \\n, password file keeps it", "bits": 2048, "expect": "ok" },
	{ "name": "password-without-newline", "file": "rsa2048-password-without-newline.pem", "passwordFile": "password-newline.txt", "format": "PKCS#8 aes-256-cbc encrypted without the \\n its password file ends in", "bits": 2048, "expect": "ok" },
	{ "name": "password-non-ascii", "file": "rsa2048-password-non-ascii.pem", "passwordFile": "password-non-ascii.txt", "format": "PKCS#8 aes-256-cbc with a UTF-8 password \"пароль-🔑-ключ\"", "bits": 2048, "expect": "ok" },
	{ "name": "pkcs8-des-cbc", "file": "rsa2048-pkcs8-des-cbc.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES2 PBKDF2 des-cbc (OpenSSL 3 legacy provider)", "bits": 2048, "expect": "legacy-cipher" },
	{ "name": "pkcs8-pbes1-rc2-40", "file": "rsa2048-pkcs8-pbes1-rc2-40.pem", "passwordFile": "rsa2048.password.txt", "format": "PKCS#8 PBES1 PKCS#12 PBE-SHA1-RC2-40 (OpenSSL 3 legacy provider)", "bits": 2048, "expect": "legacy-cipher" },
	{ "name": "legacy-des", "file": "rsa2048-legacy-des.pem", "passwordFile": "rsa2048.password.txt", "format": "legacy RSA PRIVATE KEY, Proc-Type/DEK-Info DES-CBC (OpenSSL 3 legacy provider)", "bits": 2048, "expect": "legacy-cipher" },
	{ "name": "legacy-rc2-40", "file": "rsa2048-legacy-rc2-40.pem", "passwordFile": "rsa2048.password.txt", "format": "legacy RSA PRIVATE KEY, Proc-Type/DEK-Info RC2-40-CBC (OpenSSL 3 legacy provider)", "bits": 2048, "expect": "legacy-cipher" },
	{ "name": "password-missing", "file": "rsa2048-pkcs8-aes256.pem", "passwordFile": null, "format": "PKCS#8 aes-256-cbc without its password", "bits": 2048, "expect": "password-missing" },
	{ "name": "wrong-password", "file": "rsa2048-pkcs8-aes256.pem", "passwordFile": "wrong.password.txt", "format": "PKCS#8 aes-256-cbc with another key's password", "bits": 2048, "expect": "wrong-password" },
	{ "name": "legacy-wrong-password", "file": "rsa2048-legacy-aes256.pem", "passwordFile": "wrong.password.txt", "format": "legacy AES-256 with another key's password", "bits": 2048, "expect": "wrong-password" },
	{ "name": "ec-plain", "file": "ec-p256.pem", "passwordFile": null, "format": "unencrypted SEC1 EC PRIVATE KEY (P-256)", "bits": 256, "expect": "not-rsa" },
	{ "name": "ec-pkcs8-aes256", "file": "ec-p256-pkcs8-aes256.pem", "passwordFile": "ec.password.txt", "format": "EC P-256 in encrypted PKCS#8", "bits": 256, "expect": "not-rsa" },
	{ "name": "public-key", "file": "rsa2048-public.pem", "passwordFile": null, "format": "public.pem (SubjectPublicKeyInfo)", "bits": 2048, "expect": "public-key" },
	{ "name": "certificate", "file": "rsa2048-certificate.pem", "passwordFile": null, "format": "self-signed X.509 certificate", "bits": 2048, "expect": "certificate" },
	{ "name": "garbage", "file": "garbage.txt", "passwordFile": null, "format": "text with no PEM block", "bits": null, "expect": "not-pem" },
	{ "name": "pkcs8-aes256-truncated", "file": "rsa2048-pkcs8-aes256-truncated.pem", "passwordFile": "rsa2048.password.txt", "format": "encrypted PKCS#8 with base64 lines missing from the middle", "bits": 2048, "expect": "damaged" },
	{ "name": "legacy-aes256-truncated", "file": "rsa2048-legacy-aes256-truncated.pem", "passwordFile": "rsa2048.password.txt", "format": "legacy AES-256 with base64 lines missing from the middle: only the decrypted text is broken, as with a wrong password", "bits": 2048, "expect": "wrong-password" },
	{ "name": "pkcs1-truncated", "file": "rsa2048-pkcs1-truncated.pem", "passwordFile": null, "format": "unencrypted PKCS#1 with base64 lines missing from the middle", "bits": 2048, "expect": "damaged" },
	{ "name": "rsa16384-plain", "file": "rsa16384-pkcs8.pem", "passwordFile": null, "format": "unencrypted PKCS#8 RSA-16384 (hostile: above 8192 bits; committed because it takes minutes to generate)", "bits": 16384, "expect": "too-many-bits" }
]
JSON
chmod 644 -- *
echo "wrote $(pwd); now run: npm run fixtures" >&2
