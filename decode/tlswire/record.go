package tlswire

// MaxRecordLen is the largest TLSCiphertext fragment (RFC 5246 §6.2.3).
const MaxRecordLen = 16384 + 2048

// RecordHeaderLen is the size of a TLS record header.
const RecordHeaderLen = 5

// ParseRecordHeader reads a TLS record header: content type, record-layer
// version and fragment length. ok is false with fewer than 5 bytes.
func ParseRecordHeader(b []byte) (typ uint8, version uint16, length int, ok bool) {
	if len(b) < RecordHeaderLen {
		return 0, 0, 0, false
	}
	return b[0], uint16(b[1])<<8 | uint16(b[2]), int(b[3])<<8 | int(b[4]), true
}

// PlausibleRecordHeader reports whether b starts with something that looks
// like a TLS record header: a known content type, a record-layer version from
// SSL 3.0 to TLS 1.3, and a length no record may exceed.
func PlausibleRecordHeader(b []byte) bool {
	typ, version, length, ok := ParseRecordHeader(b)
	return ok &&
		typ >= ContentChangeCipherSpec && typ <= ContentHeartbeat &&
		version >= VersionSSL30 && version <= VersionTLS13 &&
		length >= 1 && length <= MaxRecordLen
}

// ParseAlert reads a clear-text alert fragment. An alert record holds one
// two-byte alert (a few may be packed together; the first is returned). ok is
// false for anything else, notably encrypted alerts, which are longer.
func ParseAlert(frag []byte) (Alert, bool) {
	if len(frag) < 2 || len(frag) > 6 || len(frag)%2 != 0 {
		return Alert{}, false
	}
	for i := 0; i < len(frag); i += 2 {
		if frag[i] != 1 && frag[i] != 2 {
			return Alert{}, false
		}
	}
	return Alert{Level: frag[0], Description: frag[1]}, true
}
