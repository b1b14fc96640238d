package model

import "unsafe"

// codeListKind says which registry names a code-point list.
type codeListKind uint8

const (
	kindSuites codeListKind = iota
	kindExtensions
	kindGroups
	kindKeyShares
	kindSignatures
	kindVersions
)

// maxCachedLists bounds the cache; when full it starts over.
const maxCachedLists = 4096

// codeListCache remembers the JSON of code-point lists. The decoder interns
// hello lists, so every flow from one client stack shares one array, and the
// JSON of its cipher suites is built once instead of once per flow (it was
// two thirds of the time spent writing a flow). A list is known by its array
// and length: parsed hellos are never modified, and the cache keeps the
// array alive, so no other list can ever take its address.
type codeListCache struct {
	m map[codeListKey]cachedList
}

type codeListKey struct {
	first *uint16
	n     int
	kind  codeListKind
}

type cachedList struct {
	list []uint16 // keeps the array alive while its address is a key
	json []byte
}

// append writes vs as JSON through build, reusing the bytes built last time
// for the same list. A nil cache builds every time.
func (c *codeListCache) append(b []byte, kind codeListKind, vs []uint16, build func([]byte, []uint16) []byte) []byte {
	if c == nil || len(vs) == 0 {
		return build(b, vs)
	}
	k := codeListKey{unsafe.SliceData(vs), len(vs), kind}
	if e, ok := c.m[k]; ok {
		return append(b, e.json...)
	}
	start := len(b)
	b = build(b, vs)
	if c.m == nil || len(c.m) >= maxCachedLists {
		c.m = make(map[codeListKey]cachedList)
	}
	c.m[k] = cachedList{list: vs, json: append([]byte(nil), b[start:]...)}
	return b
}
