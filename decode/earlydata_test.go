package decode_test

import (
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
	"github.com/pcapsurgery/pcapsurgery/model"
)

// earlyDataFlow: a ClientHello offering early_data, a ServerHello accepting
// the PSK (TLS_AES_128_GCM_SHA256), the server's EncryptedExtensions and
// Finished, then the client's records after that flight.
func earlyDataFlow(after ...int) []synth.Frame {
	earlyExt := []byte{0x00, 0x2a, 0x00, 0x00}
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	ch := clientHelloBody(append(sniExt("early.example.test"), earlyExt...))
	c.Send(true, synth.Records(handshakeMsg(1, len(ch), ch)), 0)
	sh := []byte{0x03, 0x03}
	sh = append(sh, make([]byte, 32)...)
	sh = append(sh, 0, 0x13, 0x01, 0, // no session id, cipher, compression
		0, 12, 0x00, 0x2b, 0, 2, 0x03, 0x04, 0x00, 0x29, 0, 2, 0, 0) // supported_versions 1.3, pre_shared_key 0
	c.Send(false, synth.Records(handshakeMsg(2, len(sh), sh)), 0)
	c.Send(false, append(appRecord(30), appRecord(53)...), 0) // EncryptedExtensions, Finished
	for _, n := range after {
		c.Send(true, appRecord(n), 0)
	}
	c.Send(false, appRecord(40), 0)
	c.Close(true, false).Close(false, false)
	return c.Frames
}

func appRecord(n int) []byte {
	return append([]byte{0x17, 0x03, 0x03, byte(n >> 8), byte(n)}, make([]byte, n)...)
}

func TestEarlyDataAfterTheServersFlight(t *testing.T) {
	for _, c := range []struct {
		name    string
		after   []int
		history string
	}{
		// Early data sent late (GnuTLS does), EndOfEarlyData, Finished, data.
		{"accepted", []int{100, 21, 53, 30}, "CsoDEFD"},
		// PSK taken, early data refused: no EndOfEarlyData; the Finished-sized record is Finished.
		{"refused", []int{53, 30}, "CsoFD"},
	} {
		flows := analyzeFrames(t, earlyDataFlow(c.after...))
		f := &flows[0]
		if f.Outcome != model.Resumed || model.History(f.Flow) != c.history+"d" {
			t.Errorf("%s: %s %s (%s), want resumed %sd", c.name, f.Outcome, model.History(f.Flow), f.Diagnosis, c.history)
		}
	}
}
