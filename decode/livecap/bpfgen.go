package livecap

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/net/bpf"
)

// Link says where the IP header starts in the frames a socket delivers.
type Link int

const (
	LinkEthernet Link = iota // Ethernet II (also Linux loopback), one 802.1Q tag allowed
	LinkRawIP                // no link header (tun devices, WireGuard)
)

// snapLen is what the filter keeps of a matching packet: all of it.
const snapLen = 262144

// Compile turns the filter into a classic BPF program for frames of the
// given link. Only IPv4 and IPv6 packets can match a non-empty filter; IPv6
// extension headers are not followed (a packet carrying them does not match
// tcp or port).
func (f Filter) Compile(link Link) ([]bpf.Instruction, error) {
	if f.root == nil {
		return []bpf.Instruction{bpf.RetConstant{Val: snapLen}}, nil
	}
	g := &gen{}
	reject := g.label()
	type block struct {
		label, base int
		v6          bool
	}
	var blocks []block
	dispatch := func(v6 bool, base int) int {
		l := g.label()
		blocks = append(blocks, block{l, base, v6})
		return l
	}
	switch link {
	case LinkEthernet:
		g.emit(bpf.LoadAbsolute{Off: 12, Size: 2})
		v4, v6, tagged := dispatch(false, 14), dispatch(true, 14), g.label()
		g.equalOr(0x0800, v4)
		g.equalOr(0x86dd, v6)
		g.equal(0x8100, tagged, reject)
		g.place(tagged)
		g.emit(bpf.LoadAbsolute{Off: 16, Size: 2})
		v4t, v6t := dispatch(false, 18), dispatch(true, 18)
		g.equalOr(0x0800, v4t)
		g.equal(0x86dd, v6t, reject)
	case LinkRawIP:
		g.emit(bpf.LoadAbsolute{Off: 0, Size: 1})
		g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0xf0})
		v4, v6 := dispatch(false, 0), dispatch(true, 0)
		g.equalOr(0x40, v4)
		g.equal(0x60, v6, reject)
	default:
		return nil, fmt.Errorf("capture filter: unknown link type %d", link)
	}
	g.place(reject)
	g.emit(bpf.RetConstant{Val: 0})
	for _, b := range blocks {
		// Each block ends in its own returns, so its jumps stay short.
		g.place(b.label)
		acc, rej := g.label(), g.label()
		g.expr(f.root, ipHeader{base: uint32(b.base), v6: b.v6}, acc, rej)
		g.place(acc)
		g.emit(bpf.RetConstant{Val: snapLen})
		g.place(rej)
		g.emit(bpf.RetConstant{Val: 0})
	}
	return g.resolve()
}

// ipHeader is what a block knows: the IP version and where its header starts.
type ipHeader struct {
	base uint32
	v6   bool
}

// gen builds a program whose jumps name labels, resolved at the end; every
// jump goes forward.
type gen struct {
	ins    []item
	labels []int // label -> instruction index
}

type item struct {
	op     bpf.Instruction
	jt, jf int  // labels of a conditional jump
	cond   bool // op is a JumpIf
	ja     bool // op is a Jump to label jt
}

func (g *gen) label() int { g.labels = append(g.labels, -1); return len(g.labels) - 1 }

func (g *gen) place(l int) { g.labels[l] = len(g.ins) }

func (g *gen) emit(op bpf.Instruction) { g.ins = append(g.ins, item{op: op}) }

// equal jumps to t when A == v, else to f.
func (g *gen) equal(v uint32, t, f int) {
	g.ins = append(g.ins, item{op: bpf.JumpIf{Cond: bpf.JumpEqual, Val: v}, jt: t, jf: f, cond: true})
}

// equalOr jumps to t when A == v, else goes on.
func (g *gen) equalOr(v uint32, t int) {
	next := g.label()
	g.equal(v, t, next)
	g.place(next)
}

// equalElse goes on when A == v, else jumps to f.
func (g *gen) equalElse(v uint32, f int) {
	next := g.label()
	g.equal(v, next, f)
	g.place(next)
}

func (g *gen) jump(t int) { g.ins = append(g.ins, item{op: bpf.Jump{}, jt: t, ja: true}) }

// relax gives every conditional jump longer than 255 instructions (what
// its 8-bit offset holds) a trampoline: an unconditional jump placed right
// after it, which it reaches instead.
func (g *gen) relax() {
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(g.ins); i++ {
			if !g.ins[i].cond {
				continue
			}
			if g.labels[g.ins[i].jt]-i-1 > 255 {
				g.ins[i].jt = g.trampoline(i, g.ins[i].jt)
				changed = true
			}
			if g.labels[g.ins[i].jf]-i-1 > 255 {
				g.ins[i].jf = g.trampoline(i, g.ins[i].jf)
				changed = true
			}
		}
	}
}

// trampoline inserts a jump to target after instruction i and returns its label.
func (g *gen) trampoline(i, target int) int {
	for l, at := range g.labels {
		if at > i {
			g.labels[l]++
		}
	}
	g.ins = append(g.ins[:i+1], append([]item{{op: bpf.Jump{}, jt: target, ja: true}}, g.ins[i+1:]...)...)
	l := g.label()
	g.labels[l] = i + 1
	return l
}

