package model

import (
	"hash/maphash"
	"net/netip"
)

// valueTable is one key's values in a GroupIndex, numbered in the order
// first seen. A name key keeps its strings. An address key keeps its
// values as bytes (20 each, nothing for the collector to mark: a million
// clients are a million values) and formats one when it is read; the rare
// value of an address key that is not an address (an invalid or zoned
// one) is kept as text.
type valueTable struct {
	key   GroupKey
	names []string    // a name key's values
	addrs []addrValue // an address key's values (a zero one where text has the value)
	text  map[uint32]string
}

// addrValue is an address key's value as bytes: the address, and the
// server's port or the client network's prefix length.
type addrValue struct {
	ip   [16]byte
	port uint16
	is4  bool
}

// isAddrKey says whether key's values are addresses.
func isAddrKey(k GroupKey) bool { return k == ByServer || k == ByClient || k == ByClientNet }

// len is how many values the table has.
func (t *valueTable) len() int {
	if isAddrKey(t.key) {
		return len(t.addrs)
	}
	return len(t.names)
}

// at is value id as the key's Value formats it.
func (t *valueTable) at(id uint32) string {
	if !isAddrKey(t.key) {
		return t.names[id]
	}
	if s, ok := t.text[id]; ok {
		return s
	}
	v := &t.addrs[id]
	if t.key == ByClientNet && v.port == 0 {
		return "" // no prefix: Value is "" (a prefix's length is never 0 here)
	}
	var a netip.Addr
	if v.is4 {
		a = netip.AddrFrom4([4]byte(v.ip[12:]))
	} else {
		a = netip.AddrFrom16(v.ip)
	}
	switch t.key {
	case ByServer:
		return netip.AddrPortFrom(a, v.port).String()
	case ByClientNet:
		return netip.PrefixFrom(a, int(v.port)).String()
	}
	return a.String()
}

// addName numbers a new value that is text (for an address key, one that
// is not an address).
func (t *valueTable) addName(s string) uint32 {
	if !isAddrKey(t.key) {
		t.names = append(t.names, s)
		return uint32(len(t.names) - 1)
	}
	if t.text == nil {
		t.text = map[uint32]string{}
	}
	id := uint32(len(t.addrs))
	t.addrs = append(t.addrs, addrValue{})
	t.text[id] = s
	return id
}

// addrOf is f's value of an address key as bytes (ok false for a name
// key, or a value that goes by its text: an invalid address, or one with
// a zone the bytes would lose).
func addrOf(k GroupKey, f *Flow) (addrValue, bool) {
	var ap netip.AddrPort
	switch k {
	case ByServer:
		ap = f.Server
	case ByClient:
		ap = netip.AddrPortFrom(f.Client.Addr().Unmap(), 0)
	case ByClientNet:
		p, ok := clientPrefix(f.Client.Addr())
		if !ok {
			return addrValue{}, true // Value is "": no prefix has a zero address
		}
		ap = netip.AddrPortFrom(p.Addr(), uint16(p.Bits()))
	default:
		return addrValue{}, false
	}
	a := ap.Addr()
	if a.Zone() != "" || !a.IsValid() {
		return addrValue{}, false
	}
	return addrValue{port: ap.Port(), is4: a.Is4(), ip: a.As16()}, true
}

// addrSet finds an address key's value numbers by their bytes: open
// addressing over the value table's own addresses, 4 bytes a slot at most
// half full, where a Go map keyed by the address would hold a copy of
// each. The hash is seeded per process, so a capture cannot be crafted to
// make every address collide.
type addrSet struct {
	seed  maphash.Seed
	slots []uint32 // value number + 1; 0 is free
	n     int
}

// find is v's number in t, numbering it if it is new.
func (s *addrSet) find(t *valueTable, v addrValue) uint32 {
	if 2*(s.n+1) > len(s.slots) {
		s.rehash(t)
	}
	mask := uint64(len(s.slots) - 1)
	for i := maphash.Comparable(s.seed, v) & mask; ; i = (i + 1) & mask {
		id := s.slots[i]
		if id == 0 {
			id = uint32(len(t.addrs))
			t.addrs = append(t.addrs, v)
			s.slots[i] = id + 1
			s.n++
			return id
		}
		if t.addrs[id-1] == v { // the slots hold addresses only, never text's placeholders
			return id - 1
		}
	}
}

// rehash doubles the slots (the first time, makes them).
func (s *addrSet) rehash(t *valueTable) {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
	}
	s.slots = make([]uint32, max(64, 2*len(s.slots)))
	mask := uint64(len(s.slots) - 1)
	for id := range t.addrs {
		if _, text := t.text[uint32(id)]; text {
			continue
		}
		i := maphash.Comparable(s.seed, t.addrs[id]) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = uint32(id) + 1
	}
}
