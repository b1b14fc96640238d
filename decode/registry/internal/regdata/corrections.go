package regdata

// corrections fix the CSVs where Wireshark's tables do not say what the
// TLS registries say. An empty name removes the row. Each line says why;
// the tests check the result against RFC/IANA names value by value.
var corrections = []struct {
	registry string
	value    uint16
	name     string
}{
	// handshake_types.csv mixes in SSLv2 message types (Wireshark keeps
	// them in the same value table). In a TLS handshake header these
	// values mean the TLS message (RFC 8446 §4, RFC 5246 §7.4, IANA).
	{"handshake_types", 0x00, "hello_request"},        // SSLv2 "Error"
	{"handshake_types", 0x02, "server_hello"},         // SSLv2 "Client Master Key"
	{"handshake_types", 0x03, "hello_verify_request"}, // SSLv2 "Client Finished"; RFC 6347
	{"handshake_types", 0x07, ""},                     // SSLv2 "Request Certificate"; unassigned in TLS
	{"handshake_types", 0x08, "encrypted_extensions"}, // SSLv2 "Client Certificate"
	{"handshake_types", 0x09, "request_connection_id"},
	{"handshake_types", 0x0a, "new_connection_id"}, // RFC 9147
	{"handshake_types", 0x11, "client_certificate_request"},
	{"handshake_types", 0x15, "certificate_url"}, // RFC 6066 (CSV "Client Certificate URL")
	{"handshake_types", 0x1a, "ekt_key"},         // RFC 8870
	{"handshake_types", 0x43, "next_protocol"},   // NPN draft; Wireshark labels it "Encrypted Extensions"
	{"handshake_types", 0xfe, "message_hash"},    // RFC 8446 §4.4.1

	// content_types.csv: IANA names for the DTLS/CID record types.
	{"content_types", 0x19, "tls12_cid"}, // RFC 9146 (CSV "Connection ID")
	{"content_types", 0x1a, "ack"},       // RFC 9147

	// versions.csv predates DTLS 1.3.
	{"versions", 0xfefc, "DTLS 1.3"}, // RFC 9147

	// signature_schemes.csv lacks the TLS 1.2 hash/signature pairs that
	// OpenSSL still offers (RFC 5246 §7.4.1.4.1); OpenSSL's names.
	{"signature_schemes", 0x0202, "dsa_sha1"},
	{"signature_schemes", 0x0301, "rsa_pkcs1_sha224"},
	{"signature_schemes", 0x0302, "dsa_sha224"},
	{"signature_schemes", 0x0303, "ecdsa_sha224"},
	{"signature_schemes", 0x0402, "dsa_sha256"},
	{"signature_schemes", 0x0502, "dsa_sha384"},
	{"signature_schemes", 0x0602, "dsa_sha512"},
}
