package detail

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// SideBySide is the width from which client offers and server choices sit
// side by side instead of one above the other.
const SideBySide = 120

// Render lays a flow out as lines no wider than width. It is pure: the pane
// calls it when the flow, the width or the palette changes, never per frame.
func Render(f *model.Flow, width int, st styles.Styles) []string {
	width = max(width, 20)
	r := renderer{st: st, w: width}
	r.head(f)
	r.timeline(f)
	r.hellos(f)
	r.certs(f)
	r.ends(f)
	r.network(f)
	r.facts(f)
	return r.lines
}

type renderer struct {
	st    styles.Styles
	w     int
	lines []string
}

func (r *renderer) add(s ...string) { r.lines = append(r.lines, s...) }

func (r *renderer) section(title string) {
	r.add("", r.st.Section.Render(title))
}

// wrap word-wraps plain text to the width with an indent on every line. It
// breaks at spaces only: a list's comma stays on its value, a hostname is
// never split at its hyphens, and no line grows past w (ansi.Wrap with ","
// as a breakpoint kept the comma beyond the width, and the caller then cut
// the value: "ffdhe409~"). Only a word longer than a whole line is broken.
func wrap(s string, w int, indent string) []string {
	w = max(w-ansi.StringWidth(indent), 10)
	var out []string
	line, lw := "", 0
	for _, word := range strings.Split(s, " ") {
		ww := ansi.StringWidth(word)
		if lw > 0 && lw+1+ww > w {
			out = append(out, line)
			line, lw = "", 0
		}
		for ww > w { // a word wider than a line
			if lw > 0 {
				out = append(out, line)
				line, lw = "", 0
			}
			out = append(out, ansi.Truncate(word, w, ""))
			word = ansi.TruncateLeft(word, w, "")
			ww = ansi.StringWidth(word)
		}
		if lw > 0 {
			line += " "
			lw++
		}
		line += word
		lw += ww
	}
	out = append(out, line)
	for i := range out {
		out[i] = indent + out[i]
	}
	return out
}

// kv is "label: a, b, c" wrapped under the label.
func kv(label string, vals []string, w int) []string {
	if len(vals) == 0 {
		return nil
	}
	const lw = 18
	head := "  " + label + ":" + strings.Repeat(" ", max(1, lw-len(label)-1))
	ls := wrap(strings.Join(vals, ", "), w-len(head), "")
	for i := range ls {
		if i == 0 {
			ls[i] = head + ls[i]
		} else {
			ls[i] = strings.Repeat(" ", len(head)) + ls[i]
		}
	}
	return ls
}

func (r *renderer) head(f *model.Flow) {
	title := fmt.Sprintf("Flow %d  %s -> %s", f.ID, f.Client, f.Server)
	if sni := f.SNI(); sni != "" {
		title += "  SNI\u00a0" + sni // no break between the label and its name
	}
	// The title wraps under itself rather than losing the end of the SNI.
	badge := "[" + f.Badge + "] "
	for i, l := range wrap(title, r.w-len(badge), "") {
		lead := r.st.Badge(f.Outcome, strings.TrimSpace(badge)) + " "
		if i > 0 {
			lead = strings.Repeat(" ", len(badge))
		}
		r.add(lead + r.st.Title.Render(strings.ReplaceAll(l, "\u00a0", " ")))
	}
	r.add(wrap(f.Diagnosis, r.w, "")...)
	stage := string(f.Stage)
	if f.Who != "" {
		stage += ", by the " + f.Who
	}
	hs := "-"
	if d, ok := f.HandshakeTime(); ok {
		hs = flowlist.Duration(time.Duration(d))
	}
	facts := fmt.Sprintf("stopped at: %s  history: %s  handshake: %s  packets: %d  bytes: %d  client by: %s",
		stage, orDash(model.History(f.Flow)), hs, f.Packets(), f.Bytes, f.ClientBasis)
	for _, l := range wrap(facts, r.w, "") {
		r.add(r.st.Muted.Render(l))
	}
}

