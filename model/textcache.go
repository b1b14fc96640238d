package model

import (
	"sync"
	"time"
)

// textCache keeps diagnosis texts that depend on a few small values (a
// port, a count and a rounded duration), so a million refused or
// unanswered SYNs format a handful of texts and share them: one string per
// flow was ~150 bytes each and most of the time classifying them took.
// Safe for concurrent use (summary --json classifies on every core).
type textCache[K comparable] struct {
	mu sync.RWMutex
	m  map[K]string
}

// maxCachedTexts bounds each cache; past it texts are made and not kept.
const maxCachedTexts = 4096

func (c *textCache[K]) get(k K, make func() string) string {
	c.mu.RLock()
	s, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = make()
	c.mu.Lock()
	if c.m == nil {
		c.m = map[K]string{}
	}
	if len(c.m) < maxCachedTexts {
		c.m[k] = s
	}
	c.mu.Unlock()
	return s
}

type noSYNACKKey struct {
	tries int
	span  time.Duration // as roundDur rounds it
}

var (
	refusedTexts   textCache[uint16]
	noSYNACKTexts  textCache[noSYNACKKey]
	completedTexts textCache[completedKey]
)
