package capture

import (
	"io"
	"sync/atomic"
)

// countingReader sits directly on the file, below any gzip or bufio layer, so
// its count is file bytes consumed: what a progress bar over Size() needs.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
