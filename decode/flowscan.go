package decode

import (
	"cmp"
	"slices"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
	"github.com/pcapsurgery/pcapsurgery/decode/packet"
)

// ReadFlowPackets calls fn with every packet of the flows (only their
// evidence when evidenceOnly), each once, in file order. Listed packets are
// read where they are; the others of a flow that is not Complete are found
// by reading its byte range and keeping the packets between its endpoints:
// in that range, every such packet is the flow's, since a tuple belongs to
// one flow at a time and a new connection on it starts a new flow.
func ReadFlowPackets(path string, flows []FlowPackets, evidenceOnly bool, fn func(capture.Packet) error) error {
	return ReadFlowPacketsIn([]string{path}, flows, evidenceOnly, fn)
}

// ReadFlowPacketsIn is ReadFlowPackets for the files a capture.Source of
// several read, in that order.
func ReadFlowPacketsIn(paths []string, flows []FlowPackets, evidenceOnly bool, fn func(capture.Packet) error) error {
	return ReadFlowPacketsFrom(files(paths), flows, evidenceOnly, fn)
}

// Records re-reads packets by the Index and Offset their first read gave
// them: the capture files, or a live input's capture.Spool.
type Records interface {
	ReadRecords(refs []capture.Ref, fn func(capture.Packet) error) error
	ScanRecords(from capture.Ref, to int64, fn func(capture.Packet) error) error
}

// FileRecords is Records over capture files read as one (a Source of
// several files, in its order).
func FileRecords(paths []string) Records { return files(paths) }

// files is Records over capture files read as one.
type files []string

func (p files) ReadRecords(refs []capture.Ref, fn func(capture.Packet) error) error {
	return capture.ReadRecordsIn(p, refs, fn)
}

func (p files) ScanRecords(from capture.Ref, to int64, fn func(capture.Packet) error) error {
	return capture.ScanRecordsIn(p, from, to, fn)
}

// ReadFlowPacketsFrom is ReadFlowPackets reading from recs.
func ReadFlowPacketsFrom(recs Records, flows []FlowPackets, evidenceOnly bool, fn func(capture.Packet) error) error {
	var listed []capture.Ref
	var scan []FlowPackets
	for _, f := range flows {
		if !evidenceOnly && !f.Complete && f.Total > 0 {
			scan = append(scan, f)
			continue
		}
		for _, r := range f.Listed {
			if !evidenceOnly || r.Evidence {
				listed = append(listed, capture.Ref{Index: r.Index, Offset: r.Offset})
			}
		}
	}
	slices.SortFunc(listed, func(a, b capture.Ref) int { return cmp.Compare(a.Offset, b.Offset) })
	listed = slices.CompactFunc(listed, func(a, b capture.Ref) bool { return a.Offset == b.Offset })
	if len(scan) == 0 {
		return recs.ReadRecords(listed, fn)
	}
	return scanFlows(recs, listed, scan, fn)
}

// scanFlows reads from the first packet any flow needs to the last one and
// keeps the listed packets and those of the scanned flows.
func scanFlows(recs Records, listed []capture.Ref, scan []FlowPackets, fn func(capture.Packet) error) error {
	from := capture.Ref{Index: scan[0].From.Index, Offset: scan[0].From.Offset}
	to := scan[0].To
	tab := newFlowTable() // its hash and endpoint test, not its map
	byHash := make(map[uint64][]*FlowPackets, len(scan))
	for i := range scan {
		f := &scan[i]
		if f.From.Offset < from.Offset {
			from = capture.Ref{Index: f.From.Index, Offset: f.From.Offset}
		}
		to = max(to, f.To)
		h := tab.hash(f.Client.Addr(), f.Server.Addr(), f.Client.Port(), f.Server.Port())
		byHash[h] = append(byHash[h], f)
	}
	if len(listed) > 0 && listed[0].Offset < from.Offset {
		from = listed[0]
	}
	if n := len(listed); n > 0 {
		to = max(to, listed[n-1].Offset)
	}
	dec := packet.NewDecoder()
	var seg packet.Segment
	return recs.ScanRecords(from, to, func(p capture.Packet) error {
		for len(listed) > 0 && listed[0].Offset < p.Offset {
			listed = listed[1:] // not a record start: nothing to keep there
		}
		if len(listed) > 0 && listed[0].Offset == p.Offset {
			listed = listed[1:]
			return fn(p)
		}
		if dec.Decode(p.LinkType, p.Data, &seg) != packet.SkipNone {
			return nil
		}
		h := tab.hash(seg.Src, seg.Dst, seg.SrcPort, seg.DstPort)
		for _, f := range byHash[h] {
			if p.Offset >= f.From.Offset && p.Offset <= f.To && between(&seg, f.Client, f.Server) {
				return fn(p)
			}
		}
		return nil
	})
}
