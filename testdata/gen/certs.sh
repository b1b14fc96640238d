#!/usr/bin/env bash
# certs.sh DIR — make the test PKI with openssl into DIR (fresh keys every run).
#   ca.pem / ca.key          private root CA "PCAP Surgery Test Root" (EC P-256)
#   inter.pem / inter.key    intermediate CA signed by the root (EC P-256)
#   leaf.pem / leaf.key      RSA-2048 leaf for *.pcapsurgery.test, pcapsurgery.test (signed by inter)
#   chain.pem                leaf + intermediate (what servers send)
#   expired.pem / .key       like leaf, valid 2020-01-01 .. 2021-01-01 (chain: expired-chain.pem)
#   wrong.pem / .key         leaf for wrong-name.example.invalid only (chain: wrong-chain.pem)
#   self.pem / self.key      self-signed RSA-2048 cert for self.pcapsurgery.test
#   other-ca.pem             an unrelated root CA (clients that trust only it reject everything)
#   client.pem / client.key  a client certificate signed by inter (for mutual TLS)
set -euo pipefail
D=${1:?usage: certs.sh DIR}
mkdir -p "$D"; cd "$D"
SUBJ="/O=PCAP Surgery Test"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

cat > ca.ext <<'X'
[v3_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:*.pcapsurgery.test,DNS:pcapsurgery.test
authorityKeyIdentifier=keyid
[wrong]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:wrong-name.example.invalid
authorityKeyIdentifier=keyid
[self]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:self.pcapsurgery.test
[client]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
authorityKeyIdentifier=keyid
X

ec ca.key
openssl req -x509 -new -key ca.key -subj "$SUBJ/CN=PCAP Surgery Test Root" -days 3650 \
  -config /dev/null -extensions v3_ca -extfile ca.ext -out ca.pem 2>/dev/null || \
openssl req -x509 -new -key ca.key -subj "$SUBJ/CN=PCAP Surgery Test Root" -days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem
ec other-ca.key
openssl req -x509 -new -key other-ca.key -subj "/O=Someone Else/CN=Unrelated Test Root" -days 3650 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out other-ca.pem

ec inter.key
openssl req -new -key inter.key -subj "$SUBJ/CN=PCAP Surgery Test Intermediate" -out inter.csr
openssl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3000 \
  -extfile ca.ext -extensions v3_ca -out inter.pem 2>/dev/null

rsa leaf.key
openssl req -new -key leaf.key -subj "$SUBJ/CN=pcapsurgery.test" -out leaf.csr
openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 825 \
  -extfile ca.ext -extensions leaf -out leaf.pem 2>/dev/null
cat leaf.pem inter.pem > chain.pem

rsa wrong.key
openssl req -new -key wrong.key -subj "$SUBJ/CN=wrong-name.example.invalid" -out wrong.csr
openssl x509 -req -in wrong.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 825 \
  -extfile ca.ext -extensions wrong -out wrong.pem 2>/dev/null
cat wrong.pem inter.pem > wrong-chain.pem

rsa client.key
openssl req -new -key client.key -subj "$SUBJ/CN=client.pcapsurgery.test" -out client.csr
openssl x509 -req -in client.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 825 \
  -extfile ca.ext -extensions client -out client.pem 2>/dev/null

rsa self.key
openssl req -x509 -new -key self.key -subj "$SUBJ/CN=self.pcapsurgery.test" -days 825 \
  -config /dev/null -extensions self -extfile ca.ext -out self.pem 2>/dev/null || \
openssl req -x509 -new -key self.key -subj "$SUBJ/CN=self.pcapsurgery.test" -days 825 -addext subjectAltName=DNS:self.pcapsurgery.test -out self.pem

# expired leaf: openssl ca lets us choose start and end dates in the past
rsa expired.key
openssl req -new -key expired.key -subj "$SUBJ/CN=expired.pcapsurgery.test" -out expired.csr
mkdir -p cadb; : > cadb/index.txt; echo 1000 > cadb/serial
cat > ca.cnf <<X
[ca]
default_ca=inter
[inter]
dir=$D/cadb
database=\$dir/index.txt
serial=\$dir/serial
new_certs_dir=\$dir
certificate=$D/inter.pem
private_key=$D/inter.key
default_md=sha256
policy=pol
copy_extensions=none
unique_subject=no
[pol]
commonName=supplied
organizationName=optional
[expired]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:*.pcapsurgery.test,DNS:pcapsurgery.test
authorityKeyIdentifier=keyid
X
openssl ca -batch -config ca.cnf -in expired.csr -out expired.pem -notext \
  -startdate 20200101000000Z -enddate 20210101000000Z -extensions expired 2>/dev/null
cat expired.pem inter.pem > expired-chain.pem
cat inter.pem ca.pem > ca-bundle.pem
echo "certs in $D"
