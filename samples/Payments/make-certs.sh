#!/usr/bin/env bash
# Makes the Payments sample's private CA and FxRates' server certificate with openssl, as a user would for an internal API:
#   DIR/ca.crt (+ ca.key, mode 0600)           the private CA; the app trusts it through SSL_CERT_FILE=DIR/ca.crt
#   DIR/fxrates.crt, DIR/fxrates.key (0600)     FxRates' certificate for 127.0.0.1 and localhost, signed by the CA
# Usage: samples/Payments/make-certs.sh DIR      (kept when they exist already)
set -euo pipefail
dir="${1:?usage: make-certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"
if [[ -f ca.crt && -f fxrates.crt && -f fxrates.key ]]; then
  exit 0
fi
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Payments sample private CA" \
  -keyout ca.key -out ca.crt -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=fxrates" -keyout fxrates.key -out fxrates.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > fxrates.ext
openssl x509 -req -in fxrates.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile fxrates.ext -out fxrates.crt 2>/dev/null
rm -f fxrates.csr fxrates.ext ca.srl
chmod 0644 ca.crt fxrates.crt
