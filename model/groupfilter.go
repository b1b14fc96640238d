package model

import (
	"net/netip"
	"strconv"
	"strings"
)

// GroupFilter is the filter expression that opens a group's flows: the
// group view's drill-down puts it in the filter bar, so the user sees how
// to get there again. ok is false when the filter language cannot name the
// group ("no alert", "no version", "no cipher").
//
// The language has no exact-match form for every key, so some terms can
// find more than the group: ip: and port: match either endpoint, sni:,
// alert: and cipher: match a part of the name (sni:api.example.com also
// finds api.example.com.evil). On a capture where that matters, the list
// shows the extra flows; the group's own are always among them. issuer:
// matches a part too, but a whole issuer (CN=..., O=...) rarely sits
// inside another, so the group's filter names the whole issuer.
func GroupFilter(by []GroupKey, key []string) (expr string, ok bool) {
	var b strings.Builder
	for i, k := range by {
		if i >= len(key) {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if !writeGroupTerm(&b, k, key[i]) {
			return "", false
		}
	}
	if _, err := ParseFilter(b.String()); err != nil || b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

func writeGroupTerm(b *strings.Builder, k GroupKey, v string) bool {
	field := func(name, value string) {
		b.WriteString(name)
		b.WriteByte(':')
		writeFilterValue(b, value, false)
	}
	switch k {
	case ByServer:
		ap, err := netip.ParseAddrPort(v)
		if err != nil {
			return false
		}
		b.WriteString("ip:" + ap.Addr().Unmap().String() + " port:" + strconv.Itoa(int(ap.Port())))
	case ByClient, ByClientNet:
		if v == "" {
			return false
		}
		b.WriteString("ip:" + v)
	case BySNI:
		if v == "" {
			b.WriteString("!sni:*")
			return true
		}
		if strings.Contains(v, "*") {
			return false // a '*' in the name would glob
		}
		field("sni", v)
	case ByJA4, ByJA4a:
		if v == "" {
			b.WriteString("!ja4:_") // every JA4 has a '_'
			return true
		}
		field("ja4", v)
	case ByIssuer:
		if v == "" {
			b.WriteString("!issuer:=") // every issuer has an '=' (CN=...)
			return true
		}
		field("issuer", v)
	case ByOutcome, ByVersion, ByCipher, ByAlert:
		if v == "" {
			return false
		}
		field(string(k), v)
	default:
		return false
	}
	return true
}
