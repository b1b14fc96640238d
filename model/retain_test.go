package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// repeatedStream is mix40.pcap (40 flows of every kind, all settled by
// their end) and a ClientHello that is never answered nor closed (a flow
// that never settles), n times over as one pcap stream, each pass `gap`
// later than the one before, as live input that ran for hours would be.
func repeatedStream(t *testing.T, n int, gap time.Duration) []byte {
	t.Helper()
	head, recs := pcapRecords(t, filepath.Join("..", "ui", "testdata", "mix40.pcap"))
	_, hang := pcapRecords(t, filepath.Join("..", "testdata", "captures", "ends-after-client-hello.pcap"))
	start := binary.LittleEndian.Uint32(recs[0])
	hangStart := binary.LittleEndian.Uint32(hang[0])
	var b bytes.Buffer
	b.Write(head)
	for k := range n {
		shift := uint32(time.Duration(k) * gap / time.Second)
		for _, r := range recs {
			r = bytes.Clone(r)
			binary.LittleEndian.PutUint32(r, binary.LittleEndian.Uint32(r)+shift)
			b.Write(r)
		}
		for _, r := range hang {
			r = bytes.Clone(r)
			binary.LittleEndian.PutUint32(r, binary.LittleEndian.Uint32(r)-hangStart+start+shift+1)
			// A client port of its own each pass (Ethernet, 20-byte IPv4
			// header: TCP at 16+34), so each pass is a connection of its own.
			tcp := r[16+34:]
			for _, at := range []int{0, 2} {
				if binary.BigEndian.Uint16(tcp[at:]) == hangPort {
					binary.BigEndian.PutUint16(tcp[at:], hangPort+uint16(k))
				}
			}
			b.Write(r)
		}
	}
	return b.Bytes()
}

// hangPort is the client port in ends-after-client-hello.pcap.
const hangPort = 40702

// trickle hands out a stream in pieces with pauses between, as a pipe
// does, so the loader sends several batches and retention acts on each.
type trickle struct {
	b     []byte
	piece int
	reads int
}

