package model

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

func TestDefaultExportName(t *testing.T) {
	flow := func(id int, server, sni string) *Flow {
		f := &Flow{Flow: &decode.Flow{TLS: &decode.TLSFacts{TLSRare: &decode.TLSRare{}}, TCP: decode.TCPFacts{StreamFacts: &decode.StreamFacts{}}, ID: id}, Verdict: &Verdict{}}
		if server != "" {
			f.Server = netip.MustParseAddrPort(server)
		}
		if sni != "" {
			f.TLS.ClientHello = decode.NewClientHello(&tlswire.ClientHello{SNI: sni})
		}
		return f
	}
	long := strings.Repeat("a", 100) + ".example"
	tests := []struct {
		name string
		f    *Flow
		want string
	}{
		{"sni", flow(7, "192.0.2.1:443", "shop.example.com"), "shop.example.com_443_7.pcap"},
		{"ipv4 without sni", flow(12, "192.0.2.1:8443", ""), "192.0.2.1_8443_12.pcap"},
		{"ipv6 colons", flow(3, "[2001:db8::1]:443", ""), "2001-db8--1_443_3.pcap"},
		{"ipv6 zone", flow(3, "[fe80::1%eth0]:443", ""), "fe80--1_eth0_443_3.pcap"},
		{"ipv4-mapped ipv6", flow(4, "[::ffff:192.0.2.9]:443", ""), "192.0.2.9_443_4.pcap"},
		{"path traversal", flow(5, "192.0.2.1:443", "../../etc/passwd"), "etc_passwd_443_5.pcap"},
		{"leading dash", flow(6, "192.0.2.1:443", "-rf"), "rf_443_6.pcap"},
		{"hidden", flow(6, "192.0.2.1:443", ".bashrc"), "bashrc_443_6.pcap"},
		{"escape sequence", flow(8, "192.0.2.1:443", "a\x1b]52;c;ZXZpbA==\x07b"), "a_x1b_52_c_ZXZpbA_x07b_443_8.pcap"},
		{"unicode", flow(9, "192.0.2.1:443", "bücher.example"), "b_cher.example_443_9.pcap"},
		{"sni all unsafe falls back to ip", flow(10, "192.0.2.1:443", "//"), "192.0.2.1_443_10.pcap"},
		{"nothing known", flow(11, "", ""), "flow_0_11.pcap"},
		{"long", flow(123, "192.0.2.1:443", long), long[:80-len("_443_123.pcap")] + "_443_123.pcap"},
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DefaultExportName(tt.f)
			if got != tt.want {
				t.Errorf("DefaultExportName = %q, want %q", got, tt.want)
			}
			if len(got) > 80 || !safe.MatchString(got) {
				t.Errorf("%q is not a safe file name", got)
			}
		})
	}
}
