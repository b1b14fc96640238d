package model

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/decode/registry"
	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// appendFlow writes a flow as its JSON line straight from the facts: the
// bytes encoding/json writes for Report(f) (TestAppendFlowMatchesEncodingJSON),
// without building the report or reflecting over it, which cost more per
// flow than decoding the flow did.
func appendFlow(b []byte, f *Flow, lists *codeListCache) []byte {
	t := f.TLS
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(f.ID), 10)
	b = append(b, `,"client":"`...)
	b = appendAddrPort(b, f.Client)
	b = append(b, `","server":"`...)
	b = appendAddrPort(b, f.Server)
	b = append(b, '"')
	b = appendKeyString(b, "client_inferred_by", f.ClientBasis.String())
	b = appendKeyTime(b, "start", f.First)
	b = appendKeyTime(b, "end", f.Last)
	b = appendKeyInt(b, "packets", int64(f.Packets()))
	b = appendKeyInt(b, "bytes", f.Bytes)
	b = appendKeyString(b, "outcome", string(f.Outcome))
	b = appendKeyString(b, "badge", f.Badge)
	b = appendKeyString(b, "stage", string(f.Stage))
	b = appendKeyNullable(b, "who", f.Who)
	b = appendKey(b, "diagnosis")
	b = appendText(b, f.Diagnosis)
	b = appendKey(b, "history")
	b = append(b, '"')
	b = appendHistory(b, f.Flow) // letters only
	b = append(b, '"')
	b = appendKeyNullable(b, "starttls", t.StartTLS)
	b = appendKeyNullable(b, "not_tls", t.NotTLS)
	b = appendKey(b, "client_hello")
	b = appendClientHelloFacts(b, t, lists)
	b = appendKey(b, "server_hello")
	b = appendServerHelloFacts(b, t.ServerHello, t.HelloRetry)
	b = appendKeyBool(b, "resumed", f.Outcome == Resumed)
	b = appendKey(b, "alerts")
	b = appendList(b, nonNil(t.Alerts), func(b []byte, a decode.AlertFact) []byte {
		r := alertReport(a)
		return appendAlert(b, r)
	})
	b = appendKey(b, "reset_by")
	if d, ok := endedBy(f.Flow, decode.EvRST); ok {
		b = appendString(b, d.String())
	} else {
		b = append(b, "null"...)
	}
	b = appendKey(b, "certificates")
	b = appendList(b, nonNil(t.Certificates), func(b []byte, c tlswire.Certificate) []byte {
		return appendCert(b, certReport(c))
	})
	b = appendKeyString(b, "ja4", t.JA4())
	b = appendKeyString(b, "ja3", t.JA3Hash())
	b = appendKeyString(b, "ja3s", t.JA3SHash())
	b = appendKey(b, "handshake_ms")
	if ns, ok := f.HandshakeTime(); ok {
		b = appendFloat(b, float64(ns)/1e6)
	} else {
		b = append(b, "null"...)
	}
	b = appendNetwork(appendKey(b, "network"), f.Flow)
	b = appendTimings(appendKey(b, "timings"), PhaseTimings(f.Flow))
	b = appendCloseOrigin(appendKey(b, "close_origin"), f.Flow, f.Outcome)
	b = append(b, `,"problems":[`...)
	n := 0
	for _, p := range [...]string{t.Problem[0], t.Problem[1], t.NotKept} {
		if p != "" {
			if n > 0 {
				b = append(b, ',')
			}
			b = appendText(b, p)
			n++
		}
	}
	b = append(b, ']')
	if ok, d := decryptionReport(t.Decrypt); d != nil {
		b = appendKeyBool(b, "decrypted", *ok)
		b = appendDecryption(appendKey(b, "decryption"), d)
	}
	return append(b, "}\n"...)
}

// appendAddrPort writes what AddrPort.String does, without allocating:
// digits, dots, colons and brackets, nothing to escape.
func appendAddrPort(b []byte, ap netip.AddrPort) []byte {
	if !ap.IsValid() {
		return append(b, "invalid AddrPort"...)
	}
	return ap.AppendTo(b)
}

