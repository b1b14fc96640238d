package flowlist

import (
	"net/netip"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode"
	"github.com/pcapsurgery/pcapsurgery/keymap"
	"github.com/pcapsurgery/pcapsurgery/model"
	"github.com/pcapsurgery/pcapsurgery/ui/styles"
)

// TestColumnsFollowUpdatedRows: the columns are fitted again when a flow on
// screen is updated (a new flow for the same ID, as a batch brings), and
// not by a flow below the screen.
func TestColumnsFollowUpdatedRows(t *testing.T) {
	flow := func(id int, server string) model.Flow {
		f := model.Flow{Flow: decode.NewFlow(), Verdict: &model.Verdict{Badge: "OK 1.3"}}
		f.ID, f.Server = id, netip.MustParseAddrPort(server)
		return f
	}
	flows := make([]model.Flow, 50)
	vis := make([]int32, len(flows))
	for i := range flows {
		flows[i], vis[i] = flow(i+1, "192.0.2.1:443"), int32(i)
	}
	m := New(keymap.Default().List, styles.New(false))
	m.SetSize(200, 10)
	m.SetData(flows, vis, 0)
	serverWidth := func() int {
		for _, c := range m.cols {
			if c.ID == colServer {
				return c.Width
			}
		}
		return 0
	}
	narrow := serverWidth()
	const wide = "[2001:db8:1234:5678:9abc:def0:1234:5678]:443"
	flows[40] = flow(41, wide) // below the screen
	m.SetData(flows, vis, -1)
	if w := serverWidth(); w != narrow {
		t.Fatalf("a flow below the screen changed the server column: %d, was %d", w, narrow)
	}
	flows[3] = flow(4, wide) // on screen
	m.SetData(flows, vis, -1)
	if w := serverWidth(); w < len(wide) || narrow >= len(wide) {
		t.Fatalf("server column %d (was %d) after a row on screen got a %d-character server", w, narrow, len(wide))
	}
}
