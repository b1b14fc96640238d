package model

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

// ExportMode chooses which of a flow's packets are written.
type ExportMode int

const (
	// ExportWhole writes every packet of the flows.
	ExportWhole ExportMode = iota
	// ExportEvidence writes only the handshake evidence: TCP handshake,
	// handshake records, alerts, resets and FINs, first application data each way.
	ExportEvidence
)

// RefLister says where a flow's packets are (model.Loader implements it).
type RefLister interface {
	Packets(id int) decode.FlowPackets
}

// sourcer is what a Loader also offers: the source it read, whose interface
// list describes the packets' interfaces without another read of the file.
type sourcer interface {
	Source() *capture.Source
}

// ExportRequest says what to cut out of which capture, and where to put it.
type ExportRequest struct {
	Input     string     // path of the source capture (never written; "-" cannot be exported)
	Flows     []int      // flow IDs (one, or every flow matching a filter)
	Mode      ExportMode // whole flows or handshake evidence only
	Out       string     // destination; a ".pcapng" suffix gives pcapng, anything else pcap
	Overwrite bool       // the user confirmed replacing an existing file
	// Secrets is key log text to embed in a pcapng Decryption Secrets Block
	// (ExportSecrets: the exported flows' own, never the whole key log),
	// so the file opens decrypted in Wireshark. Needs a .pcapng Out.
	Secrets []byte
}

// ExportResult describes the file written.
type ExportResult struct {
	Path    string // the destination, as requested
	Packets int    // packets written
	Bytes   int64  // size of the file written
	// Missing says which packets could not be written because they had
	// left a live input's export spool ("" when none had).
	Missing string
}

// ErrExists is returned, wrapped with the path, when the destination exists
// and the request did not confirm overwriting it.
var ErrExists = errors.New("file exists")

// pcapDefaultSnapLen is tcpdump's default, used when the source says
// "unlimited" (pcapng snaplen 0), which a pcap header cannot say.
const pcapDefaultSnapLen = 262144

// exportWriterHook, when set (tests), wraps the temporary file's writer, so a
// failing disk can be simulated even as root.
var exportWriterHook func(io.Writer) io.Writer

// Export is ExportContext that nothing interrupts.
func Export(refs RefLister, req ExportRequest) (ExportResult, error) {
	return ExportContext(context.Background(), refs, req)
}

// ErrInterrupted is wrapped by ExportContext's error when ctx ended the
// export; the partial file has then been removed.
var ErrInterrupted = errors.New("export interrupted")

