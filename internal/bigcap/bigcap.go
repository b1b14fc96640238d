// Package bigcap writes large captures cheaply, for tests that need an
// export to take long enough to be interrupted: one TCP connection (SYN,
// SYN-ACK, ACK) then full-size data segments from the client until the file
// holds the bytes asked for. Nothing is random: the same size gives the
// same file.
package bigcap

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"time"
)

const (
	payloadLen = 1448
	frameLen   = 14 + 20 + 20 + payloadLen
)

// WriteFile writes a pcap of at least size bytes to path, gzip-compressed
// when gz is set (the data compresses about 100:1, so a file that takes
// seconds to read costs little disk; reading it back by offset means
// decompressing from the start, which keeps an export busy).
func WriteFile(path string, size int64, gz bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var out io.Writer = f
	var z *gzip.Writer
	if gz {
		z, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		out = z
	}
	w := bufio.NewWriterSize(out, 1<<20)
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1) // Ethernet
	w.Write(hdr)
	ts := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	written := int64(len(hdr))
	rec := make([]byte, 16+frameLen)
	for i := range payloadLen {
		rec[16+54+i] = byte(i) // the payload is the same in every segment: filled once
	}
	put := func(fromClient bool, flags byte, seq, ack uint32, n int) {
		ts = ts.Add(10 * time.Microsecond)
		frame(rec[16:], fromClient, flags, seq, ack, n)
		l := 14 + 20 + 20 + n
		binary.LittleEndian.PutUint32(rec[0:], uint32(ts.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(ts.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(l))
		binary.LittleEndian.PutUint32(rec[12:], uint32(l))
		w.Write(rec[:16+l])
		written += int64(16 + l)
	}
	const syn, ackf, psh = 0x02, 0x10, 0x08
	put(true, syn, 999, 0, 0)
	put(false, syn|ackf, 4999, 1000, 0)
	put(true, ackf, 1000, 5000, 0)
	for seq := uint32(1000); written < size; seq += payloadLen {
		put(true, ackf|psh, seq, 5000, payloadLen)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if z != nil {
		if err := z.Close(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// frame fills b with Ethernet, IPv4 and TCP headers for n bytes of payload
// (checksums left zero: nothing here verifies them).
func frame(b []byte, fromClient bool, flags byte, seq, ack uint32, n int) {
	cli, srv := [4]byte{10, 9, 0, 1}, [4]byte{10, 9, 0, 2}
	cport, sport := uint16(40000), uint16(443)
	src, dst, sp, dp := cli, srv, cport, sport
	if !fromClient {
		src, dst, sp, dp = srv, cli, sport, cport
	}
	copy(b[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(b[6:12], []byte{2, 0, 0, 0, 0, 1})
	b[12], b[13] = 0x08, 0x00
	ip := b[14:34]
	ip[0], ip[1] = 0x45, 0
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+n))
	ip[4], ip[5], ip[6], ip[7] = 0, 0, 0x40, 0
	ip[8], ip[9] = 64, 6
	ip[10], ip[11] = 0, 0
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	tcp := b[34:54]
	binary.BigEndian.PutUint16(tcp[0:], sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 5<<4, flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	tcp[16], tcp[17], tcp[18], tcp[19] = 0, 0, 0, 0
}
