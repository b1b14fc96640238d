package model

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// The source captures are built here: real TLS 1.2 handshakes (crypto/tls
// over loopback, bytes recorded per write) laid out as hand-made
// Ethernet/IPv4/TCP packets, so the real decoder finds flows and evidence.

type exChunk struct {
	fromClient bool
	data       []byte
}

type exRecConn struct {
	net.Conn
	fromClient bool
	mu         *sync.Mutex
	log        *[]exChunk
}

func (c exRecConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	*c.log = append(*c.log, exChunk{c.fromClient, bytes.Clone(b)})
	c.mu.Unlock()
	return c.Conn.Write(b)
}

var (
	exCertOnce sync.Once
	exCert     tls.Certificate
)

func exServerCert(t *testing.T) tls.Certificate {
	exCertOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "test"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		exCert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	return exCert
}

// exTLSExchange runs a TLS 1.2 handshake, one request, and bulk responses
// of 1000 bytes each, and returns every write in order.
func exTLSExchange(t *testing.T, sni string, responses int) []exChunk {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var log []exChunk
	srvErr := make(chan error, 1)
	cert := exServerCert(t) // here: t.Fatal must not run on the server goroutine
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srvErr <- err
			return
		}
		defer c.Close()
		tc := tls.Server(exRecConn{c, false, &mu, &log}, &tls.Config{
			Certificates: []tls.Certificate{cert},
			MaxVersion:   tls.VersionTLS12,
		})
		buf := make([]byte, 100)
		if _, err := tc.Read(buf); err != nil {
			srvErr <- err
			return
		}
		for range responses {
			if _, err := tc.Write(bytes.Repeat([]byte{'x'}, 1000)); err != nil {
				srvErr <- err
				return
			}
		}
		srvErr <- nil
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tc := tls.Client(exRecConn{c, true, &mu, &log}, &tls.Config{
		ServerName: sni, InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
	})
	if _, err := tc.Write([]byte("GET / HTTP/1.1\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(tc, make([]byte, 1000*responses)); err != nil {
		t.Fatal(err)
	}
	if err := <-srvErr; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return log
}

type exSeg struct {
	fromClient    bool
	syn, ack, fin bool
	rst, psh      bool
	payload       []byte
}

// exSegments lays a conversation out as TCP segments: three-way handshake,
// the chunks (split at 1400 bytes), then FINs both ways.
func exSegments(chunks []exChunk) []exSeg {
	segs := []exSeg{{fromClient: true, syn: true}, {syn: true, ack: true}, {fromClient: true, ack: true}}
	for _, c := range chunks {
		for d := c.data; len(d) > 0; {
			n := min(len(d), 1400)
			segs = append(segs, exSeg{fromClient: c.fromClient, ack: true, psh: true, payload: d[:n]})
			d = d[n:]
		}
	}
	return append(segs, exSeg{fromClient: true, fin: true, ack: true}, exSeg{fin: true, ack: true},
		exSeg{fromClient: true, ack: true})
}

type exEndpoints struct {
	cli, srv netip.AddrPort
}

// exFrames turns segments into frames (Ethernet unless raw), with correct
// sequence and acknowledgement numbers.
func exFrames(t *testing.T, ep exEndpoints, segs []exSeg, raw bool) [][]byte {
	t.Helper()
	next := [2]uint32{1000, 50000} // client, server: next sequence number
	var out [][]byte
	for _, s := range segs {
		from, to := ep.srv, ep.cli
		me, peer := 1, 0
		if s.fromClient {
			from, to, me, peer = ep.cli, ep.srv, 0, 1
		}
		tcp := &layers.TCP{
			SrcPort: layers.TCPPort(from.Port()), DstPort: layers.TCPPort(to.Port()),
			Seq: next[me], SYN: s.syn, ACK: s.ack, FIN: s.fin, RST: s.rst, PSH: s.psh, Window: 65535,
		}
		if s.ack {
			tcp.Ack = next[peer]
		}
		ip := &layers.IPv4{
			Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP,
			SrcIP: from.Addr().AsSlice(), DstIP: to.Addr().AsSlice(),
		}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		ls := []gopacket.SerializableLayer{ip, tcp, gopacket.Payload(s.payload)}
		if !raw {
			eth := &layers.Ethernet{
				SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, byte(me + 1)}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, byte(peer + 1)},
				EthernetType: layers.EthernetTypeIPv4,
			}
			ls = append([]gopacket.SerializableLayer{eth}, ls...)
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.Clone(buf.Bytes()))
		next[me] += uint32(len(s.payload))
		if s.syn || s.fin {
			next[me]++
		}
	}
	return out
}

