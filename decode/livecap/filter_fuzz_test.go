package livecap

import (
	"testing"

	"golang.org/x/net/bpf"
)

// FuzzFilter: any text either is refused with a FilterError or compiles to
// a program the kernel's rules accept (forward jumps in range, at most 4096
// instructions, ending in a return) and the interpreter can run.
func FuzzFilter(f *testing.F) {
	for _, s := range filters {
		f.Add(s)
	}
	f.Add("((port 1) or not (host ::1 and net 1.2.3.0/24))")
	f.Fuzz(func(t *testing.T, text string) {
		flt, err := ParseFilter(text)
		if err != nil {
			return
		}
		for _, link := range []Link{LinkEthernet, LinkRawIP} {
			prog, err := flt.Compile(link)
			if err != nil {
				continue // too complex: refused with a message
			}
			if _, err := bpf.Assemble(prog); err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			vm, err := bpf.NewVM(prog)
			if err != nil {
				t.Fatalf("%q: the interpreter refuses the program: %v", text, err)
			}
			for _, fr := range frames[:3] {
				if _, err := vm.Run(fr.build(link)); err != nil {
					t.Fatalf("%q: %v", text, err)
				}
			}
		}
	})
}
