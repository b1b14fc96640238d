package capture

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/internal/synth"
)

// fuzzSeeds are small real captures: the files under testdata/captures (if
// any), a synth-built TLS 1.3 connection as pcap, pcapng and gzip, and the
// two-section pcapng from the unit tests.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "captures", "*"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 && len(b) <= 64<<10 {
			seeds = append(seeds, b)
		}
	}
	c := synth.New("10.0.0.1:40000", "10.0.0.2:443").Handshake()
	cert, _ := synth.Cert(c.TS, "fuzz.example.test")
	chunks, err := synth.Transcript(&tls.Config{ServerName: "fuzz.example.test", InsecureSkipVerify: true},
		&tls.Config{Certificates: []tls.Certificate{cert}}, true)
	if err == nil {
		for _, ch := range chunks {
			c.Send(ch.FromClient, ch.Data, 700)
		}
	}
	c.Close(true, false).Close(false, true)
	pc := synth.Pcap(c.Frames, 0)
	ng := (&ng{order: binary.BigEndian}).shb().idb(1, 0)
	for _, fr := range c.Frames {
		ng.epb(0, uint64(fr.TS.UnixMicro()), fr.Data, len(fr.Data))
	}
	two, _ := twoSections(binary.LittleEndian, binary.BigEndian)
	seeds = append(seeds, pc, ng.b, gzipped(f, pc), two, synth.Pcap(c.Frames, 80))
	return seeds
}

// FuzzSource reads any bytes as a capture. Whatever they are, reading ends
// in io.EOF or one *DamageError (or, before the first packet, a not-a-capture
// error), every packet is consistent with its header, and errors never carry
// raw control bytes to a terminal.
func FuzzSource(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, uint8(0))
	}
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{0xd4}, uint8(1))
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, buf uint8) {
		// Small buffers drive records down the copying path; the 1 MiB
		// default would make each run slow.
		bufSize := 4096
		if buf%4 != 0 {
			bufSize = 16 + int(buf)
		}
		s, err := newSource(bytes.NewReader(data), int64(len(data)), bufSize)
		if err != nil {
			checkMessage(t, err)
			var d *DamageError
			if !errors.Is(err, ErrNotCapture) && !errors.As(err, &d) && !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
				t.Fatalf("NewSource: %v (%T) is neither damage nor not-a-capture", err, err)
			}
			return
		}
		defer s.Close()
		_ = s.Format()
		last := int64(-1)
		for n := 0; ; n++ {
			if n > 1<<20 {
				t.Fatal("more than a million packets: a reader loop")
			}
			p, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				checkMessage(t, err)
				d := asDamage(t, err)
				if d.Packet != n+1 {
					t.Fatalf("damage at packet %d after %d good ones", d.Packet, n)
				}
				if again, err2 := s.Next(); err2 != io.EOF {
					t.Fatalf("after damage Next returned %+v, %v", again, err2)
				}
				break
			}
			if p.Index != n+1 || p.CapLen != len(p.Data) || p.CapLen > maxCapLen || p.Offset <= last {
				t.Fatalf("packet %d: Index %d CapLen %d len %d Offset %d (previous %d)",
					n+1, p.Index, p.CapLen, len(p.Data), p.Offset, last)
			}
			if p.Interface < 0 || p.Interface >= len(s.Interfaces()) {
				t.Fatalf("packet %d: interface %d of %d", n+1, p.Interface, len(s.Interfaces()))
			}
			last = p.Offset
		}
	})
}

// checkMessage fails when an error text would put a control byte on a terminal.
func checkMessage(t *testing.T, err error) {
	t.Helper()
	for _, c := range []byte(err.Error()) {
		if c < 0x20 || c == 0x7f {
			t.Fatalf("error message carries control byte 0x%02x: %q", c, err.Error())
		}
	}
}

// FuzzReadRecords re-reads every packet of a capture by its offset, as export
// does, and checks the second read matches the first.
func FuzzReadRecords(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "in.cap")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := NewSource(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var refs []Ref
		var datas [][]byte
		for len(refs) < 1000 {
			p, err := s.Next()
			if err != nil {
				break
			}
			refs = append(refs, Ref{p.Index, p.Offset})
			datas = append(datas, bytes.Clone(p.Data))
		}
		if len(refs) == 0 {
			return
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		i := 0
		err = ReadRecords(path, refs, func(p Packet) error {
			if p.Index != refs[i].Index || !bytes.Equal(p.Data, datas[i]) {
				t.Fatalf("re-read of packet %d differs (index %d)", refs[i].Index, p.Index)
			}
			i++
			return nil
		})
		if err != nil || i != len(refs) {
			t.Fatalf("re-read %d of %d records: %v", i, len(refs), err)
		}
	})
}
