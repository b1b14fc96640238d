package model

import (
	"strconv"
	"strings"
)

// maxExportName bounds a suggested file name; the suffix (port, id, .pcap)
// is kept whole and the host part is cut to fit.
const maxExportName = 80

// DefaultExportName suggests "<sni-or-server-ip>_<port>_<id>.pcap" for a
// flow. The SNI is untrusted, so the name keeps only [A-Za-z0-9._-] (other
// runs become one '_', IPv6 colons become '-'), is at most 80 bytes, and never
// starts with '.' or '-' (no hidden files, no command-line options).
func DefaultExportName(f *Flow) string {
	host := safeNamePart(f.SNI())
	if host == "" && f.Server.IsValid() {
		host = safeNamePart(f.Server.Addr().Unmap().String())
	}
	if host == "" {
		host = "flow"
	}
	suffix := "_" + strconv.Itoa(int(f.Server.Port())) + "_" + strconv.Itoa(f.ID) + ".pcap"
	if over := len(host) + len(suffix) - maxExportName; over > 0 {
		host = host[:max(len(host)-over, 1)]
	}
	return host + suffix
}

// safeNamePart maps s onto [A-Za-z0-9._-] and trims leading '.', '-' and '_'.
func safeNamePart(s string) string {
	var b strings.Builder
	pending := false // a run of unsafe characters waits to become one '_'
	for _, r := range s {
		switch {
		case r == ':':
			r = '-'
		case r == '.' || r == '-' || r == '_',
			r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		default:
			pending = true
			continue
		}
		if pending {
			b.WriteByte('_')
			pending = false
		}
		b.WriteRune(r)
	}
	return strings.TrimLeft(b.String(), ".-_")
}
