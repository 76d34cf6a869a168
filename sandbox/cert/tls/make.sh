#!/bin/sh
# Test-only TLS for the sandbox (`--tls`): a CA and a server certificate for 127.0.0.1, ::1 and
# localhost, valid for 100 years. Public test material: never trust this CA outside tests.
set -eu
cd "$(dirname "$0")"
conf=$(mktemp)
trap 'rm -f "$conf" server.csr ca.srl ca-key.pem' EXIT
cat >"$conf" <<'CONF'
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
CONF
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj '/CN=AliKassa sandbox test CA' \
	-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
	-keyout ca-key.pem -out ca.pem
openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server-key.pem -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 36500 \
	-extfile "$conf" -extensions server -out server.pem
