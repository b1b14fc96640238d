// Command gen writes names_gen.go from the TLS registry CSVs.
// Run from decode/registry (go generate does): go run ./gen [-dir DIR] [-o FILE]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pcapsurgery/pcapsurgery/decode/registry/internal/regdata"
)

func main() {
	dir := flag.String("dir", "../../../shared/tls-registry", "directory holding the registry CSVs")
	out := flag.String("o", "names_gen.go", "output file")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	d, err := regdata.Load(dir)
	if err != nil {
		return err
	}
	src, err := regdata.Generate(d)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
