package model

import (
	"errors"
	"slices"
	"testing"
)

// FuzzParseFilter checks that parsing never panics, that errors are
// *FilterError with a position inside the expression, that the normalised
// form parses back to a filter that prints and matches the same, and that
// Match and FilterFlows agree with the reference matcher.
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		"", "api", "!api", "sni:api|www", `sni:"a b"|c`, "sni:*.example.com", "ip:10.0.0.0/8",
		"ip:2001:db8::/32 port:8000-8999", "outcome:alert|reset", "outcome:fail !outcome:nosh",
		"outcome:alert? outcome:no-sh", "version:>=1.2", "version:<1.2|1.3", "cipher:aes", "alpn:h2",
		"ja4:t13d", "ja3:771", "by:client", "starttls:smtp", "starttls:yes", "alert:unknown_ca",
		"alert:encrypted", "foo:bar", "ip:1.2.3.4/40", "port:x", `"unterminated`, `a\"b`, `"x\"y"`,
		"beef::1", "fe80::1%eth0", "ip:fe80::1%eth0", "!!", "!", "a|", "sni:", `""`, "\t\nSNI:X\r",
		`"!x" "sni:y" "a|b"`, "ip:::ffff:10.0.0.0/104", "10.0.0.1:443",
		"10.0.1", "443", "1.1", ".2", "5:44", "sni:ÄPI", `\x00`, "alpn:H2", "cipher:0x", "alert:0x0",
		"port:8443,9443", "a,b", `"a,b"`, "hs>1s", "hs:100ms-2s|>5s", "bytes>1MB", "bytes:1.5k-2GiB", "packets<10",
		"version>=1.2", "after:12:00", "before:2024-05-01T12:00:00+02:00", "after:23:59:59.999999999",
		"badge=ALERT", "sni~x", "sni!=x", "alert:unkown_ca", "badge:alert?", "starttls:smpt",
	} {
		f.Add(seed)
	}
	flows := append(testFlows(), variedFlows(300)...)
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := ParseFilter(expr)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFilter(%q): %T is not a *FilterError", expr, err)
			}
			if fe.Pos < 0 || fe.Pos > len(expr) || fe.Msg == "" {
				t.Fatalf("ParseFilter(%q): bad error %+v", expr, fe)
			}
			return
		}
		norm := flt.String()
		again, err := ParseFilter(norm)
		if err != nil {
			t.Fatalf("ParseFilter(%q) normalised to %q, which fails: %v", expr, norm, err)
		}
		if got := again.String(); got != norm {
			t.Fatalf("ParseFilter(%q): %q reprints as %q", expr, norm, got)
		}
		if again.Empty() != flt.Empty() {
			t.Fatalf("ParseFilter(%q): Empty changed after round trip", expr)
		}
		var want []int32
		for i := range flows {
			m := flt.Match(&flows[i])
			if m != again.Match(&flows[i]) {
				t.Fatalf("ParseFilter(%q) and its normalised %q disagree on flow %d", expr, norm, flows[i].ID)
			}
			if m != refMatch(flt, &flows[i]) {
				t.Fatalf("ParseFilter(%q): Match disagrees with the reference on flow %d", expr, flows[i].ID)
			}
			if m {
				want = append(want, int32(i))
			}
		}
		if got := FilterFlows(flows, flt, false); !slices.Equal(got, want) {
			t.Fatalf("ParseFilter(%q): FilterFlows gives %v, Match %v", expr, got, want)
		}
	})
}
