package model

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendReport writes r as one JSON line, byte for byte what encoding/json's
// Encoder writes for it (TestAppendReportMatchesEncodingJSON holds it to
// that), but without reflection: `summary --json` on a busy capture writes
// ~3 KB per flow, and encoding/json was slower than decoding the capture.
func appendReport(b []byte, r *FlowReport) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(r.ID), 10)
	b = appendKeyString(b, "client", r.Client)
	b = appendKeyString(b, "server", r.Server)
	b = appendKeyString(b, "client_inferred_by", r.ClientBy)
	b = appendKeyString(b, "start", r.Start)
	b = appendKeyString(b, "end", r.End)
	b = appendKeyInt(b, "packets", int64(r.Packets))
	b = appendKeyInt(b, "bytes", r.Bytes)
	b = appendKeyString(b, "outcome", string(r.Outcome))
	b = appendKeyString(b, "badge", r.Badge)
	b = appendKeyString(b, "stage", string(r.Stage))
	b = appendKeyOptional(b, "who", r.Who)
	b = appendKey(b, "diagnosis")
	b = appendText(b, string(r.Diagnosis))
	b = appendKeyString(b, "history", r.History)
	b = appendKeyOptional(b, "starttls", r.StartTLS)
	b = appendKeyOptional(b, "not_tls", r.NotTLS)
	b = appendKey(b, "client_hello")
	b = appendClientHello(b, r.ClientHello)
	b = appendKey(b, "server_hello")
	b = appendServerHello(b, r.ServerHello)
	b = appendKeyBool(b, "resumed", r.Resumed)
	b = appendKey(b, "alerts")
	b = appendList(b, r.Alerts, appendAlert)
	b = appendKeyOptional(b, "reset_by", r.ResetBy)
	b = appendKey(b, "certificates")
	b = appendList(b, r.Certs, appendCert)
	b = appendKeyString(b, "ja4", r.JA4)
	b = appendKeyString(b, "ja3", r.JA3)
	b = appendKeyString(b, "ja3s", r.JA3S)
	b = appendKey(b, "handshake_ms")
	if r.HandshakeMS == nil {
		b = append(b, "null"...)
	} else {
		b = appendFloat(b, *r.HandshakeMS)
	}
	b = appendKey(b, "problems")
	b = appendList(b, r.Problems, func(b []byte, t Text) []byte { return appendText(b, string(t)) })
	return append(b, "}\n"...)
}

func appendClientHello(b []byte, c *ClientHelloReport) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"legacy_version":`...)
	b = appendString(b, c.LegacyVersion)
	b = appendKey(b, "versions")
	b = appendList(b, c.Versions, appendString)
	b = appendKey(b, "cipher_suites")
	b = appendList(b, c.CipherSuites, appendCodeName)
	b = appendKey(b, "extensions")
	b = appendList(b, c.Extensions, appendCodeName)
	b = appendKey(b, "sni")
	b = appendText(b, string(c.SNI))
	b = appendKey(b, "alpn")
	b = appendList(b, c.ALPN, func(b []byte, t Text) []byte { return appendText(b, string(t)) })
	b = appendKey(b, "groups")
	b = appendList(b, c.Groups, appendCodeName)
	b = appendKey(b, "key_shares")
	b = appendList(b, c.KeyShares, appendCodeName)
	b = appendKey(b, "signature_algorithms")
	b = appendList(b, c.SigAlgs, appendCodeName)
	b = appendKeyString(b, "session_id", c.SessionID)
	b = appendKeyBool(b, "sslv2", c.SSLv2)
	b = appendKeyBool(b, "truncated", c.Truncated)
	b = appendKeyInt(b, "length", int64(c.Length))
	b = appendKeyInt(b, "segments", int64(c.Segments))
	return append(b, '}')
}

func appendServerHello(b []byte, s *ServerHelloReport) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"version":`...)
	b = appendString(b, s.Version)
	b = appendKey(b, "cipher_suite")
	b = appendCodeName(b, s.CipherSuite)
	b = appendKey(b, "alpn")
	b = appendText(b, string(s.ALPN))
	b = appendKey(b, "group")
	b = appendOptionalCodeName(b, s.Group)
	b = appendKeyBool(b, "hello_retry", s.HelloRetry)
	b = appendKey(b, "hello_retry_group")
	b = appendOptionalCodeName(b, s.RetryGroup)
	return append(b, '}')
}

func appendAlert(b []byte, a AlertReport) []byte {
	b = append(b, `{"from":`...)
	b = appendString(b, a.From)
	b = appendKeyString(b, "level", a.Level)
	b = appendKeyString(b, "description", a.Description)
	b = appendKeyInt(b, "code", int64(a.Code))
	b = appendKeyBool(b, "encrypted", a.Encrypted)
	b = appendKeyString(b, "after", a.After)
	b = appendKeyString(b, "time", a.Time)
	return append(b, '}')
}

func appendCert(b []byte, c CertReport) []byte {
	b = append(b, `{"subject":`...)
	b = appendText(b, string(c.Subject))
	b = appendKey(b, "issuer")
	b = appendText(b, string(c.Issuer))
	b = appendKey(b, "sans")
	b = appendList(b, c.SANs, func(b []byte, t Text) []byte { return appendText(b, string(t)) })
	b = appendKeyString(b, "not_before", c.NotBefore)
	b = appendKeyString(b, "not_after", c.NotAfter)
	b = appendKeyString(b, "key_type", c.KeyType)
	if c.Error != "" {
		b = appendKey(b, "error")
		b = appendText(b, string(c.Error))
	}
	return append(b, '}')
}

func appendCodeName(b []byte, c CodeName) []byte {
	b = append(b, `{"code":`...)
	b = strconv.AppendUint(b, uint64(c.Code), 10)
	b = appendKeyString(b, "name", c.Name)
	return append(b, '}')
}

func appendOptionalCodeName(b []byte, c *CodeName) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	return appendCodeName(b, *c)
}

// appendList writes a JSON array; a nil slice is null, as encoding/json writes it.
func appendList[T any](b []byte, l []T, each func([]byte, T) []byte) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, v)
	}
	return append(b, ']')
}

func appendKey(b []byte, k string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendKeyString(b []byte, k, v string) []byte { return appendString(appendKey(b, k), v) }

func appendKeyInt(b []byte, k string, v int64) []byte {
	return strconv.AppendInt(appendKey(b, k), v, 10)
}

func appendKeyBool(b []byte, k string, v bool) []byte { return strconv.AppendBool(appendKey(b, k), v) }

func appendKeyOptional(b []byte, k string, v *string) []byte {
	b = appendKey(b, k)
	if v == nil {
		return append(b, "null"...)
	}
	return appendString(b, *v)
}

const hexDigits = "0123456789abcdef"

// appendString escapes as encoding/json does with HTML escaping on.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendText is Text.MarshalJSON as the Encoder passes it on: every control
// and format character as \uXXXX, and <, >, & HTML-escaped.
func appendText[S ~string](b []byte, str S) []byte {
	s := string(str)
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b = append(b, `\ufffd`...)
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '<' || r == '>' || r == '&' || r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || unsafeFormatRune(r):
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// appendFloat formats as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b) - start
		if n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b
}
