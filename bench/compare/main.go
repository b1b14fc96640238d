// Command compare checks that `pcapsurgery summary --json` and tshark saw the
// same flows, SNIs and alerts in one capture, for bench/run.sh.
//
//	compare -json PS.json -tshark TS.tsv [-gencap GENCAP.log] [-md OUT.md]
//	compare -json PS.json -json2 OTHER.json [-md OUT.md]   (two pcapsurgery runs)
//	compare -json PS.json -pick                            (a flow to export)
//
// TS.tsv is the output of
//
//	tshark -r FILE -2 -Y 'tls.handshake.type==1 || tls.handshake.type==2 || tls.alert_message' \
//	  -T fields -e tcp.stream -e tls.handshake.extensions_server_name -e tls.handshake.type \
//	  -e tls.alert_message.desc
//
// What is compared, as multisets (flows cannot be matched one to one: the
// tshark fields carry no addresses):
//   - flows with a ClientHello (tshark: distinct tcp.stream with handshake type 1);
//   - flows with a ServerHello (type 2, HelloRetryRequest included);
//   - the SNI multiset, one entry per flow with a ClientHello ("" when it has none);
//   - clear-text alert descriptions, by code. tshark sees only clear-text alerts;
//     encrypted ones (pcapsurgery's "encrypted": true, code -1) are reported, not compared.
//
// Flow totals are reported but not compared: tshark's tcp.stream numbers every
// TCP conversation, and the filtered output shows only those with TLS, so the
// largest stream number + 1 is a lower bound. gencap's log (-gencap, from
// `gencap -v`) gives the true flow count and the expected alerts.
//
// The exit status is 0 when everything compared is equal, 1 when not, 2 on
// bad input.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type flow struct {
	ID          int    `json:"id"`
	Client      string `json:"client"`
	Server      string `json:"server"`
	Packets     int    `json:"packets"`
	Bytes       int64  `json:"bytes"`
	Outcome     string `json:"outcome"`
	ClientHello *struct {
		SNI string `json:"sni"`
	} `json:"client_hello"`
	ServerHello *struct {
		Version    string `json:"version"`
		HelloRetry bool   `json:"hello_retry"`
	} `json:"server_hello"`
	Alerts []struct {
		Description string `json:"description"`
		Code        int    `json:"code"`
		Encrypted   bool   `json:"encrypted"`
	} `json:"alerts"`
}

// view is what one tool saw.
type view struct {
	name         string
	flows        int // total flows (or a lower bound)
	flowsExact   bool
	withCH       int
	withSH       int
	withAlert    int // flows/streams with a clear-text alert
	sni          map[string]int
	alerts       map[int]int // clear-text alert code -> count
	encAlerts    int         // encrypted alerts (information only)
	alertName    map[int]string
	encAlertNote string
}

func newView(name string) *view {
	return &view{name: name, sni: map[string]int{}, alerts: map[int]int{}, alertName: map[int]string{}}
}

