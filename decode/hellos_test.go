package decode

import (
	"reflect"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/tlswire"
)

// TestHelloKeysCoverEveryField changes each field of a hello in turn and
// checks its sharing key changes: two hellos that differ in any field a
// flow shows must never be shared. Random and SessionID are left out on
// purpose (the flow keeps its session IDs; the random is not shown).
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
		return clientHelloKey(nil, v.(*tlswire.ClientHello))
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

// TestHellosAreSharedAcrossFlows: two connections from one client stack to
// one server share their hellos but keep their own session IDs.
func TestHellosAreSharedAcrossFlows(t *testing.T) {
	var in interner
	a := &tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x1301}, SNI: "a.test", SessionID: []byte{1}}
	b := &tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x1301}, SNI: "a.test", SessionID: []byte{2}}
	c := &tlswire.ClientHello{LegacyVersion: 0x0303, CipherSuites: []uint16{0x1301}, SNI: "b.test", SessionID: []byte{2}}
	sa, sb, sc := in.sharedClientHello(a), in.sharedClientHello(b), in.sharedClientHello(c)
	if sa != sb {
		t.Error("identical ClientHellos (but for the session ID) are not shared")
	}
	if sa == sc || sc.SNI != "b.test" {
		t.Error("ClientHellos with different SNIs are shared")
	}
	if sa.SessionID != nil {
		t.Error("a shared ClientHello kept a flow's session ID")
	}
}
