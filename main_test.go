package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// End-to-end tests of damaged and wrong input through the command line:
// what could be read is shown, one line on stderr says what was wrong and
// where, and the exit status is 1 only when nothing could be read.

type frame struct {
	ts   time.Time
	data []byte
}

// tcpFrame builds an Ethernet/IPv4/TCP frame.
func tcpFrame(t testing.TB, src, dst string, sport, dport uint16, syn, ack, rst bool, seq uint32, payload []byte) []byte {
	t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, SYN: syn, ACK: ack, RST: rst, PSH: len(payload) > 0, Window: 65535}
	tcp.SetNetworkLayerForChecksum(ip)
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(buf.Bytes())
}

// clientHello is a TLS record holding a minimal ClientHello for sni.
func clientHello(sni string) []byte {
	ext := []byte{0, 0}
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+5))
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)+3))
	ext = append(ext, 0)
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(sni)))
	ext = append(ext, sni...)
	body := append([]byte{3, 3}, make([]byte, 32)...)
	body = append(body, 0, 0, 2, 0x13, 0x01, 1, 0)
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	hs := append([]byte{1, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	return append([]byte{0x16, 3, 1, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

// baseFrames: a client sends a ClientHello for first.example.test and the
// server resets (flow 1), then a SYN nobody answers (flow 2).
func baseFrames(t testing.TB) []frame {
	ts := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var out []frame
	add := func(b []byte) {
		ts = ts.Add(time.Millisecond)
		out = append(out, frame{ts, b})
	}
	c, s := "10.0.0.1", "10.0.0.2"
	add(tcpFrame(t, c, s, 40000, 443, true, false, false, 999, nil))
	add(tcpFrame(t, s, c, 443, 40000, true, true, false, 4999, nil))
	add(tcpFrame(t, c, s, 40000, 443, false, true, false, 1000, nil))
	add(tcpFrame(t, c, s, 40000, 443, false, true, false, 1000, clientHello("first.example.test")))
	add(tcpFrame(t, s, c, 443, 40000, false, true, true, 5000, nil))
	add(tcpFrame(t, c, "10.0.0.9", 40001, 443, true, false, false, 7, nil))
	return out
}

// lateFrame is a packet of a third flow, placed after the damage.
func lateFrame(t testing.TB) frame {
	return frame{time.Date(2026, 3, 2, 14, 0, 1, 0, time.UTC),
		tcpFrame(t, "10.0.0.1", "10.0.0.3", 40002, 443, false, true, false, 1, clientHello("late.example.test"))}
}

func pcapFile(linkType uint32, snap uint32, frames []frame) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, snap)
	b = binary.LittleEndian.AppendUint32(b, linkType)
	for _, f := range frames {
		b = pcapRecord(b, f, len(f.data))
	}
	return b
}

func pcapRecord(b []byte, f frame, capLen int) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(f.ts.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.ts.Nanosecond()/1000))
	b = binary.LittleEndian.AppendUint32(b, uint32(capLen))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.data)))
	return append(b, f.data...)
}

func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, uint32(12+len(body)))
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, uint32(12+len(body)))
}

func pcapngFile(frames []frame) []byte {
	shb := binary.LittleEndian.AppendUint32(nil, 0x1a2b3c4d)
	shb = append(shb, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b := ngBlock(0x0a0d0d0a, shb)
	b = append(b, ngBlock(1, []byte{1, 0, 0, 0, 0, 0, 4, 0})...)
	for _, f := range frames {
		b = append(b, epb(f)...)
	}
	return b
}

func epb(f frame) []byte {
	us := uint64(f.ts.UnixMicro())
	body := binary.LittleEndian.AppendUint32(nil, 0)
	body = binary.LittleEndian.AppendUint32(body, uint32(us>>32))
	body = binary.LittleEndian.AppendUint32(body, uint32(us))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(f.data)))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(f.data)))
	return ngBlock(6, append(body, f.data...))
}

// summarize writes file and runs `summary --json` on it.
func summarize(t *testing.T, file []byte, extra ...string) (code int, stdout, stderr string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.cap")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code = run(append(append([]string{"summary"}, extra...), path), &out, &errb)
	return code, out.String(), strings.ReplaceAll(errb.String(), path, "IN")
}

