package model

import (
	"cmp"
	"net/netip"
	"runtime"
	"slices"
	"sync"
)

// SortKey is the flow list's sort order: one per column of the list.
type SortKey int

const (
	SortTime      SortKey = iota // first packet time
	SortSNI                      // server name, case-insensitive, flows without SNI last
	SortOutcome                  // failures first, most severe first
	SortAlert                    // the alert's name, flows without an alert last
	SortHandshake                // handshake duration, flows without one last
	SortServer                   // server address (IPv4 before IPv6), then port
	SortClient                   // client address, then port
	SortVersion                  // negotiated TLS version, flows without one last
	SortCipher                   // chosen cipher suite's short name, flows without one last
	SortPackets                  // packets in the flow
	SortBytes                    // bytes on the wire
	numSortKeys
)

// Next cycles through every key, the ones most asked for first: time → SNI
// → outcome → alert → handshake time → server → client → version → cipher
// → packets → bytes → time.
func (k SortKey) Next() SortKey {
	if k < SortTime || k >= numSortKeys-1 {
		return SortTime
	}
	return k + 1
}

func (k SortKey) String() string {
	switch k {
	case SortSNI:
		return "sni"
	case SortOutcome:
		return "outcome"
	case SortAlert:
		return "alert"
	case SortHandshake:
		return "handshake"
	case SortServer:
		return "server"
	case SortClient:
		return "client"
	case SortVersion:
		return "version"
	case SortCipher:
		return "cipher"
	case SortPackets:
		return "packets"
	case SortBytes:
		return "bytes"
	}
	return "time"
}

// outcomeSeverity ranks outcomes for SortOutcome: what most needs looking at
// first (the server or client said no), then silence and refusals, then
// captures that are short or not TLS, then successes.
func outcomeSeverity(o Outcome) uint64 {
	switch o {
	case Alert:
		return 0
	case EncryptedAlert:
		return 1
	case Reset:
		return 2
	case PlaintextReply:
		return 3
	case NoServerHello:
		return 4
	case NoSYNACK:
		return 5
	case Refused:
		return 6
	case NoClientHello:
		return 7
	case NotTLS:
		return 8
	case Partial:
		return 9
	case OneSided:
		return 10
	case Resumed:
		return 11
	case OK:
		return 12
	}
	return 13
}

// sortEntry is one index with its precomputed keys: k1 is the key itself,
// k2 the flow ID, both already flipped for reverse, so that plain unsigned
// order on (k1, k2) is the wanted order.
type sortEntry struct {
	k1, k2 uint64
	idx    int32
}

// sortMissing sorts after every present key; present keys stay below it.
const sortMissing = 1 << 63

