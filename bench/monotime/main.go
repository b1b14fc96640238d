// Command monotime copies a pcap stream (standard input to standard output)
// with its timestamps made to run forward: where a record's time falls more
// than a second behind the one before (a concatenation of captures that each
// start at the same time, as bench/soak_live.sh makes from gencap runs),
// every later record is moved to follow on from it. A live capture's clock
// only goes forward, and retention's ages are capture time.
package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil && err != io.EOF {
		fmt.Fprintln(os.Stderr, "monotime:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	defer w.Flush()
	head := make([]byte, 24)
	if _, err := io.ReadFull(r, head); err != nil {
		return err
	}
	var unit int64
	switch binary.LittleEndian.Uint32(head) {
	case 0xa1b2c3d4:
		unit = 1000 // microseconds
	case 0xa1b23c4d:
		unit = 1 // nanoseconds
	default:
		return fmt.Errorf("not a little-endian pcap stream")
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	var shift, last int64 // ns
	rec := make([]byte, 16)
	buf := make([]byte, 0, 1<<16)
	for {
		if _, err := io.ReadFull(r, rec); err != nil {
			return err
		}
		ts := int64(binary.LittleEndian.Uint32(rec))*1e9 + int64(binary.LittleEndian.Uint32(rec[4:]))*unit
		if t := ts + shift; t < last-1e9 {
			shift += last - t
		}
		ts += shift
		last = max(last, ts)
		binary.LittleEndian.PutUint32(rec, uint32(ts/1e9))
		binary.LittleEndian.PutUint32(rec[4:], uint32(ts%1e9/unit))
		n := int(binary.LittleEndian.Uint32(rec[8:]))
		if n > 1<<18 {
			return fmt.Errorf("record of %d bytes: damaged stream", n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		if _, err := w.Write(rec); err != nil {
			return err
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if r.Buffered() == 0 {
			w.Flush() // keep it a live stream: what came in goes out
		}
	}
}
