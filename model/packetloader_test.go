package model

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// TestPacketLoaderFindsTheSameFlows: `export --flow ID` loads without TLS
// decoding, so its flow IDs and packets must be exactly the full load's.
func TestPacketLoaderFindsTheSameFlows(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	for _, p := range append(paths, more...) {
		full, lite := loadWith(t, p, NewLoader), loadWith(t, p, NewPacketLoader)
		if full.Stats().Flows != lite.Stats().Flows {
			t.Fatalf("%s: %d flows, %d without TLS decoding", p, full.Stats().Flows, lite.Stats().Flows)
		}
		for id := 1; id <= full.Stats().Flows; id++ {
			a, b := full.Packets(id), lite.Packets(id)
			if a.Total != b.Total || a.From != b.From || a.To != b.To || a.Client != b.Client {
				t.Fatalf("%s flow %d: %+v, without TLS decoding %+v", p, id, a, b)
			}
			if !b.Complete || len(b.Listed) != b.Total {
				t.Fatalf("%s flow %d: the packet loader listed %d of %d packets", p, id, len(b.Listed), b.Total)
			}
		}
	}
}

func loadWith(t *testing.T, path string, newLoader func(*capture.Source) *Loader) *Loader {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	l := newLoader(src)
	l.Run(context.Background(), nil)
	return l
}

// TestScannedFlowsMatchListedFlows: a full load lists only evidence packets
// and finds the rest of a flow by scanning its byte range. On every bundled
// capture (pcap, pcapng with several interfaces, gzip, VLAN, Linux cooked)
// that must give exactly the packets the packet loader lists one by one,
// flow by flow and for all flows at once.
func TestScannedFlowsMatchListedFlows(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	scanned := 0
	for _, p := range append(paths, more...) {
		full, lite := loadWith(t, p, NewLoader), loadWith(t, p, NewPacketLoader)
		var all []decode.FlowPackets
		var want []int
		for id := 1; id <= full.Stats().Flows; id++ {
			fp := full.Packets(id)
			all = append(all, fp)
			if !fp.Complete {
				scanned++
			}
			ids := indexesOf(lite.Packets(id).Listed)
			want = append(want, ids...)
			if got := readFlowIndexes(t, p, fp); !slices.Equal(got, ids) {
				t.Fatalf("%s flow %d: scanned %v, want %v", p, id, got, ids)
			}
		}
		slices.Sort(want)
		if got := readFlowIndexes(t, p, all...); !slices.Equal(got, slices.Compact(want)) {
			t.Fatalf("%s all flows: scanned %d packets, want %d", p, len(got), len(want))
		}
	}
	if scanned < 50 {
		t.Fatalf("only %d flows needed a scan", scanned)
	}
}

func indexesOf(refs []decode.PacketRef) []int {
	out := make([]int, len(refs))
	for i, r := range refs {
		out[i] = r.Index
	}
	return out
}

func readFlowIndexes(t *testing.T, path string, flows ...decode.FlowPackets) []int {
	t.Helper()
	var out []int
	err := decode.ReadFlowPackets(path, flows, false, func(p capture.Packet) error {
		out = append(out, p.Index)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// TestReportLoaderReportsTheSame: summary and diff load without listing
// packets; every flow must come out as the full load's, byte for byte, and
// asking it for packets gives none rather than stale or foreign ones.
func TestReportLoaderReportsTheSame(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/captures/*.pcap*")
	more, _ := filepath.Glob("../testdata/*.pcapng")
	for _, p := range append(paths, more...) {
		full, report := loadWith(t, p, NewLoader), loadWith(t, p, NewReportLoader)
		var a, b bytes.Buffer
		if err := full.WriteJSONLines(&a, nil); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteJSONLines(&b, nil); err != nil {
			t.Fatal(err)
		}
		if a.Len() == 0 || a.String() != b.String() {
			t.Fatalf("%s: the report load's JSON differs from the full load's (%d and %d bytes)", p, b.Len(), a.Len())
		}
		for id := 1; id <= report.Stats().Flows; id++ {
			if got := report.Packets(id); got.Total != 0 || len(got.Listed) != 0 {
				t.Fatalf("%s flow %d: the report load listed packets %+v", p, id, got)
			}
		}
	}
}