// SortIndices sorts idx (indices into flows) in place, stable, by key (ties by
// flow ID); reverse flips the order, except that flows without the key (no
// SNI, no handshake time) stay at the end either way.
//
// Keys are computed once per flow (in parallel: reading a million scattered
// flows is the slow part), SNIs are replaced by their rank among the distinct
// names, and the (key, ID) pairs are radix-sorted, which is stable.
func SortIndices(flows []Flow, idx []int32, key SortKey, reverse bool) {
	n := len(idx)
	if n < 2 {
		return
	}
	es := getSortBuf(n)
	defer sortBufs.Put(&es)
	var strs []string // names ranked after the pass (SNI, alert, cipher)
	var addrs []netip.AddrPort
	switch key {
	case SortSNI, SortAlert, SortCipher:
		strs = make([]string, n)
	case SortServer, SortClient:
		addrs = make([]netip.AddrPort, n) // only IPv6 ones are kept here, to rank
	}
	// Read the flows in memory order: a million scattered 1 KB flows cost
	// several times more than the sort itself.
	order := flowOrder(idx)
	sortParallel(n, func(lo, hi int) {
		for q := lo; q < hi; q++ {
			p := q
			if order != nil {
				p = int(order[q])
			}
			i := idx[p]
			fl := &flows[i]
			e := sortEntry{k2: uint64(fl.ID) ^ 1<<63, idx: i}
			switch key {
			case SortSNI:
				strs[p] = filterSNI(fl)
			case SortAlert:
				strs[p] = fl.AlertName()
			case SortCipher:
				strs[p] = fl.CipherShort()
			case SortOutcome:
				e.k1 = outcomeSeverity(fl.Outcome)
			case SortHandshake:
				if d, ok := fl.HandshakeTime(); ok && d >= 0 {
					e.k1 = uint64(d)
				} else {
					e.k1 = sortMissing
				}
			case SortServer, SortClient:
				ap := fl.Server
				if key == SortClient {
					ap = fl.Client
				}
				e.k1 = addrKey(ap)
				if e.k1 == v6Key {
					addrs[p] = ap
				}
			case SortVersion:
				if v := fl.Verdict.Version; v != 0 {
					e.k1 = uint64(v)
				} else {
					e.k1 = sortMissing
				}
			case SortPackets:
				e.k1 = uint64(max(fl.Packets(), 0))
			case SortBytes:
				e.k1 = uint64(max(fl.Bytes, 0))
			default:
				// Flip the sign bit so signed nanoseconds order as unsigned.
				e.k1 = uint64(unixNanoClamped(fl.First)) ^ 1<<63
			}
			es[p] = e
		}
	})
	switch {
	case strs != nil:
		rankStrings(es, strs)
	case addrs != nil:
		rankV6(es, addrs)
	}
	if reverse {
		for p := range es {
			e := &es[p]
			switch {
			case key == SortTime:
				e.k1 = ^e.k1
			case e.k1 != sortMissing:
				e.k1 = sortMissing - 1 - e.k1
			}
			e.k2 = ^e.k2
		}
	}
	switch entriesOrder(es) {
	case 1:
	case -1: // strictly descending (reverse time, usually): no ties to keep stable
		slices.Reverse(es)
	default:
		tmp := getSortBuf(n)
		radixSortEntries(es, tmp)
		sortBufs.Put(&tmp)
	}
	for p := range es {
		idx[p] = es[p].idx
	}
}

// v6Key marks an IPv6 address until rankV6 replaces it by its rank; IPv4
// keys (address and port, 48 bits) stay below it.
const v6Key = 1 << 62

// addrKey orders an IPv4 address and port as one number; IPv6 addresses get
// v6Key (ranked later), an address that is not there sorts last.
func addrKey(ap netip.AddrPort) uint64 {
	a := ap.Addr()
	switch {
	case !ap.IsValid():
		return sortMissing
	case a.Is4():
		b := a.As4()
		return uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(ap.Port())
	}
	return v6Key
}

// rankV6 gives IPv6 entries their rank among the distinct IPv6 addresses and
// ports, after every IPv4 one (netip's order: address, zone, then port).
func rankV6(es []sortEntry, addrs []netip.AddrPort) {
	slot := make(map[netip.AddrPort]int32)
	var distinct []netip.AddrPort
	for p := range es {
		if es[p].k1 != v6Key {
			continue
		}
		if _, ok := slot[addrs[p]]; !ok {
			slot[addrs[p]] = int32(len(distinct))
			distinct = append(distinct, addrs[p])
		}
	}
	if len(distinct) == 0 {
		return
	}
	order := make([]int32, len(distinct))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return distinct[a].Compare(distinct[b]) })
	rank := make([]uint64, len(distinct))
	for r, k := range order {
		rank[k] = uint64(r)
	}
	for p := range es {
		if es[p].k1 == v6Key {
			es[p].k1 = 1<<48 + rank[slot[addrs[p]]]
		}
	}
}

// rankStrings sets k1 to each name's rank in case-insensitive order (equal
// ignoring case = equal rank), or sortMissing when there is none. Captures
// repeat a few names many times, so sorting the distinct names is cheap.
func rankStrings(es []sortEntry, snis []string) {
	slot := make(map[string]int32)
	var distinct []string
	slots := make([]int32, len(snis))
	for p, s := range snis {
		if s == "" {
			slots[p] = -1
			continue
		}
		k, ok := slot[s]
		if !ok {
			k = int32(len(distinct))
			slot[s] = k
			distinct = append(distinct, s)
		}
		slots[p] = k
	}
	order := make([]int32, len(distinct))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareFold(distinct[a], distinct[b]) })
	rank := make([]uint64, len(distinct))
	r := uint64(0)
	for j, k := range order {
		if j > 0 && compareFold(distinct[order[j-1]], distinct[k]) != 0 {
			r++
		}
		rank[k] = r
	}
	for p := range es {
		if k := slots[p]; k >= 0 {
			es[p].k1 = rank[k]
		} else {
			es[p].k1 = sortMissing
		}
	}
}

