// Package livecap captures packets from a network interface without libpcap
// or cgo: an AF_PACKET socket (Linux) with a kernel BPF program compiled from
// a small filter language, written out as a pcap stream that the capture
// readers take like a pipe from tcpdump -U -w -.
package livecap

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Limits keep a hostile or mistyped filter from costing more than a moment.
const (
	maxFilterTokens = 256
	maxFilterDepth  = 32
)

// A FilterError is a filter the language does not accept; its text says
// where and what was expected.
type FilterError struct{ Msg string }

func (e *FilterError) Error() string { return "filter: " + e.Msg }

func filterErr(format string, a ...any) error { return &FilterError{Msg: fmt.Sprintf(format, a...)} }

type nodeKind int

const (
	nodeAnd nodeKind = iota
	nodeOr
	nodeNot
	nodeTCP
	nodePort
	nodeNet // host is a net with a full-length prefix
)

// node is one part of a parsed filter.
type node struct {
	kind nodeKind
	a, b *node
	port uint16
	net  netip.Prefix
}

// Filter is a parsed capture filter; the zero Filter (from "") keeps every
// packet.
type Filter struct {
	root *node
	text string
}

// String is the filter as given.
func (f Filter) String() string { return f.text }

// Empty reports whether the filter keeps every packet.
func (f Filter) Empty() bool { return f.root == nil }

// ParseFilter reads the filter language: `tcp`, `port N`, `host ADDR`,
// `net CIDR` (IPv4 or IPv6), joined with `and`, `or`, `not` and parentheses;
// `and` binds tighter than `or`, as in tcpdump.
func ParseFilter(text string) (Filter, error) {
	toks := tokenize(text)
	if len(toks) == 0 {
		return Filter{text: text}, nil
	}
	if len(toks) > maxFilterTokens {
		return Filter{}, filterErr("too long (%d words; at most %d)", len(toks), maxFilterTokens)
	}
	p := &parser{toks: toks}
	root, err := p.or(0)
	if err != nil {
		return Filter{}, err
	}
	if p.pos < len(toks) {
		return Filter{}, filterErr("unexpected %q after a complete filter (join filters with 'and' or 'or')", toks[p.pos])
	}
	return Filter{root: root, text: text}, nil
}

func tokenize(s string) []string {
	s = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s)
	return strings.Fields(s)
}

type parser struct {
	toks []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *parser) or(depth int) (*node, error) {
	n, err := p.and(depth)
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.next()
		var b *node
		if b, err = p.and(depth); err == nil {
			n = &node{kind: nodeOr, a: n, b: b}
		}
	}
	return n, err
}

func (p *parser) and(depth int) (*node, error) {
	n, err := p.unary(depth)
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.next()
		var b *node
		if b, err = p.unary(depth); err == nil {
			n = &node{kind: nodeAnd, a: n, b: b}
		}
	}
	return n, err
}

func (p *parser) unary(depth int) (*node, error) {
	if depth > maxFilterDepth {
		return nil, filterErr("nested too deeply (at most %d levels of 'not' and parentheses)", maxFilterDepth)
	}
	t := p.next()
	switch strings.ToLower(t) {
	case "":
		return nil, filterErr("ends where a term was expected (tcp, port N, host ADDR, net CIDR, not, or a parenthesis)")
	case "not":
		a, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeNot, a: a}, nil
	case "(":
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, filterErr("a '(' is not closed")
		}
		return n, nil
	case "tcp":
		return &node{kind: nodeTCP}, nil
	case "port":
		v := p.next()
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil || n == 0 {
			return nil, filterErr("port needs a number from 1 to 65535, got %q", v)
		}
		return &node{kind: nodePort, port: uint16(n)}, nil
	case "host":
		v := p.next()
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return nil, filterErr("host needs an IPv4 or IPv6 address (names are not looked up), got %q", v)
		}
		a = a.Unmap()
		return &node{kind: nodeNet, net: netip.PrefixFrom(a, a.BitLen())}, nil
	case "net":
		v := p.next()
		pf, err := netip.ParsePrefix(v)
		if err != nil {
			return nil, filterErr("net needs an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32, got %q", v)
		}
		return &node{kind: nodeNet, net: pf.Masked()}, nil
	case ")":
		return nil, filterErr("unexpected ')'")
	}
	return nil, filterErr("unknown word %q (the language is: tcp, port N, host ADDR, net CIDR, and, or, not, parentheses)", t)
}
