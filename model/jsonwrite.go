package model

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Helpers for appendFlow (jsonflow.go): each writes exactly what
// encoding/json writes for the same value, which TestAppendFlowMatchesEncodingJSON
// and TestEscapesMatchEncodingJSON hold it to.

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
	if a.Decrypted {
		b = appendKeyBool(b, "decrypted", true)
	}
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
	if c.SignatureNotChecked != "" {
		b = appendKeyString(b, "signature_not_checked", c.SignatureNotChecked)
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
	base := false // as in Printable: a combining mark needs a visible character before it
	for i := 0; i < len(s); {
		if j := plainASCII(s, i); j > i { // what the default case below writes, a run at a time
			b = append(b, s[i:j]...)
			base = true
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b = append(b, `\ufffd`...)
			base = false
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
			base = true
		case r == '<' || r == '>' || r == '&':
			b = appendUEscape(b, r)
			base = true
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || hiddenOrDisputed(r, base):
			b = appendUEscape(b, r)
			base = false
		default:
			b = append(b, s[i:i+size]...)
			base = true
		}
		i += size
	}
	return append(b, '"')
}

// plainASCII returns the end of the run of printable ASCII bytes at s[i:]
// that JSON text writes as they are (not " \\ < > &).
func plainASCII(s string, i int) int {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return i
		}
	}
	return i
}

// appendUEscape writes r as \uXXXX, or as a UTF-16 surrogate pair
// (\udb40\udc01) above U+FFFF, as JSON requires.
func appendUEscape(b []byte, r rune) []byte {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return appendUEscape(appendUEscape(b, hi), lo)
	}
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
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

func appendDecryption(b []byte, d *DecryptionReport) []byte {
	b = append(b, `{"records":[`...)
	b = strconv.AppendInt(b, int64(d.Records[0]), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(d.Records[1]), 10)
	b = append(b, ']')
	if d.Error != "" {
		b = appendText(appendKey(b, "error"), d.Error)
	}
	if d.ALPN != "" {
		b = appendText(appendKey(b, "alpn"), d.ALPN)
	}
	b = appendKeyBool(b, "early_data_accepted", d.EarlyDataAccepted)
	b = appendKey(b, "client_certificates")
	if d.ClientCertificates == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*d.ClientCertificates), 10)
	}
	b = appendKey(b, "app_protocol")
	b = append(b, '[')
	b = appendString(b, d.AppProtocol[0])
	b = append(b, ',')
	b = appendString(b, d.AppProtocol[1])
	return append(b, ']', '}')
}
