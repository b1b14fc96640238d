// Package regdata loads the TLS registry CSVs (../shared/tls-registry) and
// turns them into the names the registry package serves. It is shared by the
// generator and the tests, so both agree on what "the data" says.
package regdata

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Registries, in the order they are generated. Each has one <name>.csv file;
// supplement.csv names the registry in its first column.
var Registries = []string{
	"cipher_suites",
	"extensions",
	"supported_groups",
	"signature_schemes",
	"alerts",
	"handshake_types",
	"versions",
	"content_types",
}

// Entry is one code point and the name we show for it.
type Entry struct {
	Value uint16
	Name  string
}

// Row is one raw CSV row, kept for tests that check every row.
type Row struct {
	File     string
	Registry string
	Value    uint16
	Name     string // as written in the CSV
}

// Data is every registry, sorted by value, after normalisation.
type Data struct {
	Tables map[string][]Entry
	Rows   []Row // every row read, in file order (base files, then supplement)
}

// Load reads dir/*.csv for every registry plus dir/supplement.csv (which
// overrides base rows with the same registry and value: it is newer), then
// applies Normalise and the corrections table.
func Load(dir string) (*Data, error) {
	d := &Data{Tables: map[string][]Entry{}}
	names := map[string]map[uint16]string{}
	for _, reg := range Registries {
		names[reg] = map[uint16]string{}
		rows, err := readCSV(filepath.Join(dir, reg+".csv"), false)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			r.Registry = reg
			d.Rows = append(d.Rows, r)
			names[reg][r.Value] = r.Name
		}
	}
	sup, err := readCSV(filepath.Join(dir, "supplement.csv"), true)
	if err != nil {
		return nil, err
	}
	for _, r := range sup {
		if names[r.Registry] == nil {
			return nil, fmt.Errorf("supplement.csv: unknown registry %q", r.Registry)
		}
		d.Rows = append(d.Rows, r)
		names[r.Registry][r.Value] = r.Name
	}
	for _, c := range corrections {
		if c.name == "" {
			delete(names[c.registry], c.value)
		} else {
			names[c.registry][c.value] = c.name
		}
	}
	for _, reg := range Registries {
		var t []Entry
		for v, n := range names[reg] {
			if isGREASE(v) {
				continue // served by the GREASE rule, not the table
			}
			t = append(t, Entry{v, Normalise(reg, n)})
		}
		sort.Slice(t, func(i, j int) bool { return t[i].Value < t[j].Value })
		d.Tables[reg] = t
	}
	return d, nil
}

// Name returns the final name for a registry value as the tables hold it
// ("GREASE" for GREASE values, "" when the data has no name).
func (d *Data) Name(reg string, v uint16) string {
	if isGREASE(v) { // never true for the 8-bit registries
		return "GREASE"
	}
	t := d.Tables[reg]
	i := sort.Search(len(t), func(i int) bool { return t[i].Value >= v })
	if i < len(t) && t[i].Value == v {
		return t[i].Name
	}
	return ""
}

func readCSV(path string, supplement bool) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	want := 2
	if supplement {
		want = 3
	}
	r.FieldsPerRecord = want
	var rows []Row
	base := filepath.Base(path)
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", base, err)
		}
		if line == 1 && rec[want-1] == "name" {
			continue // header
		}
		row := Row{File: base}
		if supplement {
			row.Registry, rec = strings.TrimSpace(rec[0]), rec[1:]
		}
		v, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(rec[0])), "0x"), 16, 16)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: value %q: %v", base, line, rec[0], err)
		}
		row.Value = uint16(v)
		row.Name = strings.TrimSpace(rec[1])
		if row.Name == "" {
			return nil, fmt.Errorf("%s:%d: empty name", base, line)
		}
		rows = append(rows, row)
	}
}

func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

var draftRE = regexp.MustCompile(`^TLS 1\.3 \(((?:\w+ )?draft \d+)\)$`)

// Normalise maps a CSV name to the name we show. The CSVs come from
// Wireshark's value tables; tshark's spelling is kept where it is the
// standard one (suites, extensions, groups, schemes), but alerts, handshake
// types and content types are written there as "Handshake Failure" while the
// RFCs (and the rest of this tool's output) use "handshake_failure".
func Normalise(reg, name string) string {
	if name == "Reserved (GREASE)" {
		return "GREASE"
	}
	switch reg {
	case "alerts", "handshake_types", "content_types":
		return strings.ReplaceAll(strings.ToLower(name), " ", "_")
	case "versions":
		// "TLS 1.3 (draft 23)" -> "TLS 1.3 draft 23", the form Version()
		// also builds for drafts the data does not list.
		return draftRE.ReplaceAllString(name, "TLS 1.3 $1")
	}
	return name
}