func (g *gen) resolve() ([]bpf.Instruction, error) {
	g.relax()
	out := make([]bpf.Instruction, len(g.ins))
	for i, it := range g.ins {
		switch {
		case it.cond:
			jt, jf := g.labels[it.jt]-i-1, g.labels[it.jf]-i-1
			if jt < 0 || jf < 0 || jt > 255 || jf > 255 {
				return nil, fmt.Errorf("capture filter: internal error: jump %d/%d at %d", jt, jf, i) // relax prevents it
			}
			op := it.op.(bpf.JumpIf)
			op.SkipTrue, op.SkipFalse = uint8(jt), uint8(jf)
			out[i] = op
		case it.ja:
			out[i] = bpf.Jump{Skip: uint32(g.labels[it.jt] - i - 1)}
		default:
			out[i] = it.op
		}
	}
	if len(out) > 4096 { // BPF_MAXINSNS
		return nil, &FilterError{Msg: fmt.Sprintf("too complex to compile (%d instructions; the kernel takes 4096)", len(out))}
	}
	return out, nil
}

// expr emits code that goes to t when n matches the packet, else to f.
func (g *gen) expr(n *node, h ipHeader, t, f int) {
	switch n.kind {
	case nodeAnd:
		mid := g.label()
		g.expr(n.a, h, mid, f)
		g.place(mid)
		g.expr(n.b, h, t, f)
	case nodeOr:
		mid := g.label()
		g.expr(n.a, h, t, mid)
		g.place(mid)
		g.expr(n.b, h, t, f)
	case nodeNot:
		g.expr(n.a, h, f, t)
	case nodeTCP:
		g.protocol(h, 6, t, f)
	case nodePort:
		g.port(n.port, h, t, f)
	case nodeNet:
		g.net(n, h, t, f)
	}
}

// protocol tests the IP protocol (IPv6: the first next header).
func (g *gen) protocol(h ipHeader, proto uint32, t, f int) {
	if h.v6 {
		g.emit(bpf.LoadAbsolute{Off: h.base + 6, Size: 1})
	} else {
		g.emit(bpf.LoadAbsolute{Off: h.base + 9, Size: 1})
	}
	g.equal(proto, t, f)
}

// port matches TCP or UDP with either port N (as tcpdump's port does);
// IPv4 fragments after the first carry no ports and never match.
func (g *gen) port(p uint16, h ipHeader, t, f int) {
	transport := g.label()
	notTCP := g.label()
	g.protocol(h, 6, transport, notTCP)
	g.place(notTCP)
	g.equal(17, transport, f)
	g.place(transport)
	if h.v6 {
		g.emit(bpf.LoadAbsolute{Off: h.base + 40, Size: 2})
		g.equalOr(uint32(p), t)
		g.emit(bpf.LoadAbsolute{Off: h.base + 42, Size: 2})
		g.equal(uint32(p), t, f)
		return
	}
	g.emit(bpf.LoadAbsolute{Off: h.base + 6, Size: 2})
	g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x1fff})
	g.equalElse(0, f)
	g.emit(bpf.LoadMemShift{Off: h.base})
	g.emit(bpf.LoadIndirect{Off: h.base, Size: 2})
	g.equalOr(uint32(p), t)
	g.emit(bpf.LoadIndirect{Off: h.base + 2, Size: 2})
	g.equal(uint32(p), t, f)
}

// net matches when the source or the destination address is in n.net; an
// address of the other IP version never matches.
func (g *gen) net(n *node, h ipHeader, t, f int) {
	if n.net.Addr().Is6() != h.v6 {
		g.jump(f)
		return
	}
	src, dst := h.base+12, h.base+16
	if h.v6 {
		src, dst = h.base+8, h.base+24
	}
	tryDst := g.label()
	g.addrIn(n, src, t, tryDst)
	g.place(tryDst)
	g.addrIn(n, dst, t, f)
}

// addrIn compares the address at off with the prefix, 32 bits at a time.
func (g *gen) addrIn(n *node, off uint32, t, f int) {
	addr := n.net.Addr().AsSlice()
	bits := n.net.Bits()
	words := 0
	for w := 0; w*32 < bits; w++ {
		words++
	}
	if words == 0 { // a /0 holds every address of its version
		g.jump(t)
		return
	}
	for w := 0; w < words; w++ {
		keep := bits - w*32
		mask := uint32(0xffffffff)
		if keep < 32 {
			mask = ^uint32(0) << (32 - keep)
		}
		g.emit(bpf.LoadAbsolute{Off: off + uint32(4*w), Size: 4})
		if mask != 0xffffffff {
			g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask})
		}
		want := binary.BigEndian.Uint32(addr[4*w:]) & mask
		if w < words-1 {
			g.equalElse(want, f)
		} else {
			g.equal(want, t, f)
		}
	}
}