func (r *renderer) timeline(f *model.Flow) {
	r.section("Timeline")
	r.add(r.st.Muted.Render("        ms since first    +ms   dir     event"))
	prev := f.First
	for _, e := range f.Events {
		since, plus := "?", "?" // a time outside 1678-2262 gives no duration
		if e.TimeKnown() {
			since, plus = ms(e.Time().Sub(f.First)), "+"+ms(e.Time().Sub(prev))
			prev = e.Time()
		}
		arrow := r.st.Client.Render("C -> S")
		if e.Dir == decode.FromServer {
			arrow = r.st.Server.Render("C <- S")
		}
		line := fmt.Sprintf("  %16s %8s   %s  ", since, plus, arrow)
		// A long event wraps under its own column instead of losing its end.
		indent := ansi.StringWidth(line)
		for i, l := range wrap(EventName(e), r.w-indent, "") {
			if i > 0 {
				line = strings.Repeat(" ", indent)
			}
			r.add(ansi.Truncate(line+l, r.w, "~"))
		}
	}
	if f.Timeline.Len() == 0 {
		r.add("  (no events)")
	}
	if cut := f.Timeline.Cut(); cut > 0 {
		r.add(r.st.Muted.Render(fmt.Sprintf("  ... %d later events not kept", cut)))
	}
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 3, 64) }

// hellos shows what the client offered beside what the server chose.
func (r *renderer) hellos(f *model.Flow) {
	t := f.TLS
	ch, sh := t.ClientHello, t.ServerHello
	if ch == nil && sh == nil && t.HelloRetry == nil {
		return
	}
	side := r.w >= SideBySide
	colW := r.w
	if side {
		colW = (r.w - 3) / 2
	}
	left := []string{r.st.Section.Render("ClientHello offers")}
	if ch == nil {
		left = append(left, "  (none seen)")
	} else {
		left = append(left, offers(ch, sh, f.TLS.SessionID(decode.FromClient), colW, r.st)...)
	}
	right := []string{r.st.Section.Render("ServerHello chooses")}
	right = append(right, choices(f, colW)...)
	r.add("")
	if !side {
		r.add(left...)
		r.add("")
		r.add(right...)
		return
	}
	for i := 0; i < max(len(left), len(right)); i++ {
		var a, b string
		if i < len(left) {
			a = left[i]
		}
		if i < len(right) {
			b = right[i]
		}
		r.add(padTo(a, colW) + " | " + b)
	}
}

func offers(ch *decode.ClientHello, sh *tlswire.ServerHello, sessionID []byte, w int, st styles.Styles) []string {
	var out []string
	add := func(ls []string) { out = append(out, ls...) }
	vers := []string{"legacy " + registry.Version(ch.LegacyVersion)}
	vers = append(vers, codes(ch.SupportedVersions, registry.Version)...)
	add(kv("versions", vers, w))
	out = append(out, fmt.Sprintf("  cipher suites (%d):", len(ch.CipherSuites)))
	for _, c := range ch.CipherSuites {
		line := "      " + registry.CipherSuite(c)
		if sh != nil && c == sh.CipherSuite {
			line = "    * " + registry.CipherSuite(c) + "  <- chosen"
			if ansi.StringWidth(line) > w { // the mark goes under the name, not cut off
				out = append(out, st.Chosen.Render(ansi.Truncate("    * "+registry.CipherSuite(c), w, "~")))
				line = "      <- chosen"
			}
			line = st.Chosen.Render(line)
		}
		out = append(out, ansi.Truncate(line, w, "~"))
	}
	add(kv("SNI", nonEmpty(model.Printable(ch.SNI)), w))
	add(kv("ALPN", printable(ch.ALPN), w))
	add(kv("groups", codes(ch.SupportedGroups, registry.Group), w))
	add(kv("key shares", codes(ch.KeyShares, registry.Group), w))
	add(kv("signature algs", codes(ch.SignatureAlgorithms, registry.SignatureScheme), w))
	add(kv("PSK modes", pskModeNames(ch.PSKModes), w))
	if ch.SessionTicket {
		if ch.SessionTicketLen > 0 {
			add(kv("session ticket", []string{strconv.Itoa(ch.SessionTicketLen) + " B offered"}, w))
		} else {
			add(kv("session ticket", []string{"asks for one"}, w))
		}
	}
	if len(sessionID) > 0 {
		add(kv("session id", []string{strconv.Itoa(len(sessionID)) + " B"}, w))
	}
	if ch.PSKIdentities > 0 {
		add(kv("PSK identities", []string{strconv.Itoa(ch.PSKIdentities)}, w))
	}
	add(kv("compression", compressionNames(ch.Compression), w))
	add(kv("extensions", codes(ch.Extensions, registry.Extension), w))
	var flags []string
	if ch.ECH {
		flags = append(flags, "encrypted_client_hello")
	}
	if ch.EarlyData {
		flags = append(flags, "early data")
	}
	if ch.SSLv2 {
		flags = append(flags, "SSLv2-compatible")
	}
	if ch.Truncated {
		flags = append(flags, "TRUNCATED: later fields missing")
	}
	add(kv("notes", flags, w))
	return out
}

