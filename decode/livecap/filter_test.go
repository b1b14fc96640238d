package livecap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/net/bpf"
)

// frame describes a crafted packet; build makes its bytes and want says,
// independently of the compiler, whether a filter should keep it.
type frame struct {
	name     string
	v6, vlan bool
	proto    uint8 // 6 tcp, 17 udp, 1 icmp
	src, dst string
	sport    uint16
	dport    uint16
	ipOpts   int    // IPv4 option words (IHL above 5)
	fragOff  uint16 // IPv4 fragment offset in 8-byte units
	nonIP    bool   // an ARP frame
}

func (fr frame) build(link Link) []byte {
	var b []byte
	if link == LinkEthernet {
		b = append(b, make([]byte, 12)...)
		if fr.vlan {
			b = binary.BigEndian.AppendUint16(b, 0x8100)
			b = binary.BigEndian.AppendUint16(b, 42)
		}
		switch {
		case fr.nonIP:
			b = binary.BigEndian.AppendUint16(b, 0x0806)
			return append(b, make([]byte, 28)...)
		case fr.v6:
			b = binary.BigEndian.AppendUint16(b, 0x86dd)
		default:
			b = binary.BigEndian.AppendUint16(b, 0x0800)
		}
	}
	src, dst := netip.MustParseAddr(fr.src).AsSlice(), netip.MustParseAddr(fr.dst).AsSlice()
	l4 := make([]byte, 20)
	binary.BigEndian.PutUint16(l4[0:], fr.sport)
	binary.BigEndian.PutUint16(l4[2:], fr.dport)
	if fr.v6 {
		ip := make([]byte, 40)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(len(l4)))
		ip[6], ip[7] = fr.proto, 64
		copy(ip[8:], src)
		copy(ip[24:], dst)
		return append(append(b, ip...), l4...)
	}
	hl := 20 + 4*fr.ipOpts
	ip := make([]byte, hl)
	ip[0] = 0x40 | byte(hl/4)
	binary.BigEndian.PutUint16(ip[2:], uint16(hl+len(l4)))
	binary.BigEndian.PutUint16(ip[6:], fr.fragOff)
	ip[8], ip[9] = 64, fr.proto
	copy(ip[12:], src)
	copy(ip[16:], dst)
	return append(append(b, ip...), l4...)
}

// want evaluates the parsed filter on the frame's description.
func (fr frame) want(n *node) bool {
	if n == nil {
		return true
	}
	if fr.nonIP {
		return false
	}
	switch n.kind {
	case nodeAnd:
		return fr.want(n.a) && fr.want(n.b)
	case nodeOr:
		return fr.want(n.a) || fr.want(n.b)
	case nodeNot:
		return !fr.want(n.a)
	case nodeTCP:
		return fr.proto == 6
	case nodePort:
		return (fr.proto == 6 || fr.proto == 17) && fr.fragOff == 0 && (fr.sport == n.port || fr.dport == n.port)
	case nodeNet:
		return n.net.Contains(netip.MustParseAddr(fr.src)) || n.net.Contains(netip.MustParseAddr(fr.dst))
	}
	panic("unknown node")
}

var frames = []frame{
	{name: "v4 tcp 443", proto: 6, src: "10.0.0.1", dst: "192.168.1.9", sport: 50000, dport: 443},
	{name: "v4 tcp 443 reply", proto: 6, src: "192.168.1.9", dst: "10.0.0.1", sport: 443, dport: 50000},
	{name: "v4 tcp 8443 vlan", vlan: true, proto: 6, src: "10.1.2.3", dst: "172.16.0.5", sport: 40000, dport: 8443},
	{name: "v4 udp 443 (quic)", proto: 17, src: "10.0.0.2", dst: "8.8.8.8", sport: 5353, dport: 443},
	{name: "v4 tcp with options", proto: 6, ipOpts: 2, src: "10.9.9.9", dst: "10.0.0.1", sport: 443, dport: 1234},
	{name: "v4 later fragment", proto: 6, fragOff: 100, src: "10.0.0.1", dst: "192.168.1.9", sport: 443, dport: 443},
	{name: "v4 icmp", proto: 1, src: "10.0.0.1", dst: "10.0.0.3"},
	{name: "v6 tcp 443", v6: true, proto: 6, src: "2001:db8::1", dst: "2001:db8:1::2", sport: 51000, dport: 443},
	{name: "v6 tcp 8443 vlan", v6: true, vlan: true, proto: 6, src: "fe80::1", dst: "2001:db8::9", sport: 8443, dport: 6000},
	{name: "v6 udp 53", v6: true, proto: 17, src: "2001:db8::1", dst: "2001:4860::8888", sport: 6000, dport: 53},
	{name: "arp", nonIP: true},
}

var filters = []string{
	"", "tcp", "port 443", "port 8443", "not port 443", "tcp and port 443", "tcp or port 53",
	"host 10.0.0.1", "host 192.168.1.9 and port 443", "host 2001:db8::1", "host ::ffff:10.0.0.1",
	"net 10.0.0.0/8", "net 10.0.0.0/24", "net 172.16.0.0/12 or net 2001:db8::/32",
	"net 2001:db8:1::/48", "net 0.0.0.0/0", "net ::/0", "net 10.1.0.0/15",
	"not (tcp or port 53)", "(port 443 or port 8443) and not host 10.0.0.2",
	"not not tcp", "tcp and (host 10.9.9.9 or net 2001:db8::/64)", "PORT 443 AND TCP",
}

