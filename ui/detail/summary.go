package detail

import (
	"fmt"
	"strings"
	"time"

	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/flowlist"
)

// Summary is one paragraph about a flow for a ticket: what, where it
// stopped, why, and the identifiers people search for.
func Summary(f *model.Flow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Flow %d %s -> %s", f.ID, f.Client, f.Server)
	if sni := f.SNI(); sni != "" {
		fmt.Fprintf(&b, " (SNI %s)", sni)
	}
	fmt.Fprintf(&b, " at %s: %s.", f.First.UTC().Format(time.RFC3339Nano), f.Badge)
	if f.Diagnosis != "" {
		b.WriteString(" " + strings.TrimSuffix(f.Diagnosis, ".") + ".")
	}
	if v := f.VersionShort(); v != "" {
		fmt.Fprintf(&b, " TLS %s", v)
		if c := f.CipherName(); c != "" {
			b.WriteString(", " + c)
		}
		b.WriteString(".")
	}
	if a := f.AlertName(); a != "" {
		fmt.Fprintf(&b, " Alert: %s from the %s.", a, f.Who)
	}
	if d, ok := f.HandshakeTime(); ok {
		fmt.Fprintf(&b, " Handshake time %s.", flowlist.Duration(time.Duration(d)))
	}
	if h := model.History(f.Flow); h != "" {
		fmt.Fprintf(&b, " Zeek history %s.", h)
	}
	if f.TLS.JA4() != "" {
		fmt.Fprintf(&b, " JA4 %s.", model.Printable(f.TLS.JA4()))
	}
	return b.String()
}