func (r *trickle) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if r.reads > 0 {
		time.Sleep(120 * time.Millisecond) // past the loader's 100 ms batch interval
	}
	r.reads++
	n := copy(p[:min(len(p), r.piece)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// runLive loads stream as live input with retention r, collecting batches.
func runLive(t *testing.T, stream []byte, r Retention) (*Loader, []Batch) {
	t.Helper()
	src, err := capture.NewSource(&trickle{b: stream, piece: len(stream)/5 + 1}, -1)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLoader(src)
	l.SetRetention(r)
	var bs []Batch
	if err := l.Run(context.Background(), func(b Batch) { bs = append(bs, b) }); err != nil {
		t.Fatal(err)
	}
	return l, bs
}

// allFlows is the stream's flows with nothing dropped.
func allFlows(t *testing.T, stream []byte) []Flow {
	l, _ := runLive(t, stream, Retention{})
	return l.Flows()
}

// TestRetentionByCount: five passes a minute apart with room for 60
// finished flows. Open flows are never dropped; a finished flow within 5 s
// of the newest packet is never dropped for the count (its close may still
// have an ACK on the way); past the limit the rest go, failures kept
// longest; the batches name each dropped flow once, and the last batch
// counts them by kind.
func TestRetentionByCount(t *testing.T) {
	stream := repeatedStream(t, 5, time.Minute)
	all := allFlows(t, stream)
	const limit = 60
	l, bs := runLive(t, stream, Retention{Flows: limit})
	kept := map[int]bool{}
	for _, f := range l.Flows() {
		kept[f.ID] = true
	}
	dropped := map[int]bool{}
	for _, b := range bs {
		for _, id := range b.Dropped {
			if dropped[id] {
				t.Fatalf("flow %d dropped twice", id)
			}
			dropped[id] = true
		}
	}
	var now time.Time
	for _, f := range all {
		if f.Last.After(now) {
			now = f.Last
		}
	}
	grace := now.Add(-retainGrace)
	var keptFinished, keptOld, wantOK, wantFailed int
	var oldestOK, oldestFailed time.Time
	oldest := func(t *time.Time, at time.Time) {
		if t.IsZero() || at.Before(*t) {
			*t = at
		}
	}
	for _, f := range all {
		switch {
		case !closedConn(f.Flow):
			if !kept[f.ID] || dropped[f.ID] {
				t.Errorf("open flow %d (%s) was dropped", f.ID, f.Badge)
			}
		case kept[f.ID]:
			keptFinished++
			if f.Last.Before(grace) {
				keptOld++
			}
			if f.Outcome.Failed() {
				oldest(&oldestFailed, f.Last)
			} else {
				oldest(&oldestOK, f.Last)
			}
		case dropped[f.ID]:
			if !f.Last.Before(grace) {
				t.Errorf("flow %d dropped within 5 s of the newest packet", f.ID)
			}
			if f.Outcome.Failed() {
				wantFailed++
			} else {
				wantOK++
			}
		default:
			t.Errorf("flow %d neither kept nor reported dropped", f.ID)
		}
	}
	if wantOK == 0 || wantFailed == 0 || keptOld == 0 {
		t.Fatalf("dropped %d ok and %d failed, kept %d outside the grace: the stream does not test the limit", wantOK, wantFailed, keptOld)
	}
	if keptFinished > limit {
		t.Errorf("%d finished flows kept, over the limit %d", keptFinished, limit)
	}
	if !oldestFailed.Before(oldestOK) {
		t.Errorf("the oldest failure kept ended %v, the oldest success %v: failures must be kept longer", oldestFailed, oldestOK)
	}
	last := bs[len(bs)-1].Retained
	if !last.On || last.OK != wantOK || last.Failed != wantFailed {
		t.Errorf("retained %+v, want %d ok and %d failed dropped", last, wantOK, wantFailed)
	}
	for id := range dropped {
		if p := l.Packets(id); p.Total != 0 {
			t.Fatalf("dropped flow %d still has %d packets listed", id, p.Total)
		}
	}
}

// TestRetentionByAge: three passes an hour apart, successes kept 30
// minutes and failures 90: the first pass goes whole, the second keeps
// only its failures (idle ones too), the third stays whole.
func TestRetentionByAge(t *testing.T) {
	stream := repeatedStream(t, 3, time.Hour)
	all := allFlows(t, stream)
	const pass = 41
	if len(all) != 3*pass {
		t.Fatalf("%d flows, want 3 x %d", len(all), pass)
	}
	l, bs := runLive(t, stream, Retention{OKAge: 30 * time.Minute, FailAge: 90 * time.Minute, Idle: 2 * time.Minute})
	kept := map[int]bool{}
	for _, f := range l.Flows() {
		kept[f.ID] = true
	}
	wantOK, wantFailed := 0, 0
	for i, f := range all {
		pass := i / pass
		want := pass == 2 || pass == 1 && f.Outcome.Failed()
		if kept[f.ID] != want {
			t.Errorf("pass %d flow %d (%s): kept %v, want %v", pass+1, f.ID, f.Badge, kept[f.ID], want)
		}
		if !want {
			if f.Outcome.Failed() {
				wantFailed++
			} else {
				wantOK++
			}
		}
	}
	if r := bs[len(bs)-1].Retained; r.OK != wantOK || r.Failed != wantFailed {
		t.Errorf("retained %+v, want %d ok and %d failed dropped", r, wantOK, wantFailed)
	}
}

// TestRetentionFilesKeepAll: a file (known size) keeps every flow whatever
// the limits say.
func TestRetentionFilesKeepAll(t *testing.T) {
	src, err := capture.Open(filepath.Join("..", "ui", "testdata", "mix40.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	l := NewLoader(src)
	l.SetRetention(Retention{Flows: 1, OKAge: time.Nanosecond, FailAge: time.Nanosecond, Idle: time.Nanosecond})
	var dropped int
	if err := l.Run(context.Background(), func(b Batch) { dropped += len(b.Dropped) }); err != nil {
		t.Fatal(err)
	}
	if n := len(l.Flows()); n != 40 || dropped != 0 {
		t.Errorf("a file kept %d of 40 flows, %d dropped", n, dropped)
	}
}

// TestLiveSummaryPrintsDroppedFlows: summary on live input with a tight
// retention still prints every flow exactly once: a flow dropped while
// still open (idle) is printed as it stood.
func TestLiveSummaryPrintsDroppedFlows(t *testing.T) {
	stream := repeatedStream(t, 3, time.Hour)
	src, err := capture.NewSource(&trickle{b: stream, piece: len(stream)/5 + 1}, -1)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLoader(src)
	l.SetRetention(Retention{Flows: 5, OKAge: time.Minute, FailAge: time.Minute, Idle: time.Minute})
	var out bytes.Buffer
	lw := NewLiveWriter(&out, true, nil)
	dropped := 0
	var bs []Batch
	if err := l.Run(context.Background(), func(b Batch) { dropped += len(b.Dropped); bs = append(bs, b); lw.Batch(b) }); err != nil {
		t.Fatal(err)
	}
	if err := lw.Finish(l, l.Stats()); err != nil {
		t.Fatal(err)
	}
	if dropped < 80 || len(bs) < 3 {
		t.Fatalf("%d flows dropped in %d batches; the test wants most of the 123, over several batches", dropped, len(bs))
	}
	seen := map[int]int{}
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var f struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		seen[f.ID]++
	}
	for id := 1; id <= 123; id++ {
		if seen[id] != 1 {
			t.Errorf("flow %d printed %d times", id, seen[id])
		}
	}
}
