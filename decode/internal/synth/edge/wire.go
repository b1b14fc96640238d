package main

// Hand-written TLS and SSL 2.0 wire bytes, for protocols no stack here speaks.

func u8(v int) []byte  { return []byte{byte(v)} }
func u16(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
func u24(v int) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }

func vec8(b []byte) []byte  { return append(u8(len(b)), b...) }
func vec16(b []byte) []byte { return append(u16(len(b)), b...) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// hsMsg is a handshake message: type, 24-bit length, body.
func hsMsg(typ byte, body []byte) []byte { return cat([]byte{typ}, u24(len(body)), body) }

// ext is one extension: type, 16-bit length, data.
func ext(typ int, data []byte) []byte { return cat(u16(typ), vec16(data)) }

// records cuts b into records of at most 16384 bytes.
func records(typ byte, version int, b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		n := min(len(b), 16384)
		out = append(out, cat([]byte{typ}, u16(version), u16(n), b[:n])...)
		b = b[n:]
	}
	return out
}

// opaque is n bytes that look like ciphertext (a fixed-seed generator, so
// the captures are the same on every run).
func opaque(n int, seed uint32) []byte {
	out := make([]byte, n)
	x := seed*2654435761 + 1
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte(x)
	}
	return out
}

// encrypted is an application_data record of n body bytes.
func encrypted(n int, seed uint32) []byte { return records(23, 0x0303, opaque(n, seed)) }

// v2rec is an SSL 2.0 record with a 2-byte header (no padding).
func v2rec(body []byte) []byte { return cat([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body) }