func appendClientHelloFacts(b []byte, t *decode.TLSFacts, lists *codeListCache) []byte {
	ch := t.ClientHello
	if ch == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"legacy_version":`...)
	b = appendString(b, registry.Version(ch.LegacyVersion))
	b = appendKey(b, "versions")
	b = lists.append(b, kindVersions, ch.SupportedVersions, appendVersions)
	b = appendCodes(b, "cipher_suites", lists, kindSuites, ch.CipherSuites)
	b = appendCodes(b, "extensions", lists, kindExtensions, ch.Extensions)
	b = appendKey(b, "sni")
	b = appendText(b, ch.SNI)
	b = appendKey(b, "alpn")
	b = appendList(b, nonNil(ch.ALPN), appendText)
	b = appendCodes(b, "groups", lists, kindGroups, ch.SupportedGroups)
	b = appendCodes(b, "key_shares", lists, kindKeyShares, ch.KeyShares)
	b = appendCodes(b, "signature_algorithms", lists, kindSignatures, ch.SignatureAlgorithms)
	b = append(b, `,"session_id":"`...)
	for _, c := range t.SessionID(decode.FromClient) {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	b = append(b, '"')
	b = appendKeyBool(b, "sslv2", ch.SSLv2)
	b = appendKeyBool(b, "truncated", ch.Truncated)
	b = appendKeyInt(b, "length", int64(t.ClientHelloLen))
	b = appendKeyInt(b, "segments", int64(t.ClientHelloSegments))
	b = appendKey(b, "acked_bytes")
	if n, ok := helloAckedBytes(t); ok {
		b = strconv.AppendInt(b, int64(n), 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}')
}

func appendServerHelloFacts(b []byte, sh, hrr *tlswire.ServerHello) []byte {
	if sh == nil && hrr == nil {
		return append(b, "null"...)
	}
	return appendServerHello(b, serverHelloReport(sh, hrr))
}

// appendCodes writes a list of code points as {"code","name"} objects.
func appendCodes(b []byte, key string, lists *codeListCache, kind codeListKind, vs []uint16) []byte {
	return lists.append(appendKey(b, key), kind, vs, codeNamesWriter[kind])
}

// codeNamesWriter builds each kind's list; versions are names only.
var codeNamesWriter = [...]func([]byte, []uint16) []byte{
	kindSuites:     codeNamesJSON(registry.CipherSuite),
	kindExtensions: codeNamesJSON(registry.Extension),
	kindGroups:     codeNamesJSON(registry.Group),
	kindKeyShares:  codeNamesJSON(registry.Group),
	kindSignatures: codeNamesJSON(registry.SignatureScheme),
	kindVersions:   appendVersions,
}

func codeNamesJSON(name func(uint16) string) func([]byte, []uint16) []byte {
	return func(b []byte, vs []uint16) []byte {
		b = append(b, '[')
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCodeName(b, CodeName{v, name(v)})
		}
		return append(b, ']')
	}
}

func appendVersions(b []byte, vs []uint16) []byte {
	return appendList(b, nonNil(vs), func(b []byte, v uint16) []byte {
		return appendString(b, registry.Version(v))
	})
}

func appendKeyTime(b []byte, k string, t time.Time) []byte {
	b = appendKey(b, k)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendKeyNullable writes "" as null, like the report's optional fields.
func appendKeyNullable(b []byte, k, v string) []byte {
	if v == "" {
		return append(appendKey(b, k), "null"...)
	}
	return appendKeyString(b, k, v)
}

// appendHistory writes the Zeek-style letters (see History).
func appendHistory(b []byte, f *decode.Flow) []byte {
	for _, e := range f.Events {
		if c := historyLetter(e); c != 0 {
			if e.Dir == decode.FromServer {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	return b
}

// nonNil makes an empty list encode as [] (the report's lists are never null).
func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
