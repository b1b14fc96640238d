package packet

const (
	tcpOptEnd = 0
	tcpOptNOP = 1
	tcpOptMSS = 2
	tcpOptWS  = 3
	tcpOptSP  = 4 // SACK permitted
	tcpOptTS  = 8
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
		synOptions(b[20:min(off, len(b))], seg)
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

// synOptions reads the options a SYN announces (MSS, window scale, SACK
// permitted, timestamps); a malformed option ends the walk, keeping what came
// before it.
func synOptions(opts []byte, seg *Segment) {
	for len(opts) > 0 {
		switch opts[0] {
		case tcpOptEnd:
			return
		case tcpOptNOP:
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || int(opts[1]) < 2 || int(opts[1]) > len(opts) {
			return
		}
		switch n := opts[1]; {
		case opts[0] == tcpOptMSS && n == 4:
			seg.MSS = be16(opts[2:])
		case opts[0] == tcpOptWS && n == 3:
			seg.WScale, seg.Opts = opts[2], seg.Opts|OptWScale
		case opts[0] == tcpOptSP && n == 2:
			seg.Opts |= OptSACKPerm
		case opts[0] == tcpOptTS && n == 10:
			seg.Opts |= OptTimestamps
		}
		opts = opts[opts[1]:]
	}
}