// snis lists the SNI of every JSON line (an empty string for none).
func snis(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var r struct {
			ClientHello *struct{ SNI string } `json:"client_hello"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		sni := ""
		if r.ClientHello != nil {
			sni = r.ClientHello.SNI
		}
		out = append(out, sni)
	}
	return out
}

func TestDamagedCapturesShowWhatWasRead(t *testing.T) {
	base := baseFrames(t)
	good := pcapFile(1, 262144, base)
	late := lateFrame(t)
	next := pcapRecord(nil, late, len(late.data))
	ngGood := pcapngFile(base)
	ngNext := epb(late)
	lyingNG := bytes.Clone(ngNext)
	binary.LittleEndian.PutUint32(lyingNG[4:], uint32(len(ngNext)+4000)) // claims more than the file holds
	badTrailer := bytes.Clone(ngNext)
	binary.LittleEndian.PutUint32(badTrailer[len(badTrailer)-4:], 12)
	hugeCap := pcapRecord(nil, late, 0)
	binary.LittleEndian.PutUint32(hugeCap[8:], 1<<30)
	beyondFile := pcapRecord(nil, late, 70000) // within the 256 KiB limit, but the file ends first

	packet := "packet 7 (byte offset " // six packets were read before
	cases := []struct {
		name string
		file []byte
		want []string // in the stderr line
	}{
		{"pcap cut in a record header", append(bytes.Clone(good), next[:9]...),
			[]string{packet, "file ends 9 bytes into a 16-byte record header"}},
		{"pcap cut in a record", append(bytes.Clone(good), next[:40]...),
			[]string{packet, "file ends 40 bytes into a"}},
		{"pcap cut in a packet's bytes", append(bytes.Clone(good), next[:len(next)-3]...),
			[]string{packet, "file ends"}},
		{"pcap caplen over the limit", append(bytes.Clone(good), hugeCap...),
			[]string{packet, "record length 1073741824 exceeds the 262144-byte limit"}},
		{"pcap caplen beyond the end of the file", append(bytes.Clone(good), beyondFile...),
			[]string{packet, "-byte record"}},
		{"pcapng block with a lying length", append(bytes.Clone(ngGood), lyingNG...),
			[]string{packet, "enhanced packet block"}},
		{"pcapng trailing length disagrees", append(bytes.Clone(ngGood), badTrailer...),
			[]string{packet, "at the start but 12 at the end"}},
		{"pcapng cut in a block header", append(bytes.Clone(ngGood), ngNext[:5]...),
			[]string{packet, "file ends 5 bytes into a 8-byte block header"}},
		{"gzip cut short", gzipCut(t, append(bytes.Clone(good), bytes.Repeat(next, 200)...)),
			[]string{"capture damaged at packet", "byte offset"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := summarize(t, tc.file, "--json")
			if code != 0 {
				t.Errorf("exit status %d, want 0 (packets were read)", code)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "pcapsurgery: warning: ") {
				t.Errorf("stderr is not one warning line: %q", stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
			got := snis(t, stdout)
			if len(got) < 2 || got[0] != "first.example.test" {
				t.Errorf("flows before the damage missing: SNIs %q", got)
			}
			// The text table shows the same flows with the same warning.
			code, table, stderr2 := summarize(t, tc.file)
			if code != 0 || !strings.Contains(table, "first.example.test") || stderr2 != stderr {
				t.Errorf("table: exit %d, stderr %q, stdout:\n%s", code, stderr2, table)
			}
		})
	}
}

func gzipAll(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func gzipCut(t *testing.T, b []byte) []byte {
	z := gzipAll(b)
	return z[:len(z)*3/4]
}

func TestUnreadableCapturesExitOne(t *testing.T) {
	base := baseFrames(t)
	good := pcapFile(1, 262144, base)
	firstBad := bytes.Clone(good[:24])
	firstBad = append(firstBad, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0)
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"zero-length file", nil, "not a capture file: empty (0 bytes)"},
		{"1-byte file", []byte{0xd4}, "not a capture file: too short (1 byte)"},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), "looks like a JPEG image"},
		{"text", []byte("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n"), "looks like text"},
		{"cut pcap file header", good[:10], "file ends 10 bytes into a 24-byte pcap file header"},
		{"first record lies", firstBad, "no packet could be read: capture damaged at packet 1 (byte offset 24)"},
		{"gzip of text", gzipAll(bytes.Repeat([]byte("hello world\n"), 1000)), "gzip-compressed, and the content looks like text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := summarize(t, tc.file, "--json")
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q, want one line saying %q", stderr, tc.want)
			}
		})
	}
}

func TestUnknownLinkTypeIsReadAndCounted(t *testing.T) {
	base := baseFrames(t)
	code, stdout, stderr := summarize(t, pcapFile(147, 262144, base))
	if code != 0 {
		t.Errorf("exit status %d (stderr %q)", code, stderr)
	}
	if !strings.Contains(stdout, "6 packets read, 0 TCP; skipped: 6 unsupported link type") {
		t.Errorf("summary does not say the link type was not understood:\n%s", stdout)
	}
}

func TestRecordOverSnapLengthIsRead(t *testing.T) {
	// Like libpcap and Wireshark, a record longer than the header's snap
	// length (but within the 256 KiB sanity limit) is read, not damage:
	// some writers set the snap length wrong.
	base := baseFrames(t)
	code, stdout, stderr := summarize(t, pcapFile(1, 64, base), "--json")
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if got := snis(t, stdout); len(got) != 2 || got[0] != "first.example.test" {
		t.Errorf("SNIs %q", got)
	}
}

func TestSnappedPacketIsPartialNotDamage(t *testing.T) {
	// A record whose bytes stop inside the TCP header (caplen < the headers)
	// is a malformed packet, counted and skipped; the capture goes on.
	base := baseFrames(t)
	late := lateFrame(t)
	file := pcapFile(1, 262144, base)
	rec := pcapRecord(nil, frame{late.ts, late.data[:40]}, 40)
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(late.data)))
	file = append(file, rec...)
	code, stdout, stderr := summarize(t, file)
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "7 packets read, 6 TCP; skipped: 1 malformed or truncated headers") {
		t.Errorf("summary:\n%s", stdout)
	}
}
