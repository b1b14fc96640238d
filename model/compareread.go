package model

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// reading says in a few lines what difference between a (to explain) and b
// (the reference) matters, read from the server's choice in b: evidence
// first, then the inference, marked "likely". It says so when nothing
// stands out rather than guess.
func reading(a, b *Flow) []string {
	switch {
	case a.Completed() && b.Completed():
		return []string{"both handshakes completed (#" + strconv.Itoa(a.ID) + " " + a.Badge + ", #" + strconv.Itoa(b.ID) + " " + b.Badge +
			"): the differences below are in what was offered and chosen, not a failure"}
	case !b.Completed():
		return []string{"neither handshake completed (#" + strconv.Itoa(b.ID) + " is " + b.Badge +
			" too): there is no server choice to read the difference from; the differences are marked below"}
	case a.TLS.ClientHello == nil:
		return []string{"this connection sent no ClientHello (" + a.Badge + ", stopped at " + string(a.Stage) +
			"): the difference is before TLS, so the hellos cannot explain it"}
	case b.TLS.ServerHello == nil || b.TLS.ClientHello == nil:
		return []string{"#" + strconv.Itoa(b.ID) + " completed without a TLS ClientHello and ServerHello in clear (" + b.Badge +
			"): there is no server choice to read the difference from; the differences are marked below"}
	}
	var out []string
	if a.TLS.ServerHello == nil {
		out = helloReadings(a, b)
	} else {
		out = afterHelloReadings(a, b)
	}
	if len(out) == 0 && a.TLS.ServerHello == nil {
		if d := alertFrom(a, 1); d != 0 {
			sh := b.TLS.ServerHello
			out = append(out, "this client offers "+registry.Version(b.Verdict.Version)+" with "+registry.CipherSuiteShort(sh.CipherSuite)+
				", which the server chose for the working client (#"+strconv.Itoa(b.ID)+"), yet the server answered "+registry.Alert(d)+
				": the hellos do not explain it; likely the server treated them differently (a changed configuration, "+
				timeApart(a.First.Sub(b.First))+" than the working one, or a policy on another field)")
		}
	}
	if len(out) == 0 {
		out = append(out, "nothing in the comparison stands out: this client offers what the server chose for the working one (#"+
			strconv.Itoa(b.ID)+"); the cause is likely elsewhere (see its diagnosis)")
	}
	return out
}

// helloReadings explain a failure before any ServerHello by what the
// server chose for the working client and what this client offers.
func helloReadings(a, b *Flow) []string {
	ca, cb := a.TLS.ClientHello, b.TLS.ClientHello
	sh := b.TLS.ServerHello
	var out []string
	v, suite := b.Verdict.Version, sh.CipherSuite
	vName, suiteName := registry.Version(v), registry.CipherSuiteShort(suite)
	chose := "the server chose " + vName + " with " + suiteName + " for the working client (#" + strconv.Itoa(b.ID) + ")"
	switch {
	case !offersVersion(ca, v):
		s := "the server chose " + vName + " for the working client (#" + strconv.Itoa(b.ID)
		if cb != nil && offersHigher(cb, v) {
			s += ", which also offered " + offeredVersions(cb)
		}
		s += "); this client offers " + offeredVersions(ca) + answered(a) + ": likely the server accepts no version this client offers"
		out = append(out, s)
	case !slices.Contains(ca.CipherSuites, suite):
		out = append(out, chose+"; this client offers "+vName+" but not that suite (it offers "+
			suitesFor(ca.CipherSuites, v)+")"+answered(a)+": likely no cipher suite in common")
	default:
		if g := negotiatedGroup(b.TLS); g != 0 && len(ca.SupportedGroups) > 0 && !slices.Contains(ca.SupportedGroups, g) {
			out = append(out, "the server used "+registry.Group(g)+" for the working client (#"+strconv.Itoa(b.ID)+
				"); this client does not offer it (it offers "+names(ca.SupportedGroups, registry.Group, 6)+
				")"+answered(a)+": likely no key exchange group in common")
		} else if s := signatureReading(a, b); s != "" {
			out = append(out, s)
		}
	}
	if s := sniReading(a, b); s != "" {
		out = append(out, s)
	}
	if s := alpnReading(a, b); s != "" {
		out = append(out, s)
	}
	if s := sizeReading(a, b); s != "" {
		out = append(out, s)
	}
	return out
}