// sslv2Choices is the server side of a pure SSL 2.0 handshake: what its
// SERVER-HELLO offered and the cipher the client's CLIENT-MASTER-KEY chose.
func sslv2Choices(v2 *decode.SSLv2Facts, w int) []string {
	out := kv("version", []string{"SSL 2.0 (SERVER-HELLO)"}, w)
	if v2.Cipher != 0 {
		out = append(out, kv("cipher", []string{tlswire.SSLv2CipherName(v2.Cipher) + " (CLIENT-MASTER-KEY)"}, w)...)
	}
	offered := make([]string, len(v2.ServerCiphers))
	for i, k := range v2.ServerCiphers {
		offered[i] = tlswire.SSLv2CipherName(k)
	}
	out = append(out, kv("server ciphers", offered, w)...)
	if v2.SessionIDHit {
		out = append(out, kv("session", []string{"resumed (session-id-hit)"}, w)...)
	}
	return out
}

func choices(f *model.Flow, w int) []string {
	t := f.TLS
	var out []string
	add := func(ls []string) { out = append(out, ls...) }
	if hrr := t.HelloRetry; hrr != nil {
		add(kv("HelloRetryRequest", []string{"asks for group " + registry.Group(hrr.KeyShareGroup)}, w))
	}
	sh := t.ServerHello
	if v2 := t.SSLv2; sh == nil && v2 != nil {
		return append(out, sslv2Choices(v2, w)...)
	}
	if sh == nil {
		return append(out, "  (no ServerHello)")
	}
	add(kv("version", []string{registry.Version(sh.Version())}, w))
	if sh.SupportedVersion != 0 {
		add(kv("legacy version", []string{registry.Version(sh.LegacyVersion)}, w))
	}
	add(kv("cipher suite", []string{registry.CipherSuite(sh.CipherSuite)}, w))
	add(kv("ALPN", nonEmpty(model.Printable(sh.ALPN)), w))
	if sh.KeyShareGroup != 0 {
		add(kv("key share", []string{registry.Group(sh.KeyShareGroup)}, w))
	}
	if sh.SelectedPSK >= 0 {
		add(kv("PSK", []string{"identity " + strconv.Itoa(sh.SelectedPSK) + " accepted"}, w))
	}
	if sid := t.SessionID(decode.FromServer); len(sid) > 0 {
		note := strconv.Itoa(len(sid)) + " B"
		if string(t.SessionID(decode.FromClient)) == string(sid) {
			note += " (echoes the client's)"
		}
		add(kv("session id", []string{note}, w))
	}
	if sh.SessionTicketAck {
		add(kv("session ticket", []string{"will send one"}, w))
	}
	add(kv("compression", compressionNames([]uint8{sh.Compression}), w))
	add(kv("extensions", codes(sh.Extensions, registry.Extension), w))
	if sh.DowngradeSentinel != "" {
		add(kv("downgrade", []string{"sentinel " + sh.DowngradeSentinel + " in the random"}, w))
	}
	if ske := t.ServerKeyExchange; ske != nil {
		kx := "RSA or unreadable"
		if ske.NamedGroup != 0 {
			kx = "ECDHE " + registry.Group(ske.NamedGroup)
		} else if ske.DHE {
			kx = "finite-field DHE"
		}
		add(kv("key exchange", []string{kx}, w))
	}
	if cr := t.CertRequest; cr != nil {
		add(kv("client cert", []string{fmt.Sprintf("requested (%d authorities)", cr.Authorities)}, w))
	}
	if sh.Truncated {
		add(kv("notes", []string{"TRUNCATED: later fields missing"}, w))
	}
	return out
}