func main() {
	jsonPath := flag.String("json", "", "pcapsurgery summary --json output")
	tsharkPath := flag.String("tshark", "", "tshark fields output (see the package comment)")
	json2Path := flag.String("json2", "", "a second pcapsurgery JSON output to compare with -json")
	gencapLog := flag.String("gencap", "", "gencap -v standard error, for the true counts (optional)")
	mdPath := flag.String("md", "", "also write the comparison as a markdown table to this file")
	pick := flag.Bool("pick", false, "print `ID PACKETS CLIENT SERVER` of a completed flow from the middle of -json")
	flag.Parse()
	if *jsonPath == "" {
		fmt.Fprintln(os.Stderr, "compare: -json is required")
		os.Exit(2)
	}
	flows, err := readJSON(*jsonPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	if *pick {
		f, ok := middleFlow(flows)
		if !ok {
			fmt.Fprintln(os.Stderr, "compare: no flow to pick")
			os.Exit(1)
		}
		fmt.Println(f.ID, f.Packets, f.Client, f.Server)
		return
	}
	a := psView("pcapsurgery", flows)
	var b *view
	switch {
	case *tsharkPath != "":
		b, err = tsharkView(*tsharkPath)
	case *json2Path != "":
		var f2 []flow
		if f2, err = readJSON(*json2Path); err == nil {
			b = psView("pcapsurgery (2nd file)", f2)
		}
	default:
		err = fmt.Errorf("one of -tshark, -json2 or -pick is required")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	var truth *view
	if *gencapLog != "" {
		if truth, err = gencapView(*gencapLog); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(2)
		}
	}
	md, same := report(a, b, truth)
	fmt.Print(md)
	if *mdPath != "" {
		if err := os.WriteFile(*mdPath, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(2)
		}
	}
	if !same {
		os.Exit(1)
	}
}

func readJSON(path string) ([]flow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var flows []flow
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	for {
		var fl flow
		err := dec.Decode(&fl)
		if err == io.EOF {
			return flows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: flow %d: %v", path, len(flows)+1, err)
		}
		flows = append(flows, fl)
	}
}

// middleFlow picks the first completed flow at or after the middle of the file
// (by ID), so an export has to skip half the capture and carries application data.
func middleFlow(flows []flow) (flow, bool) {
	if len(flows) == 0 {
		return flow{}, false
	}
	sorted := append([]flow(nil), flows...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	mid := len(sorted) / 2
	for _, f := range sorted[mid:] {
		if f.Outcome == "ok" && f.Packets > 20 {
			return f, true
		}
	}
	return sorted[mid], true
}

func psView(name string, flows []flow) *view {
	v := newView(name)
	v.flows, v.flowsExact = len(flows), true
	for _, f := range flows {
		if f.ClientHello != nil {
			v.withCH++
			v.sni[f.ClientHello.SNI]++
		}
		if f.ServerHello != nil {
			v.withSH++
		}
		clear := false
		for _, a := range f.Alerts {
			if a.Encrypted {
				v.encAlerts++
				continue
			}
			clear = true
			v.alerts[a.Code]++
			v.alertName[a.Code] = a.Description
		}
		if clear {
			v.withAlert++
		}
	}
	v.encAlertNote = "encrypted alerts recognised as such"
	return v
}

func tsharkView(path string) (*view, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v := newView("tshark")
	type stream struct {
		ch, sh, alert bool
		sni           string
	}
	streams := map[int]*stream{}
	maxStream := -1
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 1<<20))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(sc.Text(), "\t")
		for len(fields) < 4 {
			fields = append(fields, "")
		}
		id, err := strconv.Atoi(strings.Split(fields[0], ",")[0])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: tcp.stream %q: %v", path, line, fields[0], err)
		}
		maxStream = max(maxStream, id)
		s := streams[id]
		if s == nil {
			s = &stream{}
			streams[id] = s
		}
		for _, t := range splitList(fields[2]) {
			switch t {
			case "1":
				if !s.ch { // a retransmitted ClientHello counts once
					s.ch = true
					s.sni = strings.Split(fields[1], ",")[0]
				}
			case "2":
				s.sh = true
			}
		}
		codes := splitList(fields[3])
		if len(codes) == 0 && fields[2] == "" {
			v.encAlerts++ // filtered in by tls.alert_message, no description: an encrypted alert
		}
		for _, c := range codes {
			n, err := strconv.Atoi(c)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: alert description %q: %v", path, line, c, err)
			}
			v.alerts[n]++
			s.alert = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, s := range streams {
		if s.ch {
			v.withCH++
			v.sni[s.sni]++
		}
		if s.sh {
			v.withSH++
		}
		if s.alert {
			v.withAlert++
		}
	}
	v.flows = maxStream + 1
	v.encAlertNote = "records shown as Encrypted Alert (includes close_notify)"
	return v, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// gencapView reads what `gencap -v` printed: the flow count and the per-category
// counts, from which the clear-text alerts and ClientHellos follow.
func gencapView(path string) (*view, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v := newView("gencap (truth)")
	total := regexp.MustCompile(`gencap: (\d+) flows`).FindSubmatch(data)
	if total == nil {
		return nil, fmt.Errorf("%s: no 'gencap: N flows' line (run gencap with -v)", path)
	}
	v.flows, _ = strconv.Atoi(string(total[1]))
	v.flowsExact = true
	cat := regexp.MustCompile(`(?m)^\s+([a-z0-9_/.-]+)\s+(\d+)\s+[\d.]+%$`)
	alertOf := map[string]int{
		"srv-alert/protocol_version":        70,
		"srv-alert/handshake_failure":       40,
		"srv-alert/no_application_protocol": 120,
		"cli-alert/t12-unknown_ca":          48,
		"cli-alert/t12-name-mismatch":       42,
		"cli-alert/t12-certificate_expired": 45,
	}
	noCH := map[string]bool{"tcp/syn-unanswered": true, "tcp/refused": true, "http-plaintext": true}
	seen := 0
	for _, m := range cat.FindAllSubmatch(data, -1) {
		name := string(m[1])
		n, _ := strconv.Atoi(string(m[2]))
		seen += n
		if code, ok := alertOf[name]; ok {
			v.alerts[code] += n
			v.withAlert += n
		}
		if name == "cli-alert/t13-encrypted" {
			v.encAlerts += n
		}
		if !noCH[name] {
			v.withCH += n
		}
	}
	if seen != v.flows {
		return nil, fmt.Errorf("%s: categories add up to %d flows, not %d", path, seen, v.flows)
	}
	v.withSH, v.sni = -1, nil // not derivable from the log
	v.encAlertNote = "cli-alert/t13-encrypted flows"
	return v, nil
}