// exInterleave merges frame lists round-robin, as concurrent flows would be.
func exInterleave(lists ...[][]byte) [][]byte {
	var out [][]byte
	for i := 0; ; i++ {
		more := false
		for _, l := range lists {
			if i < len(l) {
				out = append(out, l[i])
				more = true
			}
		}
		if !more {
			return out
		}
	}
}

var exBase = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// exTS gives packet i a distinct time; sub-µs only for nanosecond captures.
func exTS(i int, nano bool) time.Time {
	ts := exBase.Add(time.Duration(i)*1500*time.Microsecond + 7*time.Microsecond)
	if nano {
		ts = ts.Add(123 * time.Nanosecond)
	}
	return ts
}

// exWritePcap writes frames as a pcap file. A frame whose index is in
// truncate is cut to 60 bytes, keeping its original length.
func exWritePcap(t *testing.T, path string, nano bool, frames [][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if nano {
		w = pcapgo.NewWriterNanos(f)
	}
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for i, fr := range frames {
		ci := gopacket.CaptureInfo{Timestamp: exTS(i, nano), CaptureLength: len(fr), Length: len(fr) + 4}
		if err := w.WritePacket(ci, fr); err != nil {
			t.Fatal(err)
		}
	}
}

// exTLSSource writes a pcap with two TLS flows (one.example: 6 responses,
// two.example: 2) interleaved, then a refused connection.
func exTLSSource(t *testing.T, dir string, nano bool) string {
	t.Helper()
	cli := netip.MustParseAddr("10.0.0.1")
	srv := netip.MustParseAddr("10.0.0.2")
	a := exFrames(t, exEndpoints{netip.AddrPortFrom(cli, 50001), netip.AddrPortFrom(srv, 443)},
		exSegments(exTLSExchange(t, "one.example", 6)), false)
	b := exFrames(t, exEndpoints{netip.AddrPortFrom(cli, 50002), netip.AddrPortFrom(srv, 8443)},
		exSegments(exTLSExchange(t, "two.example", 2)), false)
	c := exFrames(t, exEndpoints{netip.AddrPortFrom(cli, 50003), netip.AddrPortFrom(srv, 443)},
		[]exSeg{{fromClient: true, syn: true}, {rst: true, ack: true}}, false)
	path := filepath.Join(dir, "source.pcap")
	exWritePcap(t, path, nano, append(exInterleave(a, b), c...))
	return path
}

// exLoad drives the real pipeline over path.
// mustLoad loads a whole capture and fails the test on any read error.
func mustLoad(t *testing.T, path string) *Loader {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	l := NewLoader(src)
	if err := l.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return l
}

func exLoad(t *testing.T, path string) (*Loader, map[string]Flow) {
	t.Helper()
	l := mustLoad(t, path)
	bySNI := map[string]Flow{}
	for _, f := range l.Flows() {
		key := f.SNI()
		if key == "" {
			key = f.Client.String()
		}
		bySNI[key] = f
	}
	for _, want := range []string{"one.example", "two.example", "10.0.0.1:50003"} {
		if _, ok := bySNI[want]; !ok {
			t.Fatalf("the decoder did not find flow %s; have %v", want, bySNI)
		}
	}
	return l, bySNI
}

type exCapture struct {
	packets []capture.Packet // Data copied
	ifaces  []capture.Interface
	nano    bool
	head    []byte // the file's first 4 bytes
}

func exRead(t *testing.T, path string) exCapture {
	t.Helper()
	src, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var c exCapture
	for {
		p, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		p.Data = bytes.Clone(p.Data)
		c.packets = append(c.packets, p)
	}
	c.ifaces, c.nano = src.Interfaces(), src.NanoResolution()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.head = make([]byte, 4)
	if _, err := io.ReadFull(f, c.head); err != nil {
		t.Fatal(err)
	}
	return c
}

// exSame checks that got holds exactly the source packets with these
// indexes, in order, byte for byte, with their times, lengths and link types.
func exSame(t *testing.T, src, got exCapture, indexes []int) {
	t.Helper()
	if len(got.packets) != len(indexes) {
		t.Fatalf("output has %d packets, want %d", len(got.packets), len(indexes))
	}
	for i, idx := range indexes {
		w, g := src.packets[idx-1], got.packets[i]
		if w.Index != idx {
			t.Fatalf("source packet %d has index %d", idx, w.Index)
		}
		if !bytes.Equal(g.Data, w.Data) || !g.TS.Equal(w.TS) || g.OrigLen != w.OrigLen || g.LinkType != w.LinkType {
			t.Errorf("output packet %d differs from source packet %d:\n got  %v len %d/%d lt %d\n want %v len %d/%d lt %d",
				i+1, idx, g.TS, g.CapLen, g.OrigLen, g.LinkType, w.TS, w.CapLen, w.OrigLen, w.LinkType)
		}
	}
}

func exIndexes(refs []decode.PacketRef, evidenceOnly bool) []int {
	var out []int
	for _, r := range refs {
		if !evidenceOnly || r.Evidence {
			out = append(out, r.Index)
		}
	}
	return out
}

// exNoTemp fails if a temporary file was left in dir.
func exNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".pcapsurgery-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func exFileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

var (
	pcapMagicMicroLE = []byte{0xd4, 0xc3, 0xb2, 0xa1}
	pcapMagicNanoLE  = []byte{0x4d, 0x3c, 0xb2, 0xa1}
	pcapngMagic      = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

func TestExportWholeFlowPcap(t *testing.T) {
	for _, nano := range []bool{false, true} {
		name := map[bool]string{false: "microseconds", true: "nanoseconds"}[nano]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := exTLSSource(t, dir, nano)
			l, flows := exLoad(t, in)
			f := flows["one.example"]
			out := filepath.Join(dir, "one.pcap")
			res, err := Export(l, ExportRequest{Input: in, Flows: []int{f.ID}, Out: out})
			if err != nil {
				t.Fatal(err)
			}
			src, got := exRead(t, in), exRead(t, out)
			want := exFlowIndexes(t, src, f)
			if p := l.Packets(f.ID); p.Complete || len(want) != p.Total || len(want) < 15 {
				t.Fatalf("fixture: flow has %d packets (%d listed); want many, not all listed", len(want), len(p.Listed))
			}
			exSame(t, src, got, want)
			if res.Path != out || res.Packets != len(want) || res.Bytes != exFileSize(t, out) {
				t.Errorf("result %+v; want %d packets, %d bytes", res, len(want), exFileSize(t, out))
			}
			magic := pcapMagicMicroLE
			if nano {
				magic = pcapMagicNanoLE
			}
			if !bytes.Equal(got.head, magic) {
				t.Errorf("pcap magic % x, want % x", got.head, magic)
			}
			if got.ifaces[0].SnapLen != 65535 || got.ifaces[0].LinkType != 1 {
				t.Errorf("output interface %+v, want Ethernet with snaplen 65535", got.ifaces[0])
			}
			st, _ := os.Stat(out)
			if perm := st.Mode().Perm(); perm != 0o644&^umask() {
				t.Errorf("mode %v, want %v", perm, 0o644&^umask())
			}
			exNoTemp(t, dir)
		})
	}
}