// alpnReading names an application protocol the server chose for the
// working client that this one does not offer (TLS 1.2 shows the choice in
// clear), or, after a no_application_protocol alert, the two offers.
func alpnReading(a, b *Flow) string {
	ca, cb := a.TLS.ClientHello, b.TLS.ClientHello
	refused := alertFrom(a, 1) == alertNoApplicationProto
	if len(ca.ALPN) == 0 {
		return ""
	}
	if p := b.TLS.ServerHello.ALPN; p != "" && !slices.Contains(ca.ALPN, p) {
		s := "the server chose ALPN " + Printable(p) + " for the working client; this client offers " + quoteList(ca.ALPN)
		if refused {
			s += " and the server answered no_application_protocol: likely no application protocol in common"
		}
		return s
	}
	if refused && cb != nil && !slices.Equal(ca.ALPN, cb.ALPN) {
		return "the server answered no_application_protocol to this client, which offers ALPN " + quoteList(ca.ALPN) +
			"; the working client (#" + strconv.Itoa(b.ID) + ") offers " + quoteList(cb.ALPN) +
			": likely the server accepts none of this client's protocols"
	}
	return ""
}

// signatureReading: the certificate the server used for the working
// client has a key this client offers no signature algorithm for.
func signatureReading(a, b *Flow) string {
	leaf, algs := leafOf(b), a.TLS.ClientHello.SignatureAlgorithms
	if leaf == nil || len(algs) == 0 {
		return ""
	}
	family := keyFamily(leaf.KeyType)
	if family == "" {
		return ""
	}
	for _, s := range algs {
		if signatureFamily(s) == family {
			return ""
		}
	}
	return "the server's certificate for the working client (#" + strconv.Itoa(b.ID) + ") holds a key of type " + Printable(leaf.KeyType) +
		"; this client offers no " + family + " signature algorithm (it offers " + names(algs, registry.SignatureScheme, 6) + ")" +
		answered(a) + ": likely the server cannot sign with a key this client accepts"
}

// keyFamily is "RSA", "ECDSA", "Ed25519" or "Ed448" for a certificate's key type.
func keyFamily(keyType string) string {
	for _, f := range []string{"RSA", "ECDSA", "Ed25519", "Ed448"} {
		if strings.HasPrefix(keyType, f) {
			return f
		}
	}
	return ""
}

// signatureFamily is the key family a TLS signature scheme signs with ("" for others).
func signatureFamily(s uint16) string {
	switch {
	case s == 0x0807:
		return "Ed25519"
	case s == 0x0808:
		return "Ed448"
	case s >= 0x0804 && s <= 0x0806, s >= 0x0809 && s <= 0x080b, s&0xff == 0x01:
		return "RSA"
	case s&0xff == 0x03:
		return "ECDSA"
	}
	return ""
}

// offersHigher reports a ClientHello that offered a version above v (so
// the server chose v over it).
func offersHigher(ch *decode.ClientHello, v uint16) bool {
	for _, s := range ch.SupportedVersions {
		if !registry.IsGREASE(s) && s > v {
			return true
		}
	}
	return false
}

// suitesFor lists the offered suites usable with version v (TLS 1.3 suites
// for 1.3, the others below), up to six.
func suitesFor(suites []uint16, v uint16) string {
	var keep []uint16
	for _, s := range suites {
		if (s>>8 == 0x13) == (v == tlswire.VersionTLS13) && s != 0x00ff && s != 0x5600 { // not SCSVs
			keep = append(keep, s)
		}
	}
	return names(keep, registry.CipherSuiteShort, 6)
}

