package registry

import (
	"fmt"
	"testing"
)

func TestKnownNames(t *testing.T) {
	cases := []struct {
		f    func(uint16) string
		v    uint16
		want string
	}{
		{CipherSuite, 0x1301, "TLS_AES_128_GCM_SHA256"},
		{CipherSuite, 0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
		{CipherSuite, 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
		{CipherSuite, 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
		{CipherSuite, 0x1306, "TLS_AEGIS_256_SHA512"}, // supplement
		{CipherSuiteShort, 0x1301, "AES128-GCM-SHA256"},
		{CipherSuiteShort, 0x1302, "AES256-GCM-SHA384"},
		{CipherSuiteShort, 0x1303, "CHACHA20-POLY1305-SHA256"},
		{CipherSuiteShort, 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256"},
		{CipherSuiteShort, 0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305-SHA256"},
		{CipherSuiteShort, 0x002f, "RSA-AES128-CBC-SHA"},
		{CipherSuiteShort, 0xc0ae, "ECDHE-ECDSA-AES128-CCM8"},
		{CipherSuiteShort, 0x0a0a, "GREASE"},
		{CipherSuiteShort, 0x1234, "0x1234"},
		{Extension, 0x0000, "server_name"},
		{Extension, 0x0010, "application_layer_protocol_negotiation"},
		{Extension, 0x000a, "supported_groups"},
		{Extension, 0x0033, "key_share"},
		{Extension, 0x0029, "pre_shared_key"},
		{Extension, 0x002b, "supported_versions"},
		{Extension, 0xfe0d, "encrypted_client_hello"}, // supplement
		{Extension, 0xff01, "renegotiation_info"},
		{Group, 0x001d, "x25519"},
		{Group, 0x0017, "secp256r1"},
		{Group, 0x11ec, "X25519MLKEM768"}, // supplement
		{Group, 0x0200, "MLKEM512"},       // supplement overrides frodo640aes
		{Group, 0x0201, "MLKEM768"},
		{SignatureScheme, 0x0403, "ecdsa_secp256r1_sha256"},
		{SignatureScheme, 0x0804, "rsa_pss_rsae_sha256"},
		{SignatureScheme, 0x0807, "ed25519"},
		{SignatureScheme, 0xfe0d, "rsa3072_falcon512"}, // not the ECH extension
		{SignatureScheme, 0x0905, "mldsa65"},
		{SignatureScheme, 0x0303, "ecdsa_sha224"}, // correction
		{Version, 0x0300, "SSL 3.0"},
		{Version, 0x0301, "TLS 1.0"},
		{Version, 0x0302, "TLS 1.1"},
		{Version, 0x0303, "TLS 1.2"},
		{Version, 0x0304, "TLS 1.3"},
		{Version, 0xfeff, "DTLS 1.0"},
		{Version, 0xfefd, "DTLS 1.2"},
		{Version, 0xfefc, "DTLS 1.3"},
		{Version, 0x7f17, "TLS 1.3 draft 23"},
		{Version, 0x7f1d, "TLS 1.3 draft 29"}, // not in the data: rule
		{Version, 0x7f00, "TLS 1.3 draft 0"},
		{Version, 0x1a1a, "GREASE"},
		{Version, 0x0305, "0x0305"},
	}
	for _, c := range cases {
		if got := c.f(c.v); got != c.want {
			t.Errorf("0x%04x: got %q, want %q", c.v, got, c.want)
		}
	}
}

func TestGREASE(t *testing.T) {
	n := 0
	for v := 0; v <= 0xffff; v++ {
		g := IsGREASE(uint16(v))
		want := v>>8 == v&0xff && v&0x0f == 0x0a
		if g != want {
			t.Fatalf("IsGREASE(0x%04x) = %v", v, g)
		}
		if !g {
			continue
		}
		n++
		for _, f := range []func(uint16) string{CipherSuite, CipherSuiteShort, Extension, Group, SignatureScheme, Version} {
			if got := f(uint16(v)); got != "GREASE" {
				t.Errorf("0x%04x: got %q, want GREASE", v, got)
			}
		}
	}
	if n != 16 {
		t.Errorf("%d GREASE values, want 16", n)
	}
	for _, v := range []uint16{0x0a0a, 0x1a1a, 0xfafa} {
		if !IsGREASE(v) {
			t.Errorf("IsGREASE(0x%04x) = false", v)
		}
	}
	for _, v := range []uint16{0x0a1a, 0x0b0b, 0xaaab, 0x000a} {
		if IsGREASE(v) {
			t.Errorf("IsGREASE(0x%04x) = true", v)
		}
	}
}

func TestUnknown(t *testing.T) {
	for _, f := range []func(uint16) string{CipherSuite, Extension, Group, SignatureScheme} {
		if got := f(0x1234); got != "0x1234" {
			t.Errorf("got %q, want 0x1234", got)
		}
		if got := f(0xfff0); got != "0xfff0" {
			t.Errorf("got %q, want 0xfff0", got)
		}
	}
	if got := Extension(0x0099); got != "0x0099" {
		t.Errorf("got %q", got)
	}
	for _, f := range []func(uint8) string{Alert, HandshakeType, ContentType} {
		if got := f(0xee); got != "0xee" {
			t.Errorf("got %q, want 0xee", got)
		}
		if got := f(0x07); got != "0x07" {
			t.Errorf("got %q, want 0x07", got)
		}
	}
}

// rfcAlerts is every alert the registry knows, spelt as the RFC that
// defined it (RFC 8446 §6, RFC 5246 §7.2, RFC 6066, RFC 7301, RFC 7507,
// RFC 4279, ECH). Alerts RFC 8446 marks _RESERVED keep their original name
// (decryption_failed, no_certificate, ...): TLS 1.2 peers still send them.
var rfcAlerts = map[uint8]string{
	0: "close_notify", 1: "end_of_early_data", 10: "unexpected_message",
	20: "bad_record_mac", 21: "decryption_failed", 22: "record_overflow",
	30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate",
	42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
	45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter",
	48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	60: "export_restriction", 70: "protocol_version", 71: "insufficient_security",
	80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
	100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
	111: "certificate_unobtainable", 112: "unrecognized_name",
	113: "bad_certificate_status_response", 114: "bad_certificate_hash_value",
	115: "unknown_psk_identity", 116: "certificate_required",
	120: "no_application_protocol", 121: "ech_required",
}

// rfcHandshakeTypes: RFC 8446 §4, RFC 5246 §7.4, RFC 6347, RFC 9147,
// RFC 6066, RFC 8879, RFC 8870 and the IANA registry.
var rfcHandshakeTypes = map[uint8]string{
	0: "hello_request", 1: "client_hello", 2: "server_hello", 3: "hello_verify_request",
	4: "new_session_ticket", 5: "end_of_early_data", 6: "hello_retry_request",
	8: "encrypted_extensions", 9: "request_connection_id", 10: "new_connection_id",
	11: "certificate", 12: "server_key_exchange", 13: "certificate_request",
	14: "server_hello_done", 15: "certificate_verify", 16: "client_key_exchange",
	17: "client_certificate_request", 20: "finished", 21: "certificate_url",
	22: "certificate_status", 23: "supplemental_data", 24: "key_update",
	25: "compressed_certificate", 26: "ekt_key", 67: "next_protocol", 254: "message_hash",
}

var rfcContentTypes = map[uint8]string{
	20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data",
	24: "heartbeat", 25: "tls12_cid", 26: "ack",
}

func TestRFCNames(t *testing.T) {
	check := func(what string, f func(uint8) string, want map[uint8]string) {
		for v := 0; v < 256; v++ {
			w, ok := want[uint8(v)]
			if !ok {
				w = fmt.Sprintf("0x%02x", v)
			}
			if got := f(uint8(v)); got != w {
				t.Errorf("%s(%d) = %q, want %q", what, v, got, w)
			}
		}
	}
	check("Alert", Alert, rfcAlerts)
	check("HandshakeType", HandshakeType, rfcHandshakeTypes)
	check("ContentType", ContentType, rfcContentTypes)
}

func TestTablesSorted(t *testing.T) {
	for name, tab := range map[string][]entry{
		"cipherSuites": cipherSuites[:], "extensions": extensions[:], "groups": groups[:],
		"signatureSchemes": signatureSchemes[:], "versions": versions[:],
	} {
		for i := 1; i < len(tab); i++ {
			if tab[i-1].v >= tab[i].v {
				t.Errorf("%s not strictly sorted at %d", name, i)
			}
		}
	}
	if len(cipherSuitesShort) != len(cipherSuites) {
		t.Error("cipherSuitesShort not parallel to cipherSuites")
	}
}

func TestNoAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		_ = CipherSuite(0xc02f)
		_ = CipherSuiteShort(0x1301)
		_ = Extension(0x0033)
		_ = Group(0x11ec)
		_ = SignatureScheme(0x0804)
		_ = Version(0x0304)
		_ = Version(0x2a2a)
		_ = Alert(40)
		_ = HandshakeType(1)
		_ = ContentType(22)
	})
	if n != 0 {
		t.Errorf("known lookups allocate: %v per run", n)
	}
}

func BenchmarkCipherSuite(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = CipherSuite(uint16(i))
	}
}