func report(a, b, truth *view) (string, bool) {
	var sb strings.Builder
	same := true
	cols := []*view{a, b}
	if truth != nil {
		cols = append(cols, truth)
	}
	fmt.Fprintf(&sb, "| check |")
	for _, c := range cols {
		fmt.Fprintf(&sb, " %s |", c.name)
	}
	fmt.Fprintf(&sb, " same? |\n|---|")
	for range cols {
		sb.WriteString("---:|")
	}
	sb.WriteString("---|\n")
	row := func(what string, compared bool, val func(*view) string) {
		fmt.Fprintf(&sb, "| %s |", what)
		vals := []string{}
		for _, c := range cols {
			s := val(c)
			vals = append(vals, s)
			fmt.Fprintf(&sb, " %s |", s)
		}
		verdict := "(not compared)"
		if compared {
			verdict = "yes"
			if vals[0] != vals[1] {
				verdict, same = "**NO**", false
			} else if len(vals) > 2 && vals[2] != "–" && vals[2] != vals[0] {
				verdict = "yes (gencap differs)"
			}
		}
		fmt.Fprintf(&sb, " %s |\n", verdict)
	}
	row("flows in total", false, func(v *view) string {
		if v.flowsExact {
			return strconv.Itoa(v.flows)
		}
		return fmt.Sprintf("≥ %d (largest tcp.stream + 1)", v.flows)
	})
	row("flows with a ClientHello", true, func(v *view) string { return strconv.Itoa(v.withCH) })
	row("flows with a ServerHello", true, func(v *view) string {
		if v.withSH < 0 {
			return "–"
		}
		return strconv.Itoa(v.withSH)
	})
	row("SNI: distinct names / flows without SNI", true, func(v *view) string {
		if v.sni == nil {
			return "–"
		}
		return fmt.Sprintf("%d / %d", len(v.sni)-btoi(v.sni[""] > 0), v.sni[""])
	})
	sniSame := sameMap(a.sni, b.sni)
	fmt.Fprintf(&sb, "| SNI multiset (every name, every count) | %d names | %d names |", sum(a.sni), sum(b.sni))
	if truth != nil {
		sb.WriteString(" – |")
	}
	fmt.Fprintf(&sb, " %s |\n", yesNo(sniSame))
	same = same && sniSame
	row("flows with a clear-text alert", true, func(v *view) string { return strconv.Itoa(v.withAlert) })
	codes := map[int]bool{}
	for _, c := range cols {
		for k := range c.alerts {
			codes[k] = true
		}
	}
	keys := make([]int, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		name := a.alertName[k]
		if name == "" {
			name = "?"
		}
		row(fmt.Sprintf("clear-text alert %d (%s)", k, name), true, func(v *view) string { return strconv.Itoa(v.alerts[k]) })
	}
	row("encrypted alerts (not comparable)", false, func(v *view) string {
		return fmt.Sprintf("%d %s", v.encAlerts, v.encAlertNote)
	})
	if !sniSame {
		sb.WriteString("\nSNI differences (name: " + a.name + " vs " + b.name + "), first 10:\n\n")
		n := 0
		for _, k := range sortedKeys(a.sni, b.sni) {
			if a.sni[k] != b.sni[k] && n < 10 {
				fmt.Fprintf(&sb, "- %q: %d vs %d\n", k, a.sni[k], b.sni[k])
				n++
			}
		}
	}
	if same {
		sb.WriteString("\nVerdict: SAME flows, SNIs and alerts.\n")
	} else {
		sb.WriteString("\nVerdict: DIFFERENT (see the rows marked NO).\n")
	}
	return sb.String(), same
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "**NO**"
}

func sameMap(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sortedKeys(a, b map[string]int) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]int{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}
