package decode

// Session IDs are kept inside TLSFacts: TLS allows at most 32 bytes, so a
// flow's two fit in 64 bytes of its facts, instead of two slices (48 bytes)
// and a copy of each on the heap. A longer one (only a broken or hostile
// hello sends one) is kept whole in TLSRare.LongSessionIDs.

const (
	maxInlineSessionID = 32
	longSessionID      = 0xff // sessionIDLen of an ID kept in TLSRare
)

// SessionID is the legacy session ID of the first ClientHello (FromClient)
// or of the ServerHello (FromServer), nil when it was empty or not seen.
// Read only: it is the flow's own memory.
func (t *TLSFacts) SessionID(d Dir) []byte {
	switch n := t.sessionIDLen[d]; n {
	case 0:
		return nil
	case longSessionID:
		return t.LongSessionIDs[d]
	default:
		return t.sessionIDs[d][:n:n]
	}
}

// SetSessionID records the session ID seen in direction d, copying id. t
// must be the flow's own, and so must its TLSRare unless it is the shared
// empty one (a long ID gives the flow a TLSRare of its own).
func (t *TLSFacts) SetSessionID(d Dir, id []byte) {
	t.sessionIDs[d] = [maxInlineSessionID]byte{}
	if len(id) <= maxInlineSessionID {
		t.sessionIDLen[d] = uint8(len(id))
		copy(t.sessionIDs[d][:], id)
		return
	}
	t.sessionIDLen[d] = longSessionID
	if t.TLSRare == emptyRare || t.TLSRare == nil {
		t.TLSRare = new(TLSRare)
	}
	// A copy of the flow shares the old pair: make a new one.
	long := new([2][]byte)
	if t.LongSessionIDs != nil {
		*long = *t.LongSessionIDs
	}
	long[d] = append([]byte(nil), id...)
	t.LongSessionIDs = long
}