func (r *renderer) certs(f *model.Flow) {
	t := f.TLS
	if len(t.Certificates) == 0 {
		return
	}
	r.section(fmt.Sprintf("Certificates (%d of %d, in clear)", len(t.Certificates), max(int(t.CertificateTotal), len(t.Certificates))))
	sni := ""
	if t.ClientHello != nil {
		sni = t.ClientHello.SNI
	}
	if chk, ok := model.CheckLeaf(t.Certificates, sni, f.First); ok {
		var notes []string
		switch {
		case !chk.NameChecked:
			notes = append(notes, "no SNI to check the name against")
		case chk.NameMatch:
			notes = append(notes, "name matches SNI")
		default:
			notes = append(notes, "NAME MISMATCH: SNI "+model.Printable(sni)+" is not in the leaf")
		}
		switch {
		case chk.Expired:
			notes = append(notes, "EXPIRED at capture time")
		case chk.NotYetValid:
			notes = append(notes, "NOT YET VALID at capture time")
		default:
			notes = append(notes, "valid at capture time")
		}
		if chk.SelfSigned {
			notes = append(notes, "SELF-SIGNED")
		}
		if chk.SelfIssuedUnchecked != "" {
			notes = append(notes, "SELF-ISSUED, signature not checked ("+model.Printable(chk.SelfIssuedUnchecked)+")")
		}
		if !chk.ChainOrder {
			notes = append(notes, "chain out of order")
		}
		r.add(kv("leaf", notes, r.w)...)
	}
	for i, c := range t.Certificates {
		r.add(fmt.Sprintf("  [%d]", i))
		if c.Error != "" {
			r.add(kv("unreadable", []string{model.Printable(c.Error)}, r.w)...)
			continue
		}
		r.add(kv("subject", []string{model.Printable(c.Subject)}, r.w)...)
		r.add(kv("issuer", []string{model.Printable(c.Issuer)}, r.w)...)
		r.add(kv("SANs", printable(c.SANs), r.w)...)
		validity := c.NotBefore.UTC().Format("2006-01-02") + " .. " + c.NotAfter.UTC().Format("2006-01-02")
		switch {
		case f.First.After(c.NotAfter):
			validity += "  EXPIRED at capture time"
		case f.First.Before(c.NotBefore):
			validity += "  NOT YET VALID at capture time"
		}
		r.add(kv("valid", []string{validity}, r.w)...)
		key := []string{model.Printable(c.KeyType)}
		if c.SelfSigned {
			key = append(key, "self-signed")
		}
		if c.SignatureNotChecked != "" {
			key = append(key, "self-issued, signature not checked")
		}
		if c.IsCA {
			key = append(key, "CA")
		}
		r.add(kv("key", key, r.w)...)
	}
}