// ExportContext re-reads the requested flows' packets from req.Input and
// writes them, unchanged (bytes, timestamps, lengths, link types), to
// req.Out. The file appears only when complete: it is written to a temporary
// file next to the destination, synced, and renamed over it. On error, and
// when ctx is cancelled (a signal, quitting the explorer), nothing is left
// behind; a process that cannot wait for that removes what is left with
// RemovePartialExports. Before reading, and again before the rename, the
// input must still be the file that was loaded (capture.CheckUnchanged):
// offsets into another capture would export its packets.
func ExportContext(ctx context.Context, refs RefLister, req ExportRequest) (ExportResult, error) {
	res := ExportResult{Path: req.Out}
	spool := spoolOf(refs)
	if spool == nil && (req.Input == "-" || req.Input == "") {
		return res, errors.New("cannot export from standard input: save the capture to a file and open that")
	}
	if req.Out == "" {
		return res, errors.New("no output file name given")
	}
	if len(req.Secrets) > 0 && !isPcapng(req.Out) {
		return res, errors.New("secrets can only be embedded in pcapng: name the output .pcapng")
	}
	var inputs []string // none for the spool, which is never a destination
	if spool == nil {
		inputs = exportInputs(refs, req.Input)
	}
	if err := checkDestinations(inputs, req.Out, req.Overwrite); err != nil {
		return res, err
	}
	if err := checkSource(refs, req.Input, spool); err != nil {
		return res, err
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%w before %s was written", ErrInterrupted, req.Out)
	}
	list := exportRefs(refs, req.Flows)
	if !hasPackets(list, req.Mode) {
		if req.Mode == ExportEvidence {
			return res, errors.New("nothing to export: the selected flows have no handshake evidence packets")
		}
		return res, errors.New("nothing to export: the selected flows have no packets")
	}

	ifaces := newIfaceBook(refs, req.Input)
	defer ifaces.close()

	dir := filepath.Dir(req.Out)
	tmp, err := os.CreateTemp(dir, ".pcapsurgery-*.tmp")
	if err != nil {
		return res, fmt.Errorf("cannot create a file in %s: %w", dir, unwrapPath(err))
	}
	notePartial(tmp.Name())
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		forgetPartial(tmp.Name())
	}()
	// interrupted removes the partial file now, so that the message says
	// what happened to it rather than what the deferred cleanup will try.
	interrupted := func() error {
		tmp.Close()
		if err := os.Remove(tmp.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s was not written; its partial file could not be removed: %w", ErrInterrupted, req.Out, unwrapPath(err))
		}
		return fmt.Errorf("%w: %s was not written, and its partial file was removed", ErrInterrupted, req.Out)
	}

	cw := &countWriter{}
	var w io.Writer = tmp
	if exportWriterHook != nil {
		w = exportWriterHook(w)
	}
	cw.w = w
	var out packetWriter
	if isPcapng(req.Out) {
		out = &ngOut{w: cw, ifaces: ifaces, ids: map[int]int{}, epochs: map[int]int64{}, secrets: req.Secrets}
	} else {
		out = &pcapOut{w: bufio.NewWriterSize(cw, 64<<10), ifaces: ifaces}
	}

	var recs decode.Records = spool
	if spool == nil {
		recs = exportFiles(inputs)
	}
	done := ctx.Done()
	err = decode.ReadFlowPacketsFrom(recs, list, req.Mode == ExportEvidence, func(p capture.Packet) error {
		select {
		case <-done:
			return errStop
		default:
		}
		if err := out.write(&p); err != nil {
			return err
		}
		res.Packets++
		return nil
	})
	if errors.Is(err, errStop) {
		return res, interrupted()
	}
	if err != nil {
		return res, exportErr(req.Out, err)
	}
	if spool != nil {
		if res.Missing, err = spoolMissing(spool, req, list, res.Packets); err != nil {
			return res, err
		}
	}
	if err := out.flush(); err != nil {
		return res, exportErr(req.Out, err)
	}
	if err := tmp.Chmod(0o644 &^ umask()); err != nil {
		return res, exportErr(req.Out, err)
	}
	if err := tmp.Sync(); err != nil {
		return res, exportErr(req.Out, err)
	}
	if err := tmp.Close(); err != nil {
		return res, exportErr(req.Out, err)
	}
	if ctx.Err() != nil { // a signal during the last writes or the sync
		return res, interrupted()
	}
	// Check again just before the rename: the destination may have changed
	// while we were reading (a symlink or the input put there meanwhile).
	if err := checkDestinations(inputs, req.Out, req.Overwrite); err != nil {
		return res, err
	}
	if err := checkSource(refs, req.Input, spool); err != nil {
		return res, err
	}
	if err := os.Rename(tmp.Name(), req.Out); err != nil {
		return res, exportErr(req.Out, err)
	}
	ok = true
	syncDir(dir)
	res.Bytes = cw.n
	return res, nil
}

// exportRefs collects where the flows' packets are.
func exportRefs(refs RefLister, flows []int) []decode.FlowPackets {
	out := make([]decode.FlowPackets, 0, len(flows))
	for _, id := range flows {
		out = append(out, refs.Packets(id))
	}
	return out
}

// hasPackets reports whether the flows have anything to write in mode.
func hasPackets(flows []decode.FlowPackets, mode ExportMode) bool {
	for _, f := range flows {
		if mode == ExportWhole && f.Total > 0 {
			return true
		}
		for _, r := range f.Listed {
			if mode == ExportWhole || r.Evidence {
				return true
			}
		}
	}
	return false
}

// checkDestination refuses to write onto the input (by any name: the same
// path, a symlink or a hard link), through a symlink, onto something that is
// not a regular file, or onto an existing file without confirmation.
// exportInputs is the files the packets are read from: those a Source of
// several files read (rotated captures), in its order, else input.
func exportInputs(refs RefLister, input string) []string {
	if s, ok := refs.(sourcer); ok && s.Source() != nil && s.Source().Files() {
		return s.Source().Paths()
	}
	return []string{input}
}

// checkDestinations is checkDestination against every input file.
func checkDestinations(inputs []string, out string, overwrite bool) error {
	if len(inputs) == 0 {
		return checkDestination("", out, overwrite)
	}
	for _, in := range inputs {
		if err := checkDestination(in, out, overwrite); err != nil {
			return err
		}
	}
	return nil
}

func checkDestination(input, out string, overwrite bool) error {
	dir := filepath.Dir(out)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: directory %s does not exist", out, dir)
	case err != nil:
		return fmt.Errorf("cannot write %s: %w", out, err)
	case !st.IsDir():
		return fmt.Errorf("cannot write %s: %s is not a directory", out, dir)
	}
	var inSt fs.FileInfo
	if input != "" {
		if inSt, err = os.Stat(input); err != nil {
			return fmt.Errorf("cannot read the source capture: %w", err)
		}
	}
	lst, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", out, err)
	}
	if outSt, err := os.Stat(out); err == nil && inSt != nil && os.SameFile(inSt, outSt) {
		return fmt.Errorf("refusing to write %s: it is the capture being read (%s)", out, input)
	}
	if lst.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("refusing to write %s: it is a symbolic link; choose another name", out)
	}
	if !lst.Mode().IsRegular() {
		return fmt.Errorf("refusing to write %s: it is not a regular file", out)
	}
	if !overwrite {
		return fmt.Errorf("%s: %w", out, ErrExists)
	}
	return nil
}

