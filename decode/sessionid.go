package decode

// Session IDs are kept inside TLSFacts: TLS allows at most 32 bytes, so the
// client's lives in 32 bytes of the flow's facts, instead of a slice (24
// bytes) and a copy on the heap. The server's is most often the client's
// again (a TLS 1.3 echo, a TLS 1.2 resumption) or empty: then it takes no
// room; a different one (a TLS 1.2 server starting a session) is one small
// array of its own. An ID longer than 32 bytes (only a broken or hostile
// hello sends one) is kept whole in TLSRare.LongSessionIDs.

const (
	maxInlineSessionID = 32
	longSessionID      = 0xff // sessionIDLen of an ID kept in TLSRare
)

// SessionID is the legacy session ID of the first ClientHello (FromClient)
// or of the ServerHello (FromServer), nil when it was empty or not seen.
// Read only: it is the flow's own memory.
func (t *TLSFacts) SessionID(d Dir) []byte {
	switch n := t.sessionIDLen[d]; {
	case n == 0:
		return nil
	case n == longSessionID:
		return t.LongSessionIDs[d]
	case d == FromServer && t.serverSessionID != nil:
		return t.serverSessionID[:n:n]
	default: // the client's, or the server's echo of it
		return t.clientSessionID[:n:n]
	}
}

// SetSessionID records the session ID seen in direction d, copying id. t
// must be the flow's own, and so must its TLSRare unless it is the shared
// empty one (a long ID gives the flow a TLSRare of its own).
func (t *TLSFacts) SetSessionID(d Dir, id []byte) {
	if d == FromClient && t.serverSessionID == nil && t.sessionIDLen[FromServer] != 0 &&
		t.sessionIDLen[FromServer] != longSessionID {
		// The server's reads the client's bytes: give it its own first.
		t.serverSessionID = new([maxInlineSessionID]byte)
		*t.serverSessionID = t.clientSessionID
	}
	switch {
	case len(id) > maxInlineSessionID:
		t.sessionIDLen[d] = longSessionID
		t.setLongSessionID(d, id)
	case d == FromClient:
		t.sessionIDLen[d] = uint8(len(id))
		t.clientSessionID = [maxInlineSessionID]byte{}
		copy(t.clientSessionID[:], id)
	case string(id) == string(t.SessionID(FromClient)):
		t.sessionIDLen[d] = uint8(len(id))
		t.serverSessionID = nil // an echo (or none): read from the client's
	default:
		t.sessionIDLen[d] = uint8(len(id))
		// A new array, never written once set: a copy of the flow shares it.
		s := new([maxInlineSessionID]byte)
		copy(s[:], id)
		t.serverSessionID = s
	}
}

func (t *TLSFacts) setLongSessionID(d Dir, id []byte) {
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