// sortBufs recycles entry buffers: the TUI re-sorts the same million flows
// whenever the filter or the key changes, and fresh 24 MB buffers cost page faults.
var sortBufs sync.Pool

func getSortBuf(n int) []sortEntry {
	if b, ok := sortBufs.Get().(*[]sortEntry); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]sortEntry, n)
}

// entriesOrder returns 1 when entries are already in (k1, k2) order, -1 when
// they are in strictly descending order, else 0. Time order is usually flow
// order, so the time view, either way round, needs no sort at all.
func entriesOrder(es []sortEntry) int {
	up, down := true, true
	for p := 1; p < len(es) && (up || down); p++ {
		a, b := &es[p-1], &es[p]
		if a.k1 > b.k1 || a.k1 == b.k1 && a.k2 > b.k2 {
			up = false
		}
		if a.k1 < b.k1 || a.k1 == b.k1 && a.k2 <= b.k2 {
			down = false
		}
	}
	switch {
	case up:
		return 1
	case down:
		return -1
	}
	return 0
}

// radixSortEntries sorts by (k1, k2) with a stable LSD radix sort, one byte a
// pass, skipping bytes that are the same in every entry. When the input is
// already in k2 order (indices usually come in flow order) only k1 is sorted.
// tmp is scratch space of the same length.
func radixSortEntries(es, tmp []sortEntry) {
	needK2 := false
	and1, or1, and2, or2 := ^uint64(0), uint64(0), ^uint64(0), uint64(0)
	for p := range es {
		e := &es[p]
		and1, or1, and2, or2 = and1&e.k1, or1|e.k1, and2&e.k2, or2|e.k2
		if p > 0 && e.k2 < es[p-1].k2 {
			needK2 = true
		}
	}
	src, dst := es, tmp
	for shift := uint(0); shift < 64 && needK2; shift += 8 {
		if byte((and2^or2)>>shift) != 0 { // some entries differ in this byte
			radixPass(src, dst, false, shift)
			src, dst = dst, src
		}
	}
	for shift := uint(0); shift < 64; shift += 8 {
		if byte((and1^or1)>>shift) != 0 {
			radixPass(src, dst, true, shift)
			src, dst = dst, src
		}
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
}

// radixPass moves src into dst stably ordered by one byte of k1 or k2.
func radixPass(src, dst []sortEntry, k1 bool, shift uint) {
	var offs [256]int
	for p := range src {
		offs[radixByte(&src[p], k1, shift)]++
	}
	sum := 0
	for v, c := range offs {
		offs[v] = sum
		sum += c
	}
	for p := range src {
		e := &src[p]
		v := radixByte(e, k1, shift)
		dst[offs[v]] = *e
		offs[v]++
	}
}

func radixByte(e *sortEntry, k1 bool, shift uint) byte {
	if k1 {
		return byte(e.k1 >> shift)
	}
	return byte(e.k2 >> shift)
}

// flowOrder returns the positions of idx ordered by flow index (nil when idx
// is already ascending), using a radix sort on (index, position) pairs.
func flowOrder(idx []int32) []uint32 {
	sorted := true
	for p := 1; p < len(idx); p++ {
		if idx[p] < idx[p-1] {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	pairs := make([]uint64, len(idx))
	for p, i := range idx {
		pairs[p] = uint64(uint32(i))<<32 | uint64(p)
	}
	tmp := make([]uint64, len(idx))
	for shift := uint(32); shift < 64; shift += 8 {
		var offs [256]int
		for _, v := range pairs {
			offs[byte(v>>shift)]++
		}
		if offs[byte(pairs[0]>>shift)] == len(pairs) {
			continue
		}
		sum := 0
		for b, c := range offs {
			offs[b] = sum
			sum += c
		}
		for _, v := range pairs {
			b := byte(v >> shift)
			tmp[offs[b]] = v
			offs[b]++
		}
		pairs, tmp = tmp, pairs
	}
	out := make([]uint32, len(idx))
	for q, v := range pairs {
		out[q] = uint32(v)
	}
	return out
}

// sortParallel runs fn over [0, n) split across CPUs when n is large.
func sortParallel(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	if n < 1<<16 || workers < 2 {
		fn(0, n)
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// compareFold orders strings by their ASCII-lower-cased bytes.
func compareFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if ca, cb := lowerASCII(a[i]), lowerASCII(b[i]); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}