// IsPcapngName reports whether export writes pcapng to this name.
func IsPcapngName(name string) bool { return isPcapng(name) }

func isPcapng(name string) bool {
	return strings.EqualFold(filepath.Ext(name), ".pcapng")
}

// exportErr names the destination once, without repeating a temp file's name.
func exportErr(out string, err error) error {
	return fmt.Errorf("export to %s failed: %w", out, unwrapPath(err))
}

// unwrapPath drops an *fs.PathError's path (a temp file name means nothing
// to the user) but keeps the operation and cause.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(filepath.Base(pe.Path), ".pcapsurgery-") {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// umask reads the process umask without changing it (syscall.Umask would
// have to set it, racing other goroutines). Where it cannot be read, 022.
func umask() fs.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return fs.FileMode(m) & fs.ModePerm
				}
			}
		}
	}
	return 0o022
}

// syncDir makes the rename durable where the platform allows; failure is
// harmless (the file itself was synced).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// ifaceBook answers "what was source interface i": from the loader's source
// when there is one, else by reading the input just far enough to have seen
// interface i's description (it always precedes the interface's packets).
// It asks for one interface at a time: a file may describe 65,536.
type ifaceBook struct {
	loaded *capture.Source // the loader's source, which has read the input
	src    *capture.Source // nil until needed, when there is no loader's source
	input  string
	err    error
}

func newIfaceBook(refs RefLister, input string) *ifaceBook {
	b := &ifaceBook{input: input}
	if s, ok := refs.(sourcer); ok && s.Source() != nil {
		b.loaded = s.Source()
	}
	return b
}

func (b *ifaceBook) get(i int) (capture.Interface, error) {
	if b.loaded != nil {
		if ifc, ok := b.loaded.Interface(i); ok {
			return ifc, nil
		}
	}
	for {
		if b.src != nil {
			if ifc, ok := b.src.Interface(i); ok {
				return ifc, nil
			}
		}
		if b.err != nil {
			return capture.Interface{}, b.err
		}
		if b.src == nil {
			if b.src, b.err = capture.Open(b.input); b.err != nil {
				continue
			}
		}
		if _, err := b.src.Next(); err != nil {
			if _, ok := b.src.Interface(i); !ok {
				b.err = fmt.Errorf("interface %d of the source is not described in it (%v)", i, err)
			}
		}
	}
}

// anyNano reports whether an interface known so far has sub-µs timestamps.
func (b *ifaceBook) anyNano() bool {
	return b.loaded != nil && b.loaded.NanoResolution() || b.src != nil && b.src.NanoResolution()
}

func (b *ifaceBook) close() {
	if b.src != nil {
		b.src.Close()
	}
}

type packetWriter interface {
	write(p *capture.Packet) error
	flush() error
}

// captureInfo keeps the original lengths; a record whose captured length
// exceeds its wire length (a damaged source) gets the captured length as wire
// length, because neither format can say otherwise.
func captureInfo(p *capture.Packet) gopacket.CaptureInfo {
	return gopacket.CaptureInfo{
		Timestamp:     p.TS,
		CaptureLength: len(p.Data),
		Length:        max(p.OrigLen, len(p.Data)),
	}
}

// pcapOut writes a pcap file. Its header is written with the first packet,
// whose interface gives the link type and snaplen.
type pcapOut struct {
	w        *bufio.Writer
	ifaces   *ifaceBook
	pw       *pcapgo.Writer
	linkType capture.LinkType
}

func (o *pcapOut) write(p *capture.Packet) error {
	if o.pw == nil {
		ifc, err := o.ifaces.get(p.Interface)
		if err != nil {
			return err
		}
		// Nanoseconds when any source interface had them: a pcap holds one
		// resolution, and ns loses nothing from a µs interface.
		if o.ifaces.anyNano() {
			o.pw = pcapgo.NewWriterNanos(o.w)
		} else {
			o.pw = pcapgo.NewWriter(o.w)
		}
		snap := ifc.SnapLen
		if snap <= 0 {
			snap = pcapDefaultSnapLen
		}
		o.linkType = p.LinkType
		if err := o.pw.WriteFileHeader(uint32(snap), layers.LinkType(p.LinkType)); err != nil {
			return err
		}
	}
	if p.LinkType != o.linkType {
		return fmt.Errorf("the packets have more than one link type (%s and %s) and a pcap file holds only one: use a .pcapng name",
			linkTypeName(o.linkType), linkTypeName(p.LinkType))
	}
	// pcap seconds are an unsigned 32-bit count; pcapgo would wrap silently.
	if s := p.TS.Unix(); s < 0 || s > math.MaxUint32 {
		return fmt.Errorf("packet %d's time %s cannot be stored in a pcap file: use a .pcapng name",
			p.Index, p.TS.UTC().Format(time.RFC3339Nano))
	}
	return o.pw.WritePacket(captureInfo(p), p.Data)
}

