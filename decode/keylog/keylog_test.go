package keylog

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

const cr1 = "0102030405060708091011121314151617181920212223242526272829303132"

func TestReadEveryLabelAndBadLines(t *testing.T) {
	s32 := strings.Repeat("ab", 32)
	s48 := strings.Repeat("cd", 48)
	in := "# a comment\r\n\r\n" +
		"CLIENT_RANDOM " + cr1 + " " + s48 + "\r\n" +
		"CLIENT_EARLY_TRAFFIC_SECRET " + cr1 + " " + s32 + "\n" +
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr1 + " " + s32 + "\n" +
		"SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr1 + " " + s48 + "\n" +
		"CLIENT_TRAFFIC_SECRET_0 " + cr1 + " " + s32 + "\n" +
		"SERVER_TRAFFIC_SECRET_0 " + cr1 + " " + s32 + "\n" +
		"EXPORTER_SECRET " + cr1 + " " + s32 + "\n" +
		"EARLY_EXPORTER_SECRET " + cr1 + " " + s32 + "\n" +
		"CLIENT_RANDOM " + cr1[:62] + "zz " + s48 + "\n" + // bad hex in the random
		"CLIENT_RANDOM " + cr1 + " " + s32 + "\n" + // a master secret is 48 bytes
		"CLIENT_RANDOM " + cr1[:60] + " " + s48 + "\n" + // random too short
		"SERVER_TRAFFIC_SECRET_0 " + cr1 + " " + s32[:62] + "zz\n" +
		"hello world\n" +
		"SERVER_TRAFFIC_SECRET_0 " + cr1 + " " + strings.Repeat("ef", 32) + "\n" + // contradicts
		"CLIENT_RANDOM " + cr1 + " " + s48 // no final newline
	l := New()
	if err := l.Read(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	want := Stats{Lines: 17, Secrets: 7, Randoms: 1, Ignored: 1, Malformed: 1, BadHex: 2, BadLength: 2, Duplicate: 1}
	if st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	var cr [32]byte
	hex.Decode(cr[:], []byte(cr1))
	s := l.Lookup(cr)
	if s == nil || !s.Has(ServerHandshakeTraffic) || len(s.Get(ServerHandshakeTraffic)) != 48 || s.Get(ServerTraffic0)[0] != 0xab {
		t.Fatalf("secrets not found by client random")
	}
	if p := st.Problems(); p != "skipped 1 not in key log form, 2 with bad hex, 2 with a wrong length, 1 contradicting an earlier line" {
		t.Errorf("problems line %q", p)
	}
}

func TestSecretsNeverFormat(t *testing.T) {
	l := New()
	secret := strings.Repeat("5a", 48)
	l.Read(strings.NewReader("CLIENT_RANDOM " + cr1 + " " + secret + "\n"))
	var cr [32]byte
	hex.Decode(cr[:], []byte(cr1))
	s := l.Lookup(cr)
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s)} {
		if strings.Contains(out, "5a5a") || strings.Contains(out, "ZZZZ") {
			t.Fatalf("a secret was formatted: %q", out)
		}
	}
	if j, _ := s.MarshalJSON(); bytes.Contains(j, []byte("5a5a")) {
		t.Fatalf("a secret in JSON: %s", j)
	}
	if got := string(s.Lines(cr)); got != "CLIENT_RANDOM "+cr1+" "+secret+"\n" {
		t.Fatalf("Lines wrote %q", got)
	}
}

func TestOverlongLinesAreSkippedNotHeld(t *testing.T) {
	// A 10 MB line, then a good one: the good one is still read.
	in := strings.Repeat("A", 10<<20) + "\nCLIENT_RANDOM " + cr1 + " " + strings.Repeat("00", 48) + "\n"
	l := New()
	if err := l.Read(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.TooLong != 1 || st.Secrets != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestConnectionCap(t *testing.T) {
	l := New()
	var b bytes.Buffer
	for i := 0; i < MaxRandoms+3; i++ {
		fmt.Fprintf(&b, "CLIENT_RANDOM %064x %s\n", i, strings.Repeat("00", 48))
	}
	l.Read(&b)
	if st := l.Stats(); st.Randoms != MaxRandoms || st.Dropped != 3 {
		t.Fatalf("stats %+v", st)
	}
}

func FuzzKeyLog(f *testing.F) {
	f.Add([]byte("CLIENT_RANDOM " + cr1 + " " + strings.Repeat("00", 48) + "\n# c\r\n"))
	f.Add([]byte("SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr1 + " " + strings.Repeat("0", 63)))
	f.Fuzz(func(t *testing.T, in []byte) {
		l := New()
		if err := l.Read(bytes.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		st := l.Stats()
		if st.Randoms != l.Len() || st.Secrets < st.Randoms {
			t.Fatalf("stats %+v disagree with %d connections", st, l.Len())
		}
	})
}
