package model

import (
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// Retention bounds the flows a live input (a pipe, an interface) keeps, so
// it can be read for hours: finished flows past a limit are dropped, and
// every batch says how many went. A flow is finished when its connection
// closed (both FINs, or a RST), or when it has been idle for Idle. Failures
// are kept longer than the rest: the age limits differ, and the count limit
// drops the oldest successes while they hold more than half of it, then the
// oldest failures (none within 5 s of its last packet). Ages are capture time:
// the newest packet's time, which on live input is the clock's. Files keep
// every flow.
type Retention struct {
	Flows   int           // finished flows kept at most; 0: no count limit
	OKAge   time.Duration // a finished flow that did not fail is dropped this long after its last packet; 0: never for its age
	FailAge time.Duration // the same for a failed one (Outcome.Failed)
	Idle    time.Duration // an open connection with no packet for this long counts as finished; 0: only a close finishes
}

// DefaultRetention keeps 20,000 finished flows (bench/soak_live.sh: the
// explorer then stays under about 300 MB, summary under 200 MB), successes
// for 10 minutes and failures for an hour; a connection idle for 2 minutes
// (past Linux's 127 s of SYN retries) counts as finished.
var DefaultRetention = Retention{Flows: 20_000, OKAge: 10 * time.Minute, FailAge: time.Hour, Idle: 2 * time.Minute}

// Off reports whether nothing is ever dropped.
func (r Retention) Off() bool { return r.Flows <= 0 && r.OKAge <= 0 && r.FailAge <= 0 }

// Retained is what retention dropped so far, and under which limits.
type Retained struct {
	Limits Retention
	On     bool // live input with retention: the counts below mean something
	OK     int  // finished flows dropped that had not failed
	Failed int  // finished flows dropped that had failed
}

// Dropped is every flow dropped so far.
func (r Retained) Dropped() int { return r.OK + r.Failed }

// SetRetention bounds what a live input keeps (a source of unknown size;
// files keep every flow). Call before Run.
func (l *Loader) SetRetention(r Retention) {
	if l.src == nil || l.src.Size() >= 0 || r.Off() {
		l.ret = nil
		return
	}
	l.ret = &retainer{lim: r, marks: map[int]*retainMark{}}
}

// retainer decides which flows go. It sees every flow as batches carry
// them (the flows changed since the last batch) and keeps a few bytes of
// each: when it last had a packet, whether it failed, whether it closed.
type retainer struct {
	lim     Retention
	now     time.Time // the newest packet's time; never goes back
	marks   map[int]*retainMark
	open    retainQueue // open connections by last packet as last looked at (stale entries are moved on)
	ok      retainQueue // finished flows that did not fail, by last packet
	failed  retainQueue // finished failures, by last packet
	dropped []int       // since the last batch
	stats   Retained
}

type retainMark struct {
	last     time.Time
	failed   bool
	closed   bool
	finished bool // in ok or failed
}

type retainEntry struct {
	id int
	at time.Time // the flow's last packet when queued
}

// retainQueue gives its entries oldest first (a min-heap on at): flows
// finish, and are seen to, in no strict order of their last packet.
type retainQueue struct{ items []retainEntry }

func (q *retainQueue) len() int           { return len(q.items) }
func (q *retainQueue) front() retainEntry { return q.items[0] }

func (q *retainQueue) push(e retainEntry) {
	q.items = append(q.items, e)
	for i := len(q.items) - 1; i > 0; {
		up := (i - 1) / 2
		if !q.items[i].at.Before(q.items[up].at) {
			break
		}
		q.items[i], q.items[up] = q.items[up], q.items[i]
		i = up
	}
}

func (q *retainQueue) pop() retainEntry {
	e := q.items[0]
	n := len(q.items) - 1
	q.items[0] = q.items[n]
	q.items = q.items[:n]
	for i := 0; ; {
		l, least := 2*i+1, i
		if l < n && q.items[l].at.Before(q.items[least].at) {
			least = l
		}
		if r := l + 1; r < n && q.items[r].at.Before(q.items[least].at) {
			least = r
		}
		if least == i {
			break
		}
		q.items[i], q.items[least] = q.items[least], q.items[i]
		i = least
	}
	return e
}

// closedConn reports a connection that is over: both FINs, a RST, or a SYN
// refused by one.
func closedConn(f *decode.Flow) bool {
	t := &f.TCP
	return t.FIN[0] && t.FIN[1] || t.RST[0] || t.RST[1] || t.RefusedByRST
}

// observe takes a batch's flows in.
func (r *retainer) observe(flows []Flow) {
	for i := range flows {
		f := &flows[i]
		m := r.marks[f.ID]
		fresh := m == nil
		if fresh {
			m = &retainMark{}
			r.marks[f.ID] = m
		}
		m.last, m.failed, m.closed = f.Last, f.Outcome.Failed(), closedConn(f.Flow)
		if f.Last.After(r.now) {
			r.now = f.Last
		}
		switch {
		case m.closed && !m.finished:
			m.finished = true
			r.queue(m.failed).push(retainEntry{f.ID, f.Last})
		case fresh && !m.finished:
			r.open.push(retainEntry{f.ID, f.Last})
		}
	}
}

func (r *retainer) queue(failed bool) *retainQueue {
	if failed {
		return &r.failed
	}
	return &r.ok
}

// expire drops what the limits say must go, through drop (the analyzer's).
func (r *retainer) expire(drop func(id int) bool) {
	if r.lim.Idle > 0 {
		cut := r.now.Add(-r.lim.Idle)
		for r.open.len() > 0 && r.open.front().at.Before(cut) {
			e := r.open.pop()
			m := r.marks[e.id]
			switch {
			case m == nil || m.finished:
			case m.last.After(e.at):
				r.open.push(retainEntry{e.id, m.last}) // it had packets since: look again then
			default:
				m.finished = true
				r.queue(m.failed).push(retainEntry{e.id, m.last})
			}
		}
	}
	for _, q := range []struct {
		q   *retainQueue
		age time.Duration
	}{{&r.ok, r.lim.OKAge}, {&r.failed, r.lim.FailAge}} {
		if q.age <= 0 {
			continue
		}
		cut := r.now.Add(-q.age)
		for q.q.len() > 0 && q.q.front().at.Before(cut) {
			r.dropFront(q.q, drop)
		}
	}
	// The count: successes go first while they hold more than half of it,
	// so failures (fewer, in any capture worth reading) stay longest; but
	// never a flow within retainGrace of its last packet, whose close may
	// still have an ACK or a retransmitted FIN on the way (dropped, that
	// packet would start a flow of its own).
	grace := r.now.Add(-retainGrace)
	for r.lim.Flows > 0 && r.ok.len()+r.failed.len() > r.lim.Flows {
		first, second := &r.ok, &r.failed
		if r.ok.len() <= r.lim.Flows/2 && r.failed.len() > 0 || r.ok.len() == 0 {
			first, second = second, first
		}
		switch {
		case first.front().at.Before(grace):
			r.dropFront(first, drop)
		case second.len() > 0 && second.front().at.Before(grace):
			r.dropFront(second, drop)
		default:
			return // everything finished just now: over the count for a moment
		}
	}
}

// retainGrace is how long after its last packet a finished flow is safe
// from the count limit.
const retainGrace = 5 * time.Second

// dropFront drops the oldest flow of q, unless an idle one came back to life.
func (r *retainer) dropFront(q *retainQueue, drop func(id int) bool) {
	e := q.pop()
	m := r.marks[e.id]
	if m == nil {
		return
	}
	if !m.closed && m.last.After(e.at) {
		m.finished = false
		r.open.push(retainEntry{e.id, m.last})
		return
	}
	delete(r.marks, e.id)
	if !drop(e.id) {
		return
	}
	r.dropped = append(r.dropped, e.id)
	if m.failed {
		r.stats.Failed++
	} else {
		r.stats.OK++
	}
}

// take fills a batch's retention fields: the flows dropped since the last.
func (r *retainer) take(b *Batch) {
	b.Dropped, r.dropped = r.dropped, nil
	b.Retained = r.stats
	b.Retained.Limits, b.Retained.On = r.lim, true
}