func (o *pcapOut) flush() error {
	if o.pw == nil {
		return errors.New("no packets were read")
	}
	return o.w.Flush()
}

// ngOut writes a pcapng file with one interface per source interface used,
// added as each first appears.
type ngOut struct {
	w      io.Writer
	ifaces *ifaceBook
	nw     *pcapgo.NgWriter
	ids    map[int]int   // source global interface index → output interface id
	epochs map[int]int64 // output interface id → its if_tsoffset, seconds
	// secrets (key log text) go in a Decryption Secrets Block before the
	// first packet, where readers look for them.
	secrets []byte
}

func (o *ngOut) write(p *capture.Packet) error {
	id, ok := o.ids[p.Interface]
	if !ok {
		ifc, err := o.ifaces.get(p.Interface)
		if err != nil {
			return err
		}
		// Take the link type from the packet: it is what the reader saw for
		// this interface, and the book only supplies the rest.
		ni := pcapgo.NgInterface{
			Name:       ifc.Name,
			LinkType:   layers.LinkType(p.LinkType),
			SnapLength: uint32(max(ifc.SnapLen, 0)),
		}
		// Packet.TS already includes the source's if_tsoffset; a new one is
		// set only when this interface's first packet lies outside what
		// nanoseconds since 1970 can hold (ngEpoch).
		epoch := ngEpoch(p.TS)
		ni.TimestampOffset = uint64(epoch)
		if o.nw == nil {
			opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "pcapsurgery"}}
			if o.nw, err = pcapgo.NewNgWriterInterface(o.w, ni, opts); err != nil {
				return err
			}
			if len(o.secrets) > 0 {
				if err := o.nw.WriteDecryptionSecretsBlock(pcapgo.DSB_SECRETS_TYPE_TLS, o.secrets); err != nil {
					return err
				}
			}
			id = 0
		} else if id, err = o.nw.AddInterface(ni); err != nil {
			return err
		}
		o.ids[p.Interface] = id
		o.epochs[id] = epoch
	}
	ci := captureInfo(p)
	ci.InterfaceIndex = id
	ts, ok := sinceEpoch(p.TS, o.epochs[id])
	if !ok {
		return fmt.Errorf("packet %d's time %s is too far from its interface's first packet for pcapng's 64-bit nanosecond timestamps (they span 292 years)",
			p.Index, p.TS.UTC().Format(time.RFC3339Nano))
	}
	ci.Timestamp = ts
	return o.nw.WritePacket(ci, p.Data)
}

// pcapgo writes a pcapng timestamp as time.UnixNano: nanoseconds since 1970
// in an int64, so 1970 to 2262 only (earlier times wrapped to 2554, later
// ones to nonsense). Readers add the interface's if_tsoffset, in seconds.
const (
	maxNgSeconds  = math.MaxInt64 / 1_000_000_000 // whole seconds an int64 of nanoseconds holds
	ngEpochMargin = 1 << 32                       // seconds kept before an interface's first packet
)

// ngEpoch is the if_tsoffset for an interface whose first packet is at t:
// none in the usual range, else one that puts t well inside the range, with
// room for packets up to 136 years earlier.
func ngEpoch(t time.Time) int64 {
	s := t.Unix()
	if s >= 0 && s < maxNgSeconds-ngEpochMargin {
		return 0
	}
	return max(s, math.MinInt64/2) - ngEpochMargin
}

// sinceEpoch is t as the writer must be given it: counted from the epoch,
// within what UnixNano can hold and not before 1970.
func sinceEpoch(t time.Time, epoch int64) (time.Time, bool) {
	s := t.Unix()
	if s > math.MaxInt64/2 || s < math.MinInt64/2 {
		return time.Time{}, false
	}
	rel := s - epoch
	if rel < 0 || rel >= maxNgSeconds {
		return time.Time{}, false
	}
	return time.Unix(rel, int64(t.Nanosecond())), true
}

func (o *ngOut) flush() error {
	if o.nw == nil {
		return errors.New("no packets were read")
	}
	return o.nw.Flush()
}

func linkTypeName(lt capture.LinkType) string {
	name := layers.LinkType(lt).String()
	if strings.HasPrefix(name, "UnknownLinkType") {
		return fmt.Sprintf("link type %d", lt)
	}
	return fmt.Sprintf("%s (%d)", name, lt)
}