func TestExportEvidenceDropsBulkData(t *testing.T) {
	dir := t.TempDir()
	in := exTLSSource(t, dir, true)
	l, flows := exLoad(t, in)
	f := flows["one.example"]
	refs := l.Packets(f.ID)
	evidence := exIndexes(refs.Listed, true)
	if len(evidence) == refs.Total || len(evidence) < 8 {
		t.Fatalf("fixture: %d of %d packets are evidence; want the bulk responses left out", len(evidence), refs.Total)
	}
	out := filepath.Join(dir, "one-evidence.pcap")
	res, err := Export(l, ExportRequest{Input: in, Flows: []int{f.ID}, Mode: ExportEvidence, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	src, got := exRead(t, in), exRead(t, out)
	exSame(t, src, got, evidence)
	if res.Packets != len(evidence) {
		t.Errorf("Packets = %d, want %d", res.Packets, len(evidence))
	}
	// The SYN, the ClientHello and the FINs are in; most 1000-byte responses are not.
	var syn, fins, bulk int
	for _, p := range got.packets {
		pk := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.NoCopy)
		tcp := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if tcp.SYN && !tcp.ACK {
			syn++
		}
		if tcp.FIN {
			fins++
		}
		if len(tcp.Payload) > 1000 && tcp.SrcPort == 443 && tcp.Payload[0] == 23 {
			bulk++
		}
	}
	if syn != 1 || fins != 2 || bulk > 1 {
		t.Errorf("evidence has %d SYN, %d FIN, %d bulk server records; want 1, 2, at most 1", syn, fins, bulk)
	}
}

func TestExportSeveralFlowsMerged(t *testing.T) {
	dir := t.TempDir()
	in := exTLSSource(t, dir, true)
	l, flows := exLoad(t, in)
	ids := []int{flows["10.0.0.1:50003"].ID, flows["two.example"].ID, flows["one.example"].ID, flows["two.example"].ID}
	out := filepath.Join(dir, "all.pcap")
	res, err := Export(l, ExportRequest{Input: in, Flows: ids, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	src := exRead(t, in)
	for _, p := range src.packets {
		want = append(want, p.Index) // every packet belongs to one of the three flows
	}
	exSame(t, src, exRead(t, out), want)
	if res.Packets != len(src.packets) {
		t.Errorf("Packets = %d, want %d", res.Packets, len(src.packets))
	}
}

// refMap is a RefLister without a loader, so Export must learn the
// interfaces from the file itself.
type refMap map[int][]decode.PacketRef

func (m refMap) Packets(id int) decode.FlowPackets {
	return decode.FlowPackets{Listed: m[id], Complete: true, Total: len(m[id])}
}

// exFlowIndexes finds a flow's packets in a capture by its endpoints, with
// gopacket: what a whole-flow export must write.
func exFlowIndexes(t *testing.T, c exCapture, f Flow) []int {
	t.Helper()
	var out []int
	for _, p := range c.packets {
		pk := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.NoCopy)
		ip, _ := pk.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if ip == nil || tcp == nil {
			continue
		}
		src, _ := netip.AddrFromSlice(ip.SrcIP)
		dst, _ := netip.AddrFromSlice(ip.DstIP)
		a := netip.AddrPortFrom(src.Unmap(), uint16(tcp.SrcPort))
		b := netip.AddrPortFrom(dst.Unmap(), uint16(tcp.DstPort))
		if a == f.Client && b == f.Server || a == f.Server && b == f.Client {
			out = append(out, p.Index)
		}
	}
	return out
}

// exAllRefs puts every packet of the capture into flow 1.
func exAllRefs(c exCapture) refMap {
	m := refMap{}
	for _, p := range c.packets {
		m[1] = append(m[1], decode.PacketRef{Index: p.Index, Offset: p.Offset, Evidence: true})
	}
	return m
}

// exWriteMixedPcapng writes a pcapng with an Ethernet interface and a raw-IP
// interface (different snaplens), packets alternating between them.
func exWriteMixedPcapng(t *testing.T, path string, mixed bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pcapgo.NewNgWriterInterface(f, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 9000},
		pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	second := pcapgo.NgInterface{Name: "tun0", LinkType: layers.LinkTypeRaw, SnapLength: 1500}
	if !mixed {
		second = pcapgo.NgInterface{Name: "eth1", LinkType: layers.LinkTypeEthernet, SnapLength: 1500}
	}
	if _, err := w.AddInterface(second); err != nil {
		t.Fatal(err)
	}
	ep := exEndpoints{netip.MustParseAddrPort("192.0.2.1:40000"), netip.MustParseAddrPort("192.0.2.2:443")}
	segs := exSegments([]exChunk{{true, []byte("\x16\x03\x01hello")}, {false, []byte("\x15\x03\x03\x00\x02\x02\x28")}})
	eth := exFrames(t, ep, segs, false)
	raw := exFrames(t, ep, segs, mixed)
	for i := range eth {
		fr, ifc := eth[i], 0
		if i%2 == 1 {
			fr, ifc = raw[i], 1
		}
		ci := gopacket.CaptureInfo{Timestamp: exTS(i, true), CaptureLength: len(fr), Length: len(fr), InterfaceIndex: ifc}
		if err := w.WritePacket(ci, fr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func TestExportPcapngMixedLinkTypes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mixed.pcapng")
	exWriteMixedPcapng(t, in, true)
	src := exRead(t, in)
	refs := exAllRefs(src)

	// Skip the first packet so the output's interface ids differ from the
	// source's: the raw-IP interface (source 1) becomes output 0.
	refs[1] = refs[1][1:]
	out := filepath.Join(dir, "out.pcapng")
	res, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	got := exRead(t, out)
	exSame(t, src, got, exIndexes(refs[1], false))
	if !bytes.Equal(got.head, pcapngMagic) {
		t.Errorf("output starts % x, not a pcapng section header", got.head)
	}
	if len(got.ifaces) != 2 || got.ifaces[0].LinkType != 101 || got.ifaces[0].SnapLen != 1500 || got.ifaces[0].Name != "tun0" ||
		got.ifaces[1].LinkType != 1 || got.ifaces[1].SnapLen != 9000 {
		t.Errorf("output interfaces %+v; want tun0 (raw, 1500) then eth0 (Ethernet, 9000)", got.ifaces)
	}
	if res.Packets != len(src.packets)-1 || res.Bytes != exFileSize(t, out) {
		t.Errorf("result %+v", res)
	}

	// The same packets cannot go into a pcap.
	bad := filepath.Join(dir, "out.pcap")
	_, err = Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: bad})
	if err == nil || !strings.Contains(err.Error(), ".pcapng") {
		t.Errorf("pcap from mixed link types: err = %v, want advice to use .pcapng", err)
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists after a failed export", bad)
	}
	exNoTemp(t, dir)
}

func TestExportPcapngSourceToPcap(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "two-eth.pcapng")
	exWriteMixedPcapng(t, in, false)
	src := exRead(t, in)
	refs := exAllRefs(src)
	out := filepath.Join(dir, "out.pcap")
	if _, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out}); err != nil {
		t.Fatal(err)
	}
	got := exRead(t, out)
	exSame(t, src, got, exIndexes(refs[1], false))
	if !bytes.Equal(got.head, pcapMagicNanoLE) {
		t.Errorf("pcap magic % x, want nanoseconds (the pcapng source had them)", got.head)
	}
}

