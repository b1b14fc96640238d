//go:build !linux

package livecap

import (
	"context"
	"io"
)

// Supported reports whether this system can capture (only Linux can).
const Supported = false

// Capture is never opened here.
type Capture struct{}

// Open says capture is Linux only and gives the pipe route.
func Open(iface string, f Filter) (*Capture, error) { return nil, ErrUnsupported }

func (c *Capture) LinkType() uint32                              { return 1 }
func (c *Capture) Stream(ctx context.Context, w io.Writer) error { return ErrUnsupported }
func (c *Capture) Dropped() uint64                               { return 0 }
func (c *Capture) Close() error                                  { return nil }
