package model

import (
	mathbits "math/bits"
	"runtime"
	"sync"
	"unsafe"
)

// FilterFlows returns the indices of flows that match f (and, when
// failuresOnly, whose Outcome.Failed()). Large lists are split across CPUs;
// the result is in flow order.
//
// Each worker remembers, per term, the answer for every distinct SNI, ALPN,
// fingerprint and cipher suite it has seen (termMemo): a capture repeats a
// few of each a million times, and the decoder shares identical strings.
// Matches are first marked in a bitmap, then listed in a result of exactly
// the right size: growing a slice of a million indices costs more, in
// copies and fresh pages, than matching the million flows.
func FilterFlows(flows []Flow, f Filter, failuresOnly bool) []int32 {
	const chunk = 1 << 15
	n := len(flows)
	workers := min(runtime.GOMAXPROCS(0), 8)
	if n < 2*chunk {
		workers = 1
	}
	bits := make([]uint64, (n+63)/64)
	per := ((n+workers-1)/workers + 63) &^ 63 // whole words: workers never share one
	counts := make([]int, workers)
	parallel(workers, func(w int) {
		lo, hi := min(w*per, n), min((w+1)*per, n)
		if lo == hi {
			return // past the end: a whole word of bits may not be this worker's
		}
		counts[w] = filterBits(bits[lo/64:(hi+63)/64], flows[lo:hi], &f, failuresOnly)
	})
	offs := make([]int, workers+1)
	for w, c := range counts {
		offs[w+1] = offs[w] + c
	}
	out := make([]int32, offs[workers])
	parallel(workers, func(w int) {
		lo, hi := min(w*per, n), min((w+1)*per, n)
		listBits(out[offs[w]:offs[w+1]], bits[lo/64:(hi+63)/64], lo)
	})
	return out
}

// parallel runs fn(0) ... fn(workers-1), each on its own goroutine when
// there is more than one.
func parallel(workers int, fn func(w int)) {
	if workers == 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w)
		}()
	}
	wg.Wait()
}

// filterBits sets bit i of bits (bit i%64 of word i/64) when flows[i]
// matches, and returns how many do.
func filterBits(bits []uint64, flows []Flow, f *Filter, failuresOnly bool) int {
	memo := f.newMemo()
	count := 0
	for w := range bits {
		base := w * 64
		var word uint64
		for j, end := 0, min(64, len(flows)-base); j < end; j++ {
			fl := &flows[base+j]
			if (!failuresOnly || fl.Outcome.Failed()) && f.match(fl, memo) {
				word |= 1 << j
			}
		}
		bits[w] = word
		count += mathbits.OnesCount64(word)
	}
	return count
}

// listBits writes the positions of bits that are set, plus base, into out
// (which has room for exactly them).
func listBits(out []int32, bits []uint64, base int) {
	k := 0
	for w, word := range bits {
		for word != 0 {
			out[k] = int32(base + w*64 + mathbits.TrailingZeros64(word))
			k++
			word &= word - 1
		}
	}
}

// termMemo is one goroutine's memory of a term's answers for values that
// many flows share. The answers depend on the value alone, so remembering
// them changes nothing but the time.
type termMemo struct {
	strs   *strMemo          // sni, bare words (the SNI part), alpn, ja4, ja3
	suites *[256]suiteAnswer // cipher
	addr   *addrMemo         // bare words: IPv4 ports
}

// newMemo makes fresh memos for f's terms (nil when f has no terms).
func (f *Filter) newMemo() []termMemo {
	if len(f.eval) == 0 {
		return nil
	}
	memo := make([]termMemo, len(f.eval))
	for i := range f.eval {
		switch f.eval[i].key {
		case fkBare:
			memo[i].strs = new(strMemo)
			if f.eval[i].v4&v4Digits != 0 {
				memo[i].addr = new(addrMemo)
			}
		case fkSNI, fkALPN, fkJA4, fkJA3, fkIssuer:
			memo[i].strs = new(strMemo)
		case fkCipher:
			memo[i].suites = new([256]suiteAnswer)
		}
	}
	return memo
}

// strMemo is a direct-mapped table of answers keyed by a string's data
// pointer and length: strings are immutable, so the same pointer and length
// mean the same text. Identical strings that do not share data just take a
// slot each.
type strMemo [1 << strMemoBits]strAnswer

const strMemoBits = 9

type strAnswer struct {
	p   *byte // nil: empty slot
	n   uint32
	yes bool
}

// memoString returns answer(t, s), remembered in m's table when there is one.
func (t *filterTerm) memoString(s string, m *termMemo, answer func(*filterTerm, string) bool) bool {
	if m == nil || m.strs == nil || s == "" || uint64(len(s)) > 1<<32-1 {
		return answer(t, s)
	}
	p := unsafe.StringData(s)
	e := &m.strs[uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15>>(64-strMemoBits)]
	if e.p != p || e.n != uint32(len(s)) {
		*e = strAnswer{p: p, n: uint32(len(s)), yes: answer(t, s)}
	}
	return e.yes
}

// suiteAnswer is a cipher suite's answer: suite<<2 | 2 (known) | yes.
type suiteAnswer uint32

// memoSuite returns cipherMatch(suite), remembered in m's table when there is one.
func (t *filterTerm) memoSuite(suite uint16, m *termMemo) bool {
	if m == nil || m.suites == nil {
		return t.cipherMatch(suite)
	}
	e := &m.suites[uint8(suite)^uint8(suite>>8)]
	if *e>>2 != suiteAnswer(suite) || *e&2 == 0 {
		*e = suiteAnswer(suite)<<2 | 2
		if t.cipherMatch(suite) {
			*e |= 1
		}
	}
	return *e&1 != 0
}

// addrMemo remembers a bare word's answers for the ports of IPv4 endpoints.
type addrMemo struct {
	portsKnown [1024]uint64 // a bit per port
	portsYes   [1024]uint64
}

// port returns port4Match(port), remembered.
func (am *addrMemo) port(t *filterTerm, port uint16) bool {
	w, bit := port>>6, uint64(1)<<(port&63)
	if am.portsKnown[w]&bit == 0 {
		am.portsKnown[w] |= bit
		if t.port4Match(port) {
			am.portsYes[w] |= bit
		}
	}
	return am.portsYes[w]&bit != 0
}