// ends lists alerts, resets and closes with who sent them.
func (r *renderer) ends(f *model.Flow) {
	t := f.TLS
	var ls []string
	for _, a := range t.Alerts {
		s := "encrypted alert"
		if !a.Encrypted {
			level := "warning"
			if a.Level == 2 {
				level = "fatal"
			}
			s = level + " " + registry.Alert(a.Description)
			if a.Decrypted {
				s += " (decrypted)"
			}
		}
		s += " from the " + a.From.String()
		if a.After != "" {
			s += " after " + model.Printable(a.After)
		}
		s += " at +" + ms(a.At.Sub(f.First)) + " ms"
		ls = append(ls, "  alert: "+s)
	}
	for _, d := range []decode.Dir{decode.FromClient, decode.FromServer} {
		if f.TCP.RST[d] {
			ls = append(ls, "  RST from the "+d.String())
		}
		if f.TCP.FIN[d] {
			ls = append(ls, "  FIN from the "+d.String())
		}
	}
	if f.TCP.RefusedByRST {
		ls = append(ls, "  SYN refused by RST")
	}
	if len(ls) == 0 {
		return
	}
	r.section("Alerts, resets, closes")
	for _, l := range ls {
		r.add(wrap(l, r.w, "")...)
	}
}

// facts covers fingerprints, TCP oddities and decoder notes.
func (r *renderer) facts(f *model.Flow) {
	t := f.TLS
	var fps []string
	fps = append(fps, kv("JA4", nonEmpty(model.Printable(t.JA4())), r.w)...)
	fps = append(fps, kv("JA3", nonEmpty(model.Printable(t.JA3Hash())), r.w)...)
	fps = append(fps, kv("JA3 string", nonEmpty(model.Printable(f.JA3String())), r.w)...)
	fps = append(fps, kv("JA3S", nonEmpty(model.Printable(t.JA3SHash())), r.w)...)
	fps = append(fps, kv("Zeek history", nonEmpty(model.History(f.Flow)), r.w)...)
	if len(fps) > 0 { // no heading over nothing (a flow without a hello)
		r.section("Fingerprints")
		r.add(fps...)
	}
	var notes []string
	tcp := &f.TCP
	if tcp.SYNRetries > 0 {
		notes = append(notes, fmt.Sprintf("SYN retransmitted %d times", tcp.SYNRetries))
	}
	if mss := mssNote(tcp.MSS); mss != "" {
		notes = append(notes, mss)
	}
	if n := tcp.Retransmits[0] + tcp.Retransmits[1]; n > 0 {
		notes = append(notes, fmt.Sprintf("%d retransmitted segments", n))
	}
	if t.ClientHelloRetrans > 0 {
		notes = append(notes, fmt.Sprintf("ClientHello (%d B in %d segments) retransmitted %d times", t.ClientHelloLen, t.ClientHelloSegments, t.ClientHelloRetrans))
	}
	if tcp.MidStream {
		notes = append(notes, "capture starts mid-connection")
	}
	if tcp.Truncated {
		notes = append(notes, "packets cut short by the snap length")
	}
	if t.StartTLS != "" {
		notes = append(notes, "STARTTLS over "+model.Printable(t.StartTLS))
	}
	if t.NotTLS != "" {
		notes = append(notes, "not TLS: "+model.Printable(t.NotTLS))
	}
	for d, p := range t.Problem {
		if p != "" {
			notes = append(notes, decode.Dir(d).String()+": "+model.Printable(p))
		}
	}
	if t.NotKept != "" {
		notes = append(notes, t.NotKept)
	}
	if n := model.KeyLogNote(t.Decrypt); n != "" {
		notes = append(notes, n)
	}
	if len(notes) > 0 {
		r.section("Notes")
		for _, n := range notes {
			r.add(wrap(n, r.w, "  ")...)
		}
	}
}

// mssNote says which MSS each side announced, and says so when a side
// announced none that the capture shows (0 is not a size: no option, or no
// SYN from that side captured).
func mssNote(mss [2]uint16) string {
	c, s := mss[decode.FromClient], mss[decode.FromServer]
	switch {
	case c > 0 && s > 0:
		return fmt.Sprintf("MSS client %d, server %d", c, s)
	case c > 0:
		return fmt.Sprintf("MSS client %d (none seen from the server)", c)
	case s > 0:
		return fmt.Sprintf("MSS server %d (none seen from the client)", s)
	}
	return ""
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// padTo clips or pads a styled line to w cells.
func padTo(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "~")
	}
	return s + strings.Repeat(" ", w-sw)
}
