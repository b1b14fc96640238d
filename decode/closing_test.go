package decode

import (
	"errors"
	"io"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// TestClosedDirectionsFreeTheirBuffers: a connection reset right after its
// ClientHello gives its decoding buffers back at the RST, not at the end of
// the capture (a busy capture holds thousands of such flows).
func TestClosedDirectionsFreeTheirBuffers(t *testing.T) {
	src, err := capture.Open("../testdata/captures/rst-after-client-hello.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	an := NewAnalyzer()
	sawRST := false
	for {
		p, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		an.Add(&p)
		fs := an.flows[len(an.flows)-1]
		if fs.f.TCP.RST[FromServer] && !sawRST {
			sawRST = true
			for d, s := range [2]*dirState{fs.dir(FromClient), fs.dir(FromServer)} {
				if s != nil && s != finished {
					t.Errorf("direction %v still holds decoding state after the RST", Dir(d))
				}
			}
		}
	}
	if !sawRST {
		t.Fatal("the capture has no RST from the server")
	}
}
