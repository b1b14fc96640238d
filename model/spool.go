package model

import (
	"fmt"
	"github.com/pcapsurgery/pcapsurgery/decode"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// DefaultSpool is the export spool's size cap on live input: at 10 MB/s of
// capture (some 20,000 short TLS connections a second) the last half
// minute, at 1 MB/s several minutes.
const DefaultSpool = 256 << 20

// SetSpool keeps the newest packets of a live input (a source of unknown
// size: a pipe, an interface) in a spool of at most limit bytes under dir
// ("" for the system's temporary directory), so its flows can be exported.
// limit <= 0, or a file, keeps none. Call before Run; Close removes it.
func (l *Loader) SetSpool(dir string, limit int64) error {
	if limit <= 0 || l.src == nil || l.src.Size() >= 0 {
		return nil
	}
	sp, err := capture.NewSpool(dir, limit)
	if err != nil {
		return err
	}
	l.spool = sp
	return nil
}

// Spool is the live input's export spool, or nil.
func (l *Loader) Spool() *capture.Spool { return l.spool }

// Close removes the export spool, if any. The loader must not run after.
func (l *Loader) Close() error {
	if l.spool == nil {
		return nil
	}
	return l.spool.Close()
}

// prepare is what the reading goroutine does with each batch before
// analysis: frame decoding, and the spool's copy of the packets.
func (l *Loader) prepare() func(*capture.Batch) {
	pre := l.an.Predecode()
	sp := l.spool
	if sp == nil {
		return pre
	}
	return func(b *capture.Batch) {
		sp.Write(b.Packets)
		pre(b)
	}
}

// spoolNote says how far back the spool reaches: "it keeps the newest 256M
// of the input: packet 51234 (14:02:03.123) on".
func spoolNote(st capture.SpoolState) string {
	s := "the export spool keeps the newest " + SizeWord(st.Max) + " of the input"
	if st.Left {
		s += fmt.Sprintf(": packet %d", st.First.Index)
		if !st.FirstAt.IsZero() {
			s += " (" + st.FirstAt.UTC().Format("15:04:05.000") + " UTC)"
		}
		s += " on"
	}
	if st.Err != nil {
		s += fmt.Sprintf("; it stopped before packet %d: %v", st.Stopped.Index, st.Err)
	}
	return s
}

// SizeWord is a size as the flags take it: 256M, 1G, 1500K (an odd
// count: "1500 bytes").
func SizeWord(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dG", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// spoolHolder is what a Loader of live input offers: the spool its packets
// went to.
type spoolHolder interface {
	Spool() *capture.Spool
}

func spoolOf(refs RefLister) *capture.Spool {
	if h, ok := refs.(spoolHolder); ok {
		return h.Spool()
	}
	return nil
}

// exportFiles re-reads the capture files.
func exportFiles(paths []string) decode.Records { return decode.FileRecords(paths) }

// checkSource is checkInput for a file; the spool needs no check.
func checkSource(refs RefLister, input string, spool *capture.Spool) error {
	if spool != nil {
		return nil
	}
	return checkInput(refs, input)
}

// spoolMissing compares what was written with what the flows had: packets
// that left the spool before the export are named (an error when none of
// them was left, so no empty file appears).
func spoolMissing(spool *capture.Spool, req ExportRequest, list []decode.FlowPackets, written int) (string, error) {
	want := 0
	var early []int // flows that began before the spool's oldest packet
	st := spool.State()
	for i, f := range list {
		n := f.Total
		if req.Mode == ExportEvidence {
			n = 0
			for _, r := range f.Listed {
				if r.Evidence {
					n++
				}
			}
		}
		want += n
		if first := f.From.Offset; n > 0 && (st.Left && first < st.First.Offset || st.Err != nil) {
			early = append(early, req.Flows[i])
		}
	}
	if written >= want {
		return "", nil
	}
	which := flowWords(early)
	if written == 0 {
		return "", fmt.Errorf("nothing to export: the packets of %s had left the export spool (%s); %s was not written", which, spoolNote(st), req.Out)
	}
	return fmt.Sprintf("%d of %d packet%s of %s had left the export spool (%s)", want-written, want, plural(want), which, spoolNote(st)), nil
}

// flowWords names flows: "flow 12", "flows 12, 40 and 7 more".
func flowWords(ids []int) string {
	switch len(ids) {
	case 0:
		return "the flows"
	case 1:
		return fmt.Sprintf("flow %d", ids[0])
	}
	s := "flows"
	for i, id := range ids[:min(len(ids), 3)] {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %d", id)
	}
	if len(ids) > 3 {
		s += fmt.Sprintf(" and %d more", len(ids)-3)
	}
	return s
}
