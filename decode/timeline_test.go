package decode

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unsafe"
)

// TestTimelineGivesBackEveryEvent: a packed timeline reads back exactly
// what went in, at the ends of every field's range (times pinned to the
// int64 ends, a time going backwards, a hole of unknown size, kinds past
// the header's bits) and on random events.
func TestTimelineGivesBackEveryEvent(t *testing.T) {
	edge := []Event{
		{At: math.MinInt64, Kind: EvSYN},
		{At: math.MaxInt64, Kind: EvSYNACK, Dir: FromServer},
		{At: 1_700_000_000_000_000_000, Kind: EvAlert, Code: 2<<8 | 40, Len: 2},
		{At: 1_699_999_999_999_999_999, Kind: EvGap, Len: -1},
		{At: 0, Kind: EvHandshake, Code: math.MaxUint16, Len: 1 << 30, Dir: FromServer},
		{At: -5, Kind: 31, Code: 1},
		{At: 7, Kind: 255, Len: math.MinInt32, Dir: FromServer},
		{At: 7, Kind: 0},
	}
	check := func(events []Event) {
		t.Helper()
		tl := MakeTimeline(events...)
		if got := tl.Events(); !slices.Equal(got, events) {
			t.Fatalf("read back\n%v\nwant\n%v", got, events)
		}
		if tl.Len() != len(events) {
			t.Fatalf("Len %d, want %d", tl.Len(), len(events))
		}
		f := &Flow{Timeline: tl}
		n := 0
		for i, e := range f.Events {
			if i != n || e != events[i] {
				t.Fatalf("Events yields %d %v, want %d %v", i, e, n, events[n])
			}
			n++
		}
	}
	check(nil)
	check(edge)
	for i := range edge {
		check(edge[i:]) // each one first
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		events := make([]Event, rng.IntN(maxEvents))
		base := rng.Int64()
		for i := range events {
			events[i] = Event{At: base + rng.Int64N(1<<40) - 1<<20, Len: rng.Int32() - 1<<30,
				Code: uint16(rng.IntN(1 << 16)), Dir: Dir(rng.IntN(2)), Kind: EventKind(rng.IntN(40))}
			if rng.IntN(3) == 0 {
				events[i].Len, events[i].Code = 0, 0
			}
		}
		check(events)
	}
}

// TestTimelineAppendLeavesTheOriginal: a published flow and the copy the
// analyzer goes on writing share a timeline's bytes; neither an append nor
// a flip of the copy changes what the published one reads.
func TestTimelineAppendLeavesTheOriginal(t *testing.T) {
	published := MakeTimeline(Event{At: 10, Kind: EvSYN}, Event{At: 20, Kind: EvSYNACK, Dir: FromServer})
	before := published.Events()
	cp := published.Append(Event{At: 30, Kind: EvACK})
	cp = cp.Append(Event{At: 40, Kind: EvHandshake, Code: 1, Len: 512})
	if !slices.Equal(published.Events(), before) {
		t.Fatalf("an append changed the original: %v", published.Events())
	}
	flipped := cp.flipped()
	if !slices.Equal(published.Events(), before) || cp.Len() != 4 {
		t.Fatalf("a flip changed the original: %v", published.Events())
	}
	for i, e := range flipped.All {
		want := cp.Events()[i]
		want.Dir ^= 1
		if e != want {
			t.Fatalf("flipped event %d = %v, want %v", i, e, want)
		}
	}
}

// TestTimelineCapCountsWhatWasCut: past maxEvents a flow's timeline stops
// and EventsCut counts the rest, whatever the events' packed sizes.
func TestTimelineCapCountsWhatWasCut(t *testing.T) {
	for _, step := range []time.Duration{0, time.Hour} { // 2-byte events, and 7-byte ones
		fs := &flowState{f: &Flow{Last: time.Unix(1_700_000_000, 0)}}
		for range maxEvents + 7 {
			fs.event(FromClient, EvRetransmit, 0, 0)
			fs.f.Last = fs.f.Last.Add(step)
		}
		if n := fs.f.Timeline.Len(); n != maxEvents || fs.f.Timeline.Cut() != 7 {
			t.Fatalf("step %v: %d events kept, %d cut; want %d and 7", step, n, fs.f.Timeline.Cut(), maxEvents)
		}
	}
}

// TestTimelineKeepsAFlowIn288Bytes: the timeline's 16 bytes (not a slice's
// 24 and a separate cut count) keep a flow in the 288-byte size class; a
// flow that grows past it costs 32 bytes more, a million flows 32 MB.
func TestTimelineKeepsAFlowIn288Bytes(t *testing.T) {
	if s := unsafe.Sizeof(Flow{}); s > 288 {
		t.Errorf("a Flow is %d bytes: a 320-byte object", s)
	}
}

// TestTimelineBuiltByHandStopsAt64KiB: a timeline holds 64 KiB of events;
// a longer one built by hand counts the rest as cut, and a flip keeps the
// count.
func TestTimelineBuiltByHandStopsAt64KiB(t *testing.T) {
	var tl Timeline
	n := 0
	for tl.Cut() == 0 {
		tl = tl.Append(Event{At: int64(n), Kind: EvHandshake, Code: 300, Len: 1 << 20})
		n++
	}
	if got := tl.Len(); got != n-1 || got < maxTimelineBytes/tlMaxEvent {
		t.Fatalf("%d events kept of %d", got, n)
	}
	if f := tl.flipped(); f.Cut() != 1 || f.Len() != n-1 {
		t.Fatalf("flipped: %d kept, %d cut", f.Len(), f.Cut())
	}
}