// exSimpleSource is a small pcap and refs for it, for the safety tests.
func exSimpleSource(t *testing.T, dir string) (string, refMap) {
	t.Helper()
	ep := exEndpoints{netip.MustParseAddrPort("192.0.2.1:40000"), netip.MustParseAddrPort("192.0.2.2:443")}
	in := filepath.Join(dir, "in.pcap")
	exWritePcap(t, in, false, exFrames(t, ep, exSegments([]exChunk{{true, []byte("hello")}}), false))
	return in, exAllRefs(exRead(t, in))
}

func TestExportRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	out := filepath.Join(dir, "out.pcap")
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out})
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), out) {
		t.Fatalf("err = %v, want ErrExists naming %s", err, out)
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Fatalf("existing file changed to %q", b)
	}

	res, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	src := exRead(t, in)
	exSame(t, src, exRead(t, out), exIndexes(refs[1], false))
	if res.Packets != len(src.packets) {
		t.Errorf("Packets = %d, want %d", res.Packets, len(src.packets))
	}
	exNoTemp(t, dir)
}

func TestExportNeverWritesTheInput(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	before, _ := os.ReadFile(in)
	sym := filepath.Join(dir, "sym.pcap")
	if err := os.Symlink(in, sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.pcap")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in, out string }{
		{"same path", in, in},
		{"same file, other spelling", in, filepath.Join(sub, "..", "in.pcap")},
		{"output is a symlink to the input", in, sym},
		{"output is a hard link to the input", in, hard},
		{"input named through a symlink", sym, in},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Export(refs, ExportRequest{Input: tt.in, Flows: []int{1}, Out: tt.out, Overwrite: true})
			if err == nil || !strings.Contains(err.Error(), "capture being read") {
				t.Errorf("err = %v, want a refusal to write the input", err)
			}
			if after, _ := os.ReadFile(in); !bytes.Equal(after, before) {
				t.Fatal("the input was modified")
			}
			if st, err := os.Lstat(sym); err != nil || st.Mode()&os.ModeSymlink == 0 {
				t.Fatal("the symlink was replaced")
			}
			exNoTemp(t, dir)
		})
	}
}