// TestFilterMatchesCraftedFrames runs every compiled filter over every
// crafted frame (both link types, IPv4 and IPv6, with and without a VLAN
// tag) in the BPF interpreter and compares with an evaluation of the filter
// on the frame's description.
func TestFilterMatchesCraftedFrames(t *testing.T) {
	for _, text := range filters {
		f, err := ParseFilter(text)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", text, err)
		}
		for _, link := range []Link{LinkEthernet, LinkRawIP} {
			prog, err := f.Compile(link)
			if err != nil {
				t.Fatalf("%q: Compile: %v", text, err)
			}
			if _, err := bpf.Assemble(prog); err != nil {
				t.Fatalf("%q: Assemble: %v", text, err)
			}
			vm, err := bpf.NewVM(prog)
			if err != nil {
				t.Fatalf("%q: NewVM: %v", text, err)
			}
			for _, fr := range frames {
				if link == LinkRawIP && (fr.vlan || fr.nonIP) {
					continue
				}
				n, err := vm.Run(fr.build(link))
				if err != nil {
					t.Fatalf("%q on %s: %v", text, fr.name, err)
				}
				if got, want := n > 0, fr.want(f.root); got != want {
					t.Errorf("filter %q, link %d, frame %s: kept %v, want %v", text, link, fr.name, got, want)
				}
			}
		}
	}
}

// TestFilterSpotChecks pins a few answers by hand, so the reference
// evaluator above cannot drift with the compiler unnoticed.
func TestFilterSpotChecks(t *testing.T) {
	for _, c := range []struct {
		filter string
		frame  int
		keep   bool
	}{
		{"port 443", 0, true}, {"port 443", 6, false}, {"port 443", 5, false}, {"port 443", 4, true},
		{"port 443", 3, true}, {"tcp and port 443", 3, false}, {"port 8443", 8, true},
		{"host 10.0.0.1", 1, true}, {"host 10.0.0.1", 7, false}, {"net 2001:db8::/32", 7, true},
		{"not tcp", 10, false}, {"", 10, true},
	} {
		f, err := ParseFilter(c.filter)
		if err != nil {
			t.Fatal(err)
		}
		prog, _ := f.Compile(LinkEthernet)
		vm, _ := bpf.NewVM(prog)
		n, _ := vm.Run(frames[c.frame].build(LinkEthernet))
		if (n > 0) != c.keep {
			t.Errorf("%q on %s: kept %v, want %v", c.filter, frames[c.frame].name, n > 0, c.keep)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, c := range []struct{ text, says string }{
		{"port", `port needs a number from 1 to 65535, got ""`},
		{"port 70000", "port needs a number"},
		{"port https", `got "https"`},
		{"host example.com", "names are not looked up"},
		{"net 10.0.0.1", "prefix length"},
		{"udp", `unknown word "udp"`},
		{"tcp port 443", `unexpected "port" after a complete filter`},
		{"(tcp", "'(' is not closed"},
		{"tcp)", `unexpected ")"`},
		{"tcp and", "ends where a term was expected"},
		{strings.Repeat("not ", 40) + "tcp", "nested too deeply"},
		{strings.Repeat("tcp or ", 200) + "tcp", "too long"},
	} {
		_, err := ParseFilter(c.text)
		var fe *FilterError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseFilter(%q) = %v, want a FilterError saying %q", c.text, err, c.says)
		}
	}
}

// TestFilterLongJumps: a filter long enough that its jumps pass the 8-bit
// offset of a conditional still compiles (through trampolines) and matches
// right at both ends.
func TestFilterLongJumps(t *testing.T) {
	hosts := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("host 2001:db8::%x", i+1))
		}
		return strings.Join(parts, " or ")
	}
	f, err := ParseFilter("tcp and (" + hosts(40) + ")")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := f.Compile(LinkEthernet)
	if err != nil {
		t.Fatalf("Compile of 40 IPv6 hosts: %v", err)
	}
	if len(prog) < 600 {
		t.Fatalf("only %d instructions: the test does not reach long jumps", len(prog))
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dst  string
		keep bool
	}{{"2001:db8::1", true}, {"2001:db8::28", true}, {"2001:db8::29", false}, {"2001:db9::1", false}} {
		fr := frame{v6: true, proto: 6, src: "2001:db8:ffff::1", dst: c.dst, sport: 1, dport: 2}
		for _, vlan := range []bool{false, true} {
			fr.vlan = vlan
			if n, _ := vm.Run(fr.build(LinkEthernet)); (n > 0) != c.keep {
				t.Errorf("to %s (vlan %v): kept %v, want %v", c.dst, vlan, n > 0, c.keep)
			}
		}
	}
	// The longest filter the parser takes stays under the kernel's 4096
	// instructions (resolve refuses more, with a message).
	f, _ = ParseFilter(hosts(85))
	if prog, err = f.Compile(LinkEthernet); err != nil {
		t.Fatalf("Compile of 85 IPv6 hosts: %v", err)
	}
	vm, _ = bpf.NewVM(prog)
	last := frame{v6: true, proto: 17, src: "2001:db8::55", dst: "2001:db8:ffff::1"}
	if n, _ := vm.Run(last.build(LinkEthernet)); n == 0 {
		t.Errorf("85 IPv6 hosts (%d instructions): a packet from the last one is not kept", len(prog))
	}
}