// sniReading names a missing or different server name.
func sniReading(a, b *Flow) string {
	sa, sb := a.TLS.ClientHello.SNI, rawSNI(b)
	switch {
	case sa == "" && sb != "":
		return "the failing client sends no SNI; the working one sends " + Printable(sb) +
			": likely the server requires a server name"
	case sa != "" && sb != "" && sa != sb && alertFrom(a, 1) == alertUnrecognizedName:
		return "the failing client asks for " + Printable(sa) + " and the server answered unrecognized_name; the working one asks for " +
			Printable(sb) + ": likely the server does not serve " + Printable(sa)
	}
	return ""
}

// sizeReading: a ClientHello in more segments than the working one that
// never got an answer nor a full acknowledgement.
func sizeReading(a, b *Flow) string {
	ta, tb := a.TLS, b.TLS
	if ta.ClientHelloSegments <= 1 || ta.ClientHelloSegments <= tb.ClientHelloSegments || ta.ClientHelloAcked ||
		(a.Outcome != NoServerHello && a.Outcome != Reset) {
		return ""
	}
	s := "the failing ClientHello is " + thousands(int64(ta.ClientHelloLen)) + " bytes in " + segmentWords(ta.ClientHelloSegments) +
		", the working one " + thousands(int64(tb.ClientHelloLen)) + " bytes in " + segmentWords(tb.ClientHelloSegments)
	if ta.ClientHelloRetrans > 0 {
		s += "; it was retransmitted and never fully acknowledged"
	}
	return s + ": likely the larger segments are lost on the path (path MTU or a middlebox)"
}

func segmentWords(n int32) string {
	words := []string{"no segment", "one segment", "two segments", "three segments", "four segments"}
	if int(n) < len(words) && n >= 0 {
		return words[n]
	}
	return strconv.Itoa(int(n)) + " segments"
}

// answered is ", and the server answered ALERT" for a server's fatal
// alert, else "".
func answered(a *Flow) string {
	if d := alertFrom(a, 1); d != 0 {
		return ", and the server answered " + registry.Alert(d)
	}
	return ""
}

// alertFrom is the description of the first clear fatal alert from side d
// (0 client, 1 server), or 0.
func alertFrom(f *Flow, d uint8) uint8 {
	if al := firstFatal(f.Flow); al != nil && uint8(al.From) == d {
		return al.Description
	}
	return 0
}

// afterHelloReadings explain a failure after the ServerHello: by then the
// server accepted the hello, so the certificates and who rejected what tell.
func afterHelloReadings(a, b *Flow) []string {
	la, lb := leafOf(a), leafOf(b)
	clientRejected := a.Who == "client"
	switch {
	case la != nil && lb != nil && sameCert(la, lb) && clientRejected:
		return []string{"the server sent both clients the same certificate (" + Printable(la.Subject) + ", issued by " + Printable(la.Issuer) +
			"); the working client (#" + strconv.Itoa(b.ID) + ") accepted it and this one rejected it: likely this client's trust store or checks, not the server's certificate"}
	case la != nil && lb != nil && !sameCert(la, lb) && clientRejected:
		return []string{"the server sent this client a different certificate (" + Printable(la.Subject) + ", issued by " + Printable(la.Issuer) +
			") from the one the working client (#" + strconv.Itoa(b.ID) + ") accepted (" + Printable(lb.Subject) + ", issued by " + Printable(lb.Issuer) +
			"): likely that certificate is what this client rejects"}
	case certsHidden(a) && a.Outcome == EncryptedAlert:
		return []string{"both got a ServerHello; the certificates are encrypted (TLS 1.3), so the capture cannot show whether the server sent both the same one"}
	case a.TLS.CertRequest != nil && b.TLS.CertRequest == nil:
		return []string{"the server asked this client for a certificate and not the working one: likely the client certificate policy differs between them"}
	case a.TLS.CertRequest != nil && a.Who == "server" && !clientSentCertificate(a.Flow) && clientSentCertificate(b.Flow):
		return []string{"the server asked both clients for a certificate; the working one (#" + strconv.Itoa(b.ID) +
			") sent one and this one sent none" + answered(a) + ": likely the server requires a client certificate"}
	}
	return nil
}

func sameCert(a, b *tlswire.Certificate) bool {
	return a.Subject == b.Subject && a.Issuer == b.Issuer && a.Serial == b.Serial
}
