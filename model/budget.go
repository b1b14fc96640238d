package model

import (
	"fmt"

	"github.com/pcapsurgery/pcapsurgery/decode"
)

// heldDroppedText explains a flow whose decoding the memory budget stopped:
// our limit, not the capture's, so it says how to lift it.
func heldDroppedText(f *decode.Flow) string {
	d := client
	if f.TCP.HeldDropped[client] == 0 {
		d = server
	}
	return fmt.Sprintf("decoding of the %s's bytes stopped at the memory budget for held bytes: it held %d bytes "+
		"waiting for a missing segment or the rest of a handshake message when the flows together held more than "+
		"the budget; this tool cannot show how the handshake went on (run again with a larger --max-held to see it)",
		d, f.TCP.HeldDropped[d])
}
