package model

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

// TestIndexFlowsEqualsSet: the index built on every core groups as one
// set a flow at a time does, for every key and for pairs, over random flows
// (with far times and empty places) and bundled captures.
func TestIndexFlowsEqualsSet(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // more goroutines than this machine's cores
	sets := map[string][]Flow{"random": randomFlows(5000), "none": nil}
	for _, p := range []string{"../testdata/demo.pcapng", "../testdata/synth-mix.pcapng", "../testdata/captures/contrast.pcap"} {
		sets[filepath.Base(p)] = loadFlows(t, p)
	}
	pairs := [][]GroupKey{{ByServer, ByJA4}, {ByClient, ByServer}, {BySNI, ByJA4a}, {ByIssuer, ByAlert}}
	for _, k := range GroupKeys {
		pairs = append(pairs, []GroupKey{k})
	}
	for name, flows := range sets {
		got := IndexFlows(flows)
		want, all := indexed(flows)
		if got.Len() != want.Len() || got.Span() != want.Span() {
			t.Fatalf("%s: %d rows, span %v; want %d, %v", name, got.Len(), got.Span(), want.Len(), want.Span())
		}
		for _, k := range GroupKeys {
			if got.Values(k) != want.Values(k) {
				t.Errorf("%s: %d values of %s, want %d", name, got.Values(k), k, want.Values(k))
			}
		}
		span := want.Span()
		for _, by := range pairs {
			g := got.Group(all, by, span, GroupBuckets, GroupByKey, nil).Groups()
			w := want.Group(all, by, span, GroupBuckets, GroupByKey, nil).Groups()
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%s by %v:\n got %+v\nwant %+v", name, by, g, w)
			}
		}
		// Set goes on working on the built index (flows arriving after).
		if len(flows) > 1 {
			got.Set(len(flows), &flows[0])
			want.Set(len(flows), &flows[0])
			all = append(all, int32(len(flows)))
			g := got.Group(all, []GroupKey{ByServer}, got.Span(), GroupBuckets, GroupByFlows, nil).Groups()
			w := want.Group(all, []GroupKey{ByServer}, want.Span(), GroupBuckets, GroupByFlows, nil).Groups()
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%s: after one more flow:\n got %+v\nwant %+v", name, g, w)
			}
		}
	}
}
