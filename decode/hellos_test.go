package decode

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// TestHelloKeysCoverEveryField changes each field of a hello in turn and
// checks its sharing key changes: two hellos that differ in any field a
// flow shows must never be shared. Random and SessionID are left out on
// purpose (the flow keeps its session IDs; the random is not shown); of the
// server name, which the flow keeps, the key has whether there was one.
func TestHelloKeysCoverEveryField(t *testing.T) {
	excluded := map[string]bool{"Random": true, "SessionID": true}
	check := func(name string, zero any, key func(any) []byte) {
		base := string(key(zero))
		typ := reflect.TypeOf(zero).Elem()
		for i := 0; i < typ.NumField(); i++ {
			field := typ.Field(i)
			if excluded[field.Name] {
				continue
			}
			v := reflect.New(typ)
			setNonZero(t, v.Elem().Field(i))
			if string(key(v.Interface())) == base {
				t.Errorf("%s.%s is not part of the sharing key", name, field.Name)
			}
		}
	}
	check("ClientHello", &tlswire.ClientHello{}, func(v any) []byte {
		return clientHelloSharingKey(nil, v.(*tlswire.ClientHello))
	})
	check("ServerHello", &tlswire.ServerHello{}, func(v any) []byte {
		return serverHelloKey(nil, v.(*tlswire.ServerHello))
	})
}

func setNonZero(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Uint8, reflect.Uint16:
		v.SetUint(3)
	case reflect.String:
		v.SetString("x")
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		setNonZero(t, s.Index(0))
		v.Set(s)
	default:
		t.Fatalf("no test value for a %s field: extend setNonZero and the key", v.Kind())
	}
}

// TestHellosAreSharedAcrossFlows: connections from one client stack share
// their ClientHello whatever name they ask for, but each keeps its own
// server name and session ID; a hello without a name is not shared with one
// that has a name (JA4 tells them apart).
func TestHellosAreSharedAcrossFlows(t *testing.T) {
	var in interner
	hello := func(sni string, sid byte) *tlswire.ClientHello {
		return &tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x1301}, Extensions: []uint16{0},
			SNI: sni, SessionID: []byte{sid}}
	}
	sa, sb, sc, sd := in.sharedClientHello(hello("a.test", 1)), in.sharedClientHello(hello("a.test", 2)),
		in.sharedClientHello(hello("b.test", 2)), in.sharedClientHello(hello("", 3))
	if sa != sb {
		t.Error("identical ClientHellos (but for the session ID) are not shared")
	}
	if sa.ClientHello != sc.ClientHello {
		t.Error("ClientHellos that differ only in their server name are not shared")
	}
	if sa.SNI != "a.test" || sc.SNI != "b.test" || sd.SNI != "" {
		t.Errorf("server names %q %q %q, want a.test b.test and none", sa.SNI, sc.SNI, sd.SNI)
	}
	if sd.ClientHello == sa.ClientHello {
		t.Error("a ClientHello without a server name is shared with one that has one")
	}
	if sa.SessionID != nil || sa.ClientHello.SNI != "" {
		t.Error("a shared ClientHello kept a flow's session ID or server name")
	}
	_, ja4a := in.fingerprints(sa)
	_, ja4d := in.fingerprints(sd)
	if ja4a[3] != 'd' || ja4d[3] != 'd' {
		t.Errorf("JA4 %s and %s: both sent a server_name extension", ja4a, ja4d)
	}
}

// TestKeptHelloHoldsNothingOfTheParsed: the hellos flows share hold no
// memory of the ones they were copied from (the parser's scratch, reused for
// the next hello), whatever field a hello sets, and keep what it said.
func TestKeptHelloHoldsNothingOfTheParsed(t *testing.T) {
	var in interner
	checkKept(t, "ClientHello", []string{"Random", "SessionID", "SNI"}, func(parsed *tlswire.ClientHello) *tlswire.ClientHello {
		return in.keep(parsed)
	})
	checkKept(t, "ServerHello", []string{"Random", "SessionID"}, func(parsed *tlswire.ServerHello) *tlswire.ServerHello {
		return in.keepServer(parsed)
	})
}

// checkKept sets each field of a T in turn and checks keep's copy: the
// fields in cleared are zero, the others equal, and no list shares memory.
func checkKept[T any](t *testing.T, what string, cleared []string, keep func(*T) *T) {
	typ := reflect.TypeFor[T]()
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Name
		parsed := new(T)
		field := reflect.ValueOf(parsed).Elem().Field(i)
		if field.Kind() == reflect.Array {
			setNonZero(t, field.Index(0))
		} else {
			setNonZero(t, field)
		}
		before := *parsed
		kept := keep(parsed)
		if !reflect.DeepEqual(*parsed, before) {
			t.Errorf("keep changed the parsed %s's %s", what, name)
		}
		got := reflect.ValueOf(kept).Elem().Field(i)
		switch {
		case slices.Contains(cleared, name):
			if !got.IsZero() {
				t.Errorf("the shared %s kept the flow's %s", what, name)
			}
		case !reflect.DeepEqual(got.Interface(), field.Interface()):
			t.Errorf("the shared %s's %s is %v, parsed %v", what, name, got, field)
		case field.Kind() == reflect.Slice && got.Pointer() == field.Pointer():
			t.Errorf("the shared %s's %s is not a copy of its own", what, name)
		}
	}
}

// BenchmarkSharedClientHelloNames: a flow's ClientHello from a stack seen
// before, asking for a name of its own (as on a busy capture): the cost of
// sharing it, per flow.
func BenchmarkSharedClientHelloNames(b *testing.B) {
	var in interner
	ch := &tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x1301, 0x1302, 0x1303, 0xc02f, 0xc030},
		Extensions: []uint16{0, 10, 11, 13, 16, 43, 45, 51}, ALPN: []string{"h2", "http/1.1"},
		SupportedVersions: []uint16{0x0304, 0x0303}, SupportedGroups: []uint16{29, 23, 24}, KeyShares: []uint16{29},
		SignatureAlgorithms: []uint16{0x0403, 0x0804, 0x0401, 0x0503}}
	names := make([]string, 100000)
	for i := range names {
		names[i] = "h" + strconv.Itoa(i) + ".example.test"
	}
	i := 0
	for b.Loop() {
		ch.SNI = names[i%len(names)]
		i++
		in.sharedClientHello(ch)
	}
}
