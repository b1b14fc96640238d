package synth

import (
	"bytes"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Pcapng writes frames as a pcapng file with one Ethernet interface and
// nanosecond timestamps.
func Pcapng(frames []Frame) ([]byte, error) {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	if err != nil {
		return nil, err
	}
	for _, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: f.TS, CaptureLength: len(f.Data), Length: len(f.Data)}
		if err := w.WritePacket(ci, f.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