func TestExportRefusesSymlinkAtOutput(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{victim, filepath.Join(dir, "nowhere")} {
		link := filepath.Join(dir, "link.pcap")
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		for _, overwrite := range []bool{false, true} {
			_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: link, Overwrite: overwrite})
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("target %s, overwrite %v: err = %v, want a symlink refusal", target, overwrite, err)
			}
		}
		if b, _ := os.ReadFile(victim); string(b) != "precious" {
			t.Fatalf("the symlink's target was written: %q", b)
		}
		if _, err := os.Stat(filepath.Join(dir, "nowhere")); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("a dangling symlink's target was created")
		}
	}
	exNoTemp(t, dir)
}

func TestExportBadDestinations(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, out, want string }{
		{"missing directory", filepath.Join(dir, "no", "such", "out.pcap"), "does not exist"},
		{"directory is a file", filepath.Join(file, "out.pcap"), "is not a directory"},
		{"output is a directory", dir, "not a regular file"},
		{"empty name", "", "no output file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: tt.out, Overwrite: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	exNoTemp(t, dir)
}

func TestExportReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; TestExportWriteFailure covers a failing disk")
	}
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: filepath.Join(ro, "out.pcap")})
	if err == nil || !strings.Contains(err.Error(), "cannot create a file in "+ro) {
		t.Errorf("err = %v, want a clear permission error", err)
	}
	exNoTemp(t, ro)
}

