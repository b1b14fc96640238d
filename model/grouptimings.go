package model

import (
	"cmp"
	"slices"
	"time"
)

// PhaseStats are one phase's timings over a group's flows that showed it:
// how many, and the 50th, 90th and 99th percentiles (nearest rank).
type PhaseStats struct {
	N             int
	P50, P90, P99 time.Duration
}

// GroupTimings are a group's PhaseStats in Timings order: network round
// trip, server answer, client answer, first application data, close wait.
type GroupTimings [numPhases]PhaseStats

const numPhases = 5

// The phases' places in GroupTimings.
const (
	PhaseNetworkRTT = iota
	PhaseServerAnswer
	PhaseClientAnswer
	PhaseFirstAppData
	PhaseCloseWait
)

// phaseNames are the JSON names, as a flow's "timings" has them.
var phaseNames = [numPhases]string{"syn_to_syn_ack_ms", "client_hello_to_server_hello_ms",
	"server_flight_to_client_ms", "first_app_data_ms", "close_wait_ms"}

func (t *Timings) phases() [numPhases]Phase {
	return [numPhases]Phase{t.NetworkRTT, t.ServerThink, t.ClientAnswer, t.FirstAppData, t.CloseWait}
}

// timeRec is one known phase of one flow, for one slot (pointer-free).
type timeRec struct {
	slot  int32
	phase int32
	ns    int64
}

// WithTimings makes the grouper keep each flow's phase timings for the
// groups' percentiles (Group.Timings): 16 bytes per phase seen per level,
// and a pass over each flow's timeline, so only summary --by asks.
func (gr *Grouper) WithTimings() *Grouper {
	gr.timed = true
	return gr
}

func (gr *Grouper) addTimings(f *Flow, ids ...int32) {
	t := PhaseTimings(f.Flow)
	for p, ph := range t.phases() {
		if !ph.Known {
			continue
		}
		for _, id := range ids {
			gr.times = append(gr.times, timeRec{id, int32(p), ph.NS})
		}
	}
}

// TimingsOf is the flow's phase timings (a pass over its timeline).
func TimingsOf(f *Flow) Timings { return PhaseTimings(f.Flow) }

// FlowTimings reads the phase timings of flows[i], for GroupIndex.Group.
func FlowTimings(flows []Flow) func(int32) Timings {
	return func(i int32) Timings { return TimingsOf(&flows[i]) }
}

// sortTimes orders the records by slot, phase and duration, and indexes
// each slot's run.
func (gr *Grouper) sortTimes() []int32 {
	slices.SortFunc(gr.times, func(a, b timeRec) int {
		if c := cmp.Compare(a.slot, b.slot); c != 0 {
			return c
		}
		if c := cmp.Compare(a.phase, b.phase); c != 0 {
			return c
		}
		return cmp.Compare(a.ns, b.ns)
	})
	start := make([]int32, gr.slots.len()+1)
	for _, r := range gr.times {
		start[r.slot+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	return start
}

// timingsOf reads slot id's percentiles from its sorted run.
func (s *GroupSet) timingsOf(id int32) *GroupTimings {
	if s.tstart == nil {
		return nil
	}
	var gt GroupTimings
	run := s.gr.times[s.tstart[id]:s.tstart[id+1]]
	for len(run) > 0 {
		p := run[0].phase
		n := 1
		for n < len(run) && run[n].phase == p {
			n++
		}
		vals := run[:n]
		rank := func(q int) time.Duration { return time.Duration(vals[(q*n+99)/100-1].ns) } // nearest rank
		gt[p] = PhaseStats{N: n, P50: rank(50), P90: rank(90), P99: rank(99)}
		run = run[n:]
	}
	return &gt
}

// appendGroupTimings writes "timings": each phase's count and percentiles
// in ms, null for a phase no flow of the group showed.
func appendGroupTimings(b []byte, t *GroupTimings) []byte {
	b = appendKey(b, "timings")
	for p := range numPhases {
		if p == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendString(b, phaseNames[p])
		b = append(b, ':')
		st := t[p]
		if st.N == 0 {
			b = append(b, "null"...)
			continue
		}
		b = append(b, `{"n":`...)
		b = appendInt(b, st.N)
		for _, q := range []struct {
			name string
			d    time.Duration
		}{{"p50", st.P50}, {"p90", st.P90}, {"p99", st.P99}} {
			b = appendKey(b, q.name)
			b = appendFloat(b, float64(q.d)/1e6)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// Timed reports whether the set's groups carry Timings.
func (s *GroupSet) Timed() bool { return s != nil && s.tstart != nil }
