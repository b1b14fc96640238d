package packet

const (
	tcpOptEnd = 0
	tcpOptNOP = 1
	tcpOptMSS = 2
)

// decodeTCP reads the TCP header from b (the captured bytes of the IP
// payload, never beyond what IP claims); claimed is the IP payload length the
// IP header says, from which PayloadLen follows even when the frame was snapped.
func decodeTCP(b []byte, claimed int, seg *Segment) Skip {
	if len(b) < 20 {
		seg.Truncated = seg.Truncated || claimed >= 20
		return SkipMalformed
	}
	off := int(b[12]>>4) * 4
	if off < 20 || off > claimed {
		return SkipMalformed
	}
	seg.SrcPort, seg.DstPort = be16(b[0:]), be16(b[2:])
	seg.Seq, seg.Ack = be32(b[4:]), be32(b[8:])
	seg.Flags = b[13]
	seg.Window = be16(b[14:])
	if off > len(b) {
		seg.Truncated = true
	}
	if seg.Flags&FlagSYN != 0 {
		seg.MSS = mssOption(b[20:min(off, len(b))])
	}
	seg.PayloadLen = claimed - off
	if off < len(b) {
		seg.Payload = b[off:len(b):len(b)]
	}
	if len(seg.Payload) < seg.PayloadLen {
		seg.Truncated = true
	}
	return SkipNone
}

// mssOption finds the MSS option among TCP options; 0 when absent.
func mssOption(opts []byte) uint16 {
	for len(opts) > 0 {
		switch opts[0] {
		case tcpOptEnd:
			return 0
		case tcpOptNOP:
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || int(opts[1]) < 2 || int(opts[1]) > len(opts) {
			return 0
		}
		if opts[0] == tcpOptMSS && opts[1] == 4 {
			return be16(opts[2:])
		}
		opts = opts[opts[1]:]
	}
	return 0
}