type exFailAfter struct {
	w    io.Writer
	left int
}

func (f *exFailAfter) Write(b []byte) (int, error) {
	if len(b) > f.left {
		n, _ := f.w.Write(b[:f.left])
		f.left = 0
		return n, errors.New("no space left on device (simulated)")
	}
	f.left -= len(b)
	return f.w.Write(b)
}

func TestExportWriteFailure(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	existing := filepath.Join(dir, "existing.pcap")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, 30, 200} {
		exportWriterHook = func(w io.Writer) io.Writer { return &exFailAfter{w: w, left: at} }
		for _, name := range []string{"new.pcap", "new.pcapng", "existing.pcap"} {
			out := filepath.Join(dir, name)
			_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out, Overwrite: true})
			if err == nil || !strings.Contains(err.Error(), "no space left") || strings.Contains(err.Error(), ".tmp") {
				t.Errorf("fail after %d bytes, %s: err = %v", at, name, err)
			}
		}
	}
	exportWriterHook = nil
	if _, err := os.Stat(filepath.Join(dir, "new.pcap")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed export left its output")
	}
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Errorf("a failed overwrite changed the existing file to %q", b)
	}
	exNoTemp(t, dir)
}

func TestExportInputProblems(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	out := filepath.Join(dir, "out.pcap")
	tests := []struct {
		name string
		req  ExportRequest
		want string
	}{
		{"standard input", ExportRequest{Input: "-", Flows: []int{1}, Out: out}, "standard input"},
		{"missing input", ExportRequest{Input: filepath.Join(dir, "gone.pcap"), Flows: []int{1}, Out: out}, "source capture"},
		{"unknown flow", ExportRequest{Input: in, Flows: []int{99}, Out: out}, "nothing to export"},
		{"no flows", ExportRequest{Input: in, Out: out}, "nothing to export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Export(refs, tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused export wrote its output")
	}
	exNoTemp(t, dir)
}

func TestExportOutputOpensInTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "mixed.pcapng")
	exWriteMixedPcapng(t, in, true)
	refs := exAllRefs(exRead(t, in))
	pin, prefs := exSimpleSource(t, dir)
	for _, c := range []struct {
		in   string
		refs refMap
		out  string
	}{{in, refs, "out.pcapng"}, {pin, prefs, "out.pcap"}} {
		out := filepath.Join(dir, c.out)
		if _, err := Export(c.refs, ExportRequest{Input: c.in, Flows: []int{1}, Out: out}); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(tshark, "-r", out, "-c", "1")
		cmd.Env = append(os.Environ(), "HOME="+dir) // keep tshark's profile out of the real home
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("tshark -r %s: %v\n%s", c.out, err, b)
		}
	}
}

// exWithSource is a RefLister that also offers the source it read, as a
// Loader does, so Export takes the interfaces from it.
type exWithSource struct {
	refMap
	src *capture.Source
}

func (e exWithSource) Source() *capture.Source { return e.src }

func TestExportInterfacesFromLoaderSource(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mixed.pcapng")
	exWriteMixedPcapng(t, in, true)
	c := exRead(t, in)
	src, err := capture.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for {
		if _, err := src.Next(); err != nil {
			break
		}
	}
	refs := exWithSource{exAllRefs(c), src}
	out := filepath.Join(dir, "out.pcapng")
	if _, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out}); err != nil {
		t.Fatal(err)
	}
	got := exRead(t, out)
	exSame(t, c, got, exIndexes(refs.refMap[1], false))
	if len(got.ifaces) != 2 || got.ifaces[0].Name != "eth0" || got.ifaces[1].Name != "tun0" {
		t.Errorf("output interfaces %+v", got.ifaces)
	}
}

func TestExportFromGzippedSource(t *testing.T) {
	dir := t.TempDir()
	plain, refs := exSimpleSource(t, dir)
	b, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	in := filepath.Join(dir, "in.pcap.gz")
	if err := os.WriteFile(in, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.pcap")
	if _, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, b) {
		t.Error("a whole-capture export of a gzipped pcap is not the uncompressed original")
	}
}
