package capture

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheckUnchanged: a file is identified, changed in one of five ways,
// and checked. Nothing changed or only appended: accepted. Cut short,
// replaced by a copy (another inode), or a byte changed in the hashed first
// or last 64 KiB: refused with ErrInputChanged. A byte changed elsewhere may
// go either way (only the modification time tells, at the clock's grain).
func FuzzCheckUnchanged(f *testing.F) {
	f.Add([]byte("pcap"), uint32(100), uint8(0), uint32(0))
	f.Add([]byte{0xd4, 0xc3, 0xb2, 0xa1}, uint32(200<<10), uint8(1), uint32(100<<10))
	f.Add([]byte("x"), uint32(200<<10), uint8(1), uint32(10))
	f.Add([]byte("ab"), uint32(70<<10), uint8(2), uint32(5))
	f.Add([]byte("ab"), uint32(70<<10), uint8(3), uint32(5))
	f.Add([]byte("ab"), uint32(10), uint8(4), uint32(5))
	f.Fuzz(func(t *testing.T, seed []byte, size uint32, op uint8, at uint32) {
		if len(seed) == 0 {
			seed = []byte{0}
		}
		size %= 300 << 10
		data := make([]byte, size)
		for i := range data {
			data[i] = seed[i%len(seed)] + byte(i/len(seed))
		}
		path := filepath.Join(t.TempDir(), "c.pcap")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		id, ok := identify(fh)
		fh.Close()
		if !ok {
			t.Fatal("a regular file has no identity")
		}
		want := 0 // 0 accepted, 1 refused, 2 either
		switch op % 5 {
		case 1: // change one byte
			if size == 0 {
				break
			}
			k := int64(at % size)
			fh, _ := os.OpenFile(path, os.O_WRONLY, 0)
			fh.WriteAt([]byte{data[k] ^ 0xff}, k)
			fh.Close()
			want = 2
			if k < identityBlock || k >= int64(size)-identityBlock {
				want = 1
			}
		case 2: // cut short
			if size == 0 {
				break
			}
			os.Truncate(path, int64(at%size))
			want = 1
		case 3: // grow
			fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			fh.Write(seed)
			fh.Close()
		case 4: // the same bytes under the same name, as another file
			os.WriteFile(path+".new", data, 0o600)
			os.Rename(path+".new", path)
			want = 1
		}
		err = CheckUnchanged(path, id)
		switch {
		case want == 0 && err != nil:
			t.Fatalf("op %d: refused: %v", op%5, err)
		case want == 1 && !errors.Is(err, ErrInputChanged):
			t.Fatalf("op %d at %d of %d: accepted (%v)", op%5, at, size, err)
		case err != nil && !errors.Is(err, ErrInputChanged):
			t.Fatalf("op %d: error %v does not wrap ErrInputChanged", op%5, err)
		}
	})
}
