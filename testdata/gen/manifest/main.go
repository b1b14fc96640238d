// Command manifest writes testdata/captures/MANIFEST.json and README.md from
// testdata/gen/expect.json (what each generator meant to produce) and what tshark
// really finds on the wire in each capture. Every per-flow fact in the manifest
// (endpoints, SNI, version, cipher, ALPN, alert, HelloRetryRequest, ClientHello
// segment count, STARTTLS) is read from the capture by tshark; the expected outcome
// comes from expect.json and is checked against an outcome derived from the wire.
// Any disagreement is printed and makes the command exit 1.
//
//	go run ./testdata/gen/manifest [-check]   (-check: compare, do not write)
//
// TLS 1.3 captures have a key log in testdata/captures/keylog/NAME.keys; tshark
// uses it to read encrypted alerts and the ALPN chosen in EncryptedExtensions,
// which are reported separately (decrypted_alert, alpn) because a passive tool
// cannot see them.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type Alert struct {
	From        string `json:"from"`
	Description string `json:"description"`
	Code        int    `json:"code"`
	Level       string `json:"level,omitempty"`
}

type ExpFlow struct {
	Outcome  string  `json:"expected_outcome"`
	Notes    string  `json:"notes"`
	StartTLS *string `json:"starttls"`
	// Override lets a flow keep an outcome the simple wire rules here cannot derive
	// (for example partial on a snaplen-cut capture); say why.
	Override string `json:"override,omitempty"`
}

type ExpFile struct {
	File    string    `json:"file"`
	MadeBy  string    `json:"made_by"`
	Stacks  string    `json:"stacks"`
	What    string    `json:"what"`
	Notes   string    `json:"notes,omitempty"`
	Damaged string    `json:"damaged,omitempty"`
	Keylog  string    `json:"keylog,omitempty"`
	Flows   []ExpFlow `json:"flows"`
	Repeat  *ExpFlow  `json:"repeat,omitempty"` // demo: one expectation for flows not listed
	// FromSources: each flow's expectation is that of the flow with the same endpoints in an
	// earlier entry (demo.pcapng is merged from the other captures).
	FromSources bool `json:"from_sources,omitempty"`
	// VerifyRecords: tshark cannot read this (damaged) pcap at all, so check its first N
	// records, copied into a temporary pcap, instead.
	VerifyRecords int `json:"verify_records,omitempty"`
}

type Flow struct {
	Client          string   `json:"client"`
	Server          string   `json:"server"`
	SNI             string   `json:"sni"`
	ExpectedOutcome string   `json:"expected_outcome"`
	Version         string   `json:"version"`
	Cipher          string   `json:"cipher"`
	ALPN            string   `json:"alpn"`
	ALPNInClear     bool     `json:"alpn_in_clear"`
	ALPNOffered     []string `json:"alpn_offered"`
	Alert           *Alert   `json:"alert"`
	DecryptedAlert  *Alert   `json:"decrypted_alert"`
	HelloRetry      bool     `json:"hello_retry"`
	CHSegments      int      `json:"client_hello_segments"`
	StartTLS        *string  `json:"starttls"`
	Resumed         bool     `json:"resumed"`
	FirstFrame      int      `json:"first_frame"`
	Notes           string   `json:"notes"`
}

type Entry struct {
	File     string `json:"file"`
	MadeBy   string `json:"made_by"`
	Stacks   string `json:"stacks"`
	LinkType string `json:"link_type"`
	Format   string `json:"format"`
	Bytes    int64  `json:"bytes"`
	Packets  int    `json:"packets"`
	Damaged  string `json:"damaged,omitempty"`
	Keylog   string `json:"keylog,omitempty"`
	Notes    string `json:"notes,omitempty"`
	Flows    []Flow `json:"flows"`
}

var fields = []string{
	"frame.number", "tcp.stream", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
	"tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "tcp.flags.fin", "tcp.len",
	"tls.record.content_type", "tls.record.opaque_type", "tls.handshake.type",
	"tls.handshake.extensions_server_name", "tls.handshake.ciphersuite", "tls.handshake.extensions.supported_version",
	"tls.handshake.version", "tls.alert_message.level", "tls.alert_message.desc", "tls.handshake.extensions_alpn_str",
	"tls.handshake.random", "tcp.segment.count", "tls.handshake.session_id", "tls.handshake.extensions.psk.identity.selected",
	"frame.cap_len", "frame.len", "tcp.payload", "tls.record.length", "tcp.analysis.ack_lost_segment", "frame.protocols",
}

type frame map[string]string

func (f frame) list(k string) []string {
	if f[k] == "" {
		return nil
	}
	return strings.Split(f[k], ",")
}
func (f frame) has(k, v string) bool {
	for _, x := range f.list(k) {
		if x == v {
			return true
		}
	}
	return false
}
func (f frame) int(k string) int { n, _ := strconv.ParseInt(f.list1(k), 0, 64); return int(n) }
func (f frame) list1(k string) string {
	l := f.list(k)
	if len(l) == 0 {
		return ""
	}
	return l[0]
}
func (f frame) src() string { return ep(f, "ip.src", "ipv6.src", "tcp.srcport") }
func (f frame) dst() string { return ep(f, "ip.dst", "ipv6.dst", "tcp.dstport") }

// ep is the endpoint of the innermost IP header: in a tunnelled frame
// tshark lists the outer addresses first, and the connection is the inner one.
func ep(f frame, a4, a6, p string) string {
	inner6 := f[a4] == ""
	for _, proto := range strings.Split(f["frame.protocols"], ":") {
		switch proto {
		case "ip":
			inner6 = false
		case "ipv6":
			inner6 = true
		}
	}
	if !inner6 {
		l := f.list(a4)
		return l[len(l)-1] + ":" + f[p]
	}
	l := f.list(a6)
	return "[" + l[len(l)-1] + "]:" + f[p]
}

func tshark(file string, keylog string) ([]frame, error) {
	args := []string{"-r", file, "-n", "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tls.desegment_ssl_records:TRUE",
		"-o", "tcp.analyze_sequence_numbers:TRUE", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"}
	if keylog != "" {
		args = append(args, "-o", "tls.keylog_file:"+keylog)
	}
	// decode the plain-text ports of our STARTTLS and odd-port captures as what they are
	args = append(args, "-d", "tcp.port==4433,tls", "-d", "tcp.port==8443,tls", "-d", "tcp.port==9443,tls")
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("tshark %s: %v: %s", file, err, stderr.String())
	}
	var frames []frame
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		f := frame{}
		for i, k := range fields {
			if i < len(cols) {
				f[k] = cols[i]
			}
		}
		frames = append(frames, f)
	}
	return frames, nil
}

var alertNames = map[int]string{0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
	22: "record_overflow", 30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
	43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
	47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	60: "export_restriction", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation", 109: "missing_extension",
	110: "unsupported_extension", 111: "certificate_unobtainable", 112: "unrecognized_name",
	113: "bad_certificate_status_response", 114: "bad_certificate_hash_value", 115: "unknown_psk_identity",
	116: "certificate_required", 120: "no_application_protocol"}

var ciphers = map[int]string{}

func loadCiphers(root string) {
	f, err := os.Open(filepath.Join(root, "..", "shared", "tls-registry", "cipher_suites.csv"))
	if err != nil {
		log.Printf("no cipher table (%v); cipher names from a built-in list", err)
		for k, v := range map[int]string{0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
			0x1303: "TLS_CHACHA20_POLY1305_SHA256", 0xc02f: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
			0xc030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xcca8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"} {
			ciphers[k] = v
		}
		return
	}
	defer f.Close()
	recs, _ := csv.NewReader(f).ReadAll()
	for _, r := range recs[1:] {
		v, err := strconv.ParseInt(r[0], 0, 32)
		if err == nil {
			ciphers[int(v)] = r[1]
		}
	}
}

const hrrRandom = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"

func verName(v string) string {
	switch v {
	case "0x0304":
		return "TLS 1.3"
	case "0x0303":
		return "TLS 1.2"
	case "0x0302":
		return "TLS 1.1"
	case "0x0301":
		return "TLS 1.0"
	case "0x0300":
		return "SSL 3.0"
	}
	return v
}

type stream struct {
	id     string
	frames []frame
	dframe map[string]frame // decrypted view, by frame number
}

// analyze derives the facts of one TCP connection and an outcome from simple wire rules.
func analyze(s *stream) (Flow, string, []string) {
	var fl Flow
	var why []string
	first := s.frames[0]
	fl.FirstFrame = first.int("frame.number")
	client, server := first.src(), first.dst()
	synack, synFromClient := false, false
	for _, f := range s.frames {
		if f["tcp.flags.syn"] == "1" && f["tcp.flags.ack"] == "0" {
			client, server = f.src(), f.dst()
			synFromClient = true
			break
		}
	}
	if !synFromClient {
		for _, f := range s.frames {
			if f.has("tls.handshake.type", "1") {
				client, server = f.src(), f.dst()
				break
			}
		}
	}
	fl.Client, fl.Server = client, server
	fromClient := func(f frame) bool { return f.src() == client }
	var (
		chSeen, shSeen, certFromServer, truncated bool
		firstPayloadTLS                           = true
		sawPayload                                bool
		clientPlainFirst, serverPlain             bool // the client's / server's first payload is not TLS
		sawClientPayload, sawServerPayload        bool
		ackedUnseen                               bool // tshark: a segment acknowledges bytes never captured
		rstBy                                     string
		clientAppData, serverAppAfterCCS          int
		clientCCS, serverCCS                      bool
		tls13                                     bool
		shSessionID, chSessionID                  string
		smtp                                      bool
		plainProto                                string
	)
	for _, f := range s.frames {
		c := fromClient(f)
		if f["tcp.flags.syn"] == "1" && f["tcp.flags.ack"] == "1" {
			synack = true
		}
		if f.int("frame.cap_len") < f.int("frame.len") {
			truncated = true
		}
		if f["tcp.flags.reset"] == "1" && rstBy == "" {
			if c {
				rstBy = "client"
			} else {
				rstBy = "server"
			}
			if !chSeen && !synack {
				rstBy += "-before-synack"
			}
		}
		if f["tcp.analysis.ack_lost_segment"] != "" {
			ackedUnseen = true
		}
		if f.int("tcp.len") > 0 && f.int("frame.cap_len") >= f.int("frame.len") {
			notTLS := !strings.HasPrefix(f["tcp.payload"], "16")
			if c && !sawClientPayload {
				sawClientPayload, clientPlainFirst = true, notTLS
			}
			if !c && !sawServerPayload {
				sawServerPayload, serverPlain = true, notTLS
			}
		}
		if f.int("tcp.len") > 0 && !sawPayload {
			sawPayload = true
			p := f["tcp.payload"]
			if !strings.HasPrefix(p, "16") {
				firstPayloadTLS = false
				if strings.HasPrefix(strings.ToUpper(hexText(p)), "220") || f["tcp.srcport"] == "25" || f["tcp.dstport"] == "25" {
					smtp = true
				}
				plainProto = plainByFirstBytes(hexText(p))
			}
		}
		hs := f.list("tls.handshake.type")
		for _, h := range hs {
			switch {
			case h == "1" && c:
				if !chSeen {
					chSeen = true
					fl.SNI = f.list1("tls.handshake.extensions_server_name")
					fl.CHSegments = f.int("tcp.segment.count")
					if fl.CHSegments == 0 {
						fl.CHSegments = 1
					}
					fl.ALPNOffered = f.list("tls.handshake.extensions_alpn_str")
					chSessionID = f.list1("tls.handshake.session_id")
				}
			case h == "2" && !c:
				if f.list1("tls.handshake.random") == hrrRandom && !shSeen {
					fl.HelloRetry = true
					continue
				}
				if shSeen {
					continue
				}
				shSeen = true
				if v := f.list1("tls.handshake.extensions.supported_version"); v != "" {
					fl.Version = verName(v)
				} else {
					fl.Version = verName(f.list1("tls.handshake.version"))
				}
				tls13 = fl.Version == "TLS 1.3"
				cs, _ := strconv.ParseInt(f.list1("tls.handshake.ciphersuite"), 0, 32)
				fl.Cipher = ciphers[int(cs)]
				if fl.Cipher == "" {
					fl.Cipher = fmt.Sprintf("0x%04x", cs)
				}
				if a := f.list("tls.handshake.extensions_alpn_str"); len(a) > 0 {
					fl.ALPN, fl.ALPNInClear = a[0], true
				}
				shSessionID = f.list1("tls.handshake.session_id")
				if f["tls.handshake.extensions.psk.identity.selected"] != "" {
					fl.Resumed = true
				}
			case h == "11" && !c:
				certFromServer = true
			}
		}
		cts := f.list("tls.record.content_type")
		ots := f.list("tls.record.opaque_type")
		for i, ct := range cts {
			if ct == "20" && c {
				clientCCS = true
			}
			if ct == "20" && !c {
				serverCCS = true
			}
			if ct == "23" && c && (clientCCS || !tls13) {
				clientAppData++
			}
			if ct == "23" && !c && clientCCS {
				serverAppAfterCCS++
			}
			_ = i
		}
		for _, ot := range ots { // TLS 1.3 records show their outer type here
			if ot == "23" && c && clientCCS {
				clientAppData++
			}
			if ot == "23" && !c && clientCCS {
				serverAppAfterCCS++
			}
		}
		if d := f.list("tls.alert_message.desc"); len(d) > 0 && fl.Alert == nil {
			code, _ := strconv.Atoi(d[0])
			lv := "fatal"
			if f.list1("tls.alert_message.level") == "1" {
				lv = "warning"
			}
			who := "server"
			if c {
				who = "client"
			}
			fl.Alert = &Alert{From: who, Description: alertNames[code], Code: code, Level: lv}
		}
		if df, ok := s.dframe[f["frame.number"]]; ok && f["tls.alert_message.desc"] == "" && fl.DecryptedAlert == nil {
			if d := df.list("tls.alert_message.desc"); len(d) > 0 {
				code, _ := strconv.Atoi(d[0])
				who := "server"
				if c {
					who = "client"
				}
				lv := "fatal"
				if df.list1("tls.alert_message.level") == "1" {
					lv = "warning"
				}
				fl.DecryptedAlert = &Alert{From: who, Description: alertNames[code], Code: code, Level: lv}
			}
		}
		if df, ok := s.dframe[f["frame.number"]]; ok && !c && fl.ALPN == "" && df.has("tls.handshake.type", "8") {
			if a := df.list("tls.handshake.extensions_alpn_str"); len(a) > 0 {
				fl.ALPN = a[len(a)-1]
			}
		}
	}
	if !firstPayloadTLS && chSeen && clientPlainFirst {
		p := "SMTP"
		if !smtp {
			p = cmp.Or(plainProto, "unknown")
		}
		fl.StartTLS = &p
	}
	if fl.DecryptedAlert != nil && fl.DecryptedAlert.Description == "close_notify" {
		fl.DecryptedAlert = nil // close_notify is no failure; only real alerts are reported
	}
	// derive the outcome
	out := ""
	switch {
	case !synack && strings.HasPrefix(rstBy, "server"):
		out = "refused"
	case !synack && synFromClient && !sawPayload:
		out = "no_syn_ack"
	case truncated:
		out = "partial"
		why = append(why, "snaplen cut some packets")
	case !chSeen && sawPayload:
		out = "not_tls"
	case !chSeen:
		out = "partial"
		why = append(why, "no ClientHello")
	case fl.Alert != nil && fl.Alert.Level == "fatal":
		out = "alert"
	case !shSeen && serverPlain && fl.StartTLS == nil:
		out = "plaintext_reply"
		why = append(why, "the server's first bytes after a ClientHello are not TLS")
	case ackedUnseen && !(clientAppData > 0 && serverAppAfterCCS > 0):
		out = "partial"
		why = append(why, "tshark: ACKed unseen segment")
	case !shSeen && rstBy != "":
		out = "reset"
	case !shSeen:
		out = "no_server_hello"
	case fl.Resumed || (!tls13 && !certFromServer && shSessionID != "" && (shSessionID == chSessionID || true)):
		out = "resumed"
		fl.Resumed = true
	case fl.DecryptedAlert != nil:
		out = "encrypted_alert"
	case clientAppData > 0 && serverAppAfterCCS > 0:
		out = "ok"
	case !tls13 && clientCCS && serverCCS:
		out = "ok" // TLS 1.2: both ChangeCipherSpec/Finished, no data needed (a RST after that is a teardown)
	default:
		out = "partial"
		why = append(why, fmt.Sprintf("handshake not seen to complete (client app data %d, server after CCS %d, rst %q)", clientAppData, serverAppAfterCCS, rstBy))
	}
	return fl, out, why
}

func hexText(h string) string {
	var b []byte
	for i := 0; i+1 < len(h) && len(b) < 8; i += 2 {
		n, _ := strconv.ParseUint(h[i:i+2], 16, 8)
		b = append(b, byte(n))
	}
	return string(b)
}

// capinfo reads the file format, link type(s) and packet count: link types from
// the pcap header or the pcapng interface blocks (by tshark's frame.interface_id),
// named as in the tcpdump LINKTYPE_ registry.
func capinfo(file string) (linkType, format string, packets int) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return
	}
	gz := len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b
	out, _ := exec.Command("tshark", "-r", file, "-T", "fields", "-e", "frame.encap_type").Output()
	seen := map[string]bool{}
	var types []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l == "" {
			continue
		}
		packets++
		t := strings.Split(l, "\t")[0]
		if !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	names := map[string]string{"1": "ETHERNET", "25": "LINUX_SLL", "210": "LINUX_SLL2", "7": "RAW", "15": "NULL"}
	for i, t := range types {
		if n, ok := names[t]; ok {
			types[i] = n
		}
	}
	linkType = strings.Join(types, ",")
	fo, _ := exec.Command("capinfos", "-t", "-M", file).Output()
	format = "pcap"
	if strings.Contains(string(fo), "pcapng") {
		format = "pcapng"
	}
	if gz {
		format += ".gz"
	}
	return
}

func main() {
	check := flag.Bool("check", false, "compare only, write nothing")
	dump := flag.String("dump", "", "print what the wire says for these capture files (glob), then exit")
	flag.Parse()
	log.SetFlags(0)
	root, _ := os.Getwd()
	for !exists(filepath.Join(root, "go.mod")) {
		root = filepath.Dir(root)
	}
	loadCiphers(root)
	capDir := filepath.Join(root, "testdata", "captures")
	if *dump != "" {
		files, _ := filepath.Glob(*dump)
		for _, path := range files {
			base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), filepath.Ext(strings.TrimSuffix(filepath.Base(path), ".gz")))
			frames, err := tshark(path, "")
			if err != nil {
				log.Print(err)
				continue
			}
			dec := map[string]frame{}
			if kl := filepath.Join(capDir, "keylog", base+".keys"); exists(kl) {
				df, _ := tshark(path, kl)
				for _, f := range df {
					dec[f["frame.number"]] = f
				}
			}
			byID := map[string]*stream{}
			var order []*stream
			for _, f := range frames {
				id := f["tcp.stream"]
				if id == "" {
					continue
				}
				if byID[id] == nil {
					byID[id] = &stream{id: id, dframe: dec}
					order = append(order, byID[id])
				}
				byID[id].frames = append(byID[id].frames, f)
			}
			fmt.Printf("## %s\n", filepath.Base(path))
			for _, s := range order {
				fl, out, why := analyze(s)
				b, _ := json.Marshal(fl)
				fmt.Printf("%s %v %s\n", out, why, b)
			}
		}
		return
	}
	raw, err := os.ReadFile(filepath.Join(root, "testdata", "gen", "expect.json"))
	if err != nil {
		log.Fatal(err)
	}
	var exp []ExpFile
	if err := json.Unmarshal(raw, &exp); err != nil {
		log.Fatalf("expect.json: %v", err)
	}
	var entries []Entry
	bad := 0
	for _, e := range exp {
		path := filepath.Join(capDir, e.File)
		st, err := os.Stat(path)
		if err != nil {
			log.Printf("MISSING %s", e.File)
			bad++
			continue
		}
		ent := Entry{File: e.File, MadeBy: e.MadeBy, Stacks: e.Stacks, Bytes: st.Size(), Damaged: e.Damaged, Notes: e.Notes}
		ent.LinkType, ent.Format, ent.Packets = capinfo(path)
		keylog := ""
		if e.Keylog != "" {
			keylog = filepath.Join(capDir, "keylog", e.Keylog)
			ent.Keylog = "keylog/" + e.Keylog
		}
		tpath := path
		if e.VerifyRecords > 0 {
			tpath = prefixRecords(path, e.VerifyRecords)
			defer os.Remove(tpath)
		}
		frames, err := tshark(tpath, "")
		if err != nil {
			log.Printf("%s: %v", e.File, err)
			bad++
			continue
		}
		dec := map[string]frame{}
		if keylog != "" {
			df, err := tshark(path, keylog)
			if err == nil {
				for _, f := range df {
					dec[f["frame.number"]] = f
				}
			}
		}
		byID := map[string]*stream{}
		var order []*stream
		for _, f := range frames {
			id := f["tcp.stream"]
			if id == "" {
				continue
			}
			s := byID[id]
			if s == nil {
				s = &stream{id: id, dframe: dec}
				byID[id] = s
				order = append(order, s)
			}
			s.frames = append(s.frames, f)
		}
		sort.SliceStable(order, func(i, j int) bool {
			return order[i].frames[0].int("frame.number") < order[j].frames[0].int("frame.number")
		})
		if len(order) != len(e.Flows) && e.Repeat == nil && !e.FromSources {
			log.Printf("%s: %d TCP connections on the wire, expect.json lists %d", e.File, len(order), len(e.Flows))
			bad++
		}
		used := map[string]bool{}
		for i, s := range order {
			fl, derived, why := analyze(s)
			var x ExpFlow
			switch {
			case e.FromSources:
				x = ExpFlow{Outcome: "?"}
			search:
				for _, pe := range entries {
					if strings.HasSuffix(pe.File, ".gz") || pe.File == "qinq.pcap" || strings.HasPrefix(pe.File, "tunnel-") {
						continue
					}
					for k, pf := range pe.Flows {
						key := fmt.Sprintf("%s#%d", pe.File, k)
						if pf.Client == fl.Client && pf.Server == fl.Server && !used[key] {
							used[key] = true
							x = ExpFlow{Outcome: pf.ExpectedOutcome, StartTLS: pf.StartTLS, Notes: strings.TrimSuffix("from "+pe.File+"; "+pf.Notes, "; ")}
							break search
						}
					}
				}
			case i < len(e.Flows):
				x = e.Flows[i]
			case e.Repeat != nil:
				x = *e.Repeat
				x.Outcome = derived
			default:
				x = ExpFlow{Outcome: "?"}
			}
			fl.ExpectedOutcome = x.Outcome
			fl.Notes = x.Notes
			if x.StartTLS != nil || fl.StartTLS != nil {
				if (x.StartTLS == nil) != (fl.StartTLS == nil) || (x.StartTLS != nil && *x.StartTLS != *fl.StartTLS) {
					log.Printf("%s flow %d (%s): starttls expected %v, wire %v", e.File, i, fl.Client, deref(x.StartTLS), deref(fl.StartTLS))
					bad++
				}
				fl.StartTLS = x.StartTLS
			}
			if fl.ALPNOffered == nil {
				fl.ALPNOffered = []string{}
			}
			if derived != x.Outcome && x.Override == "" {
				log.Printf("%s flow %d (%s -> %s): expected %s, wire says %s %v", e.File, i, fl.Client, fl.Server, x.Outcome, derived, why)
				bad++
			}
			ent.Flows = append(ent.Flows, fl)
		}
		if ent.Flows == nil {
			ent.Flows = []Flow{}
		}
		entries = append(entries, ent)
	}
	if !*check {
		b, _ := json.MarshalIndent(entries, "", "  ")
		must(os.WriteFile(filepath.Join(capDir, "MANIFEST.json"), append(b, '\n'), 0o644))
		var r strings.Builder
		r.WriteString("# Test captures\n\nReal TLS stacks talking over a veth pair (or loopback) between two network namespaces,\n" +
			"captured with tcpdump/dumpcap. Remade by `sudo testdata/gen/make-all.sh`; MANIFEST.json\n" +
			"describes every TCP connection in every file as tshark sees it (made by testdata/gen/manifest from\n" +
			"testdata/gen/expect.json). keylog/ holds the TLS secrets of each capture (NSS key log format), for\n" +
			"`tshark -o tls.keylog_file:keylog/NAME.keys`.\n\n" +
			"Addresses: client 192.0.2.10 / fd00::10, server 192.0.2.20 / fd00::20 (namespaces pcs-c, pcs-s).\n\n")
		for _, e := range exp {
			fmt.Fprintf(&r, "- `%s` — %s (%s; `gen/%s`)\n", e.File, e.What, e.Stacks, e.MadeBy)
		}
		must(os.WriteFile(filepath.Join(capDir, "README.md"), []byte(r.String()), 0o644))
	}
	if bad > 0 {
		log.Printf("%d problems", bad)
		os.Exit(1)
	}
	log.Printf("%d captures checked", len(entries))
}

// prefixRecords copies the header and the first n records of a little-endian classic pcap
// into a temporary file.
func prefixRecords(path string, n int) string {
	b, err := os.ReadFile(path)
	must(err)
	off := 24
	for i := 0; i < n; i++ {
		off += 16 + int(uint32(b[off+8])|uint32(b[off+9])<<8|uint32(b[off+10])<<16|uint32(b[off+11])<<24)
	}
	f, err := os.CreateTemp("", "prefix-*.pcap")
	must(err)
	_, err = f.Write(b[:off])
	must(err)
	must(f.Close())
	return f.Name()
}

// plainByFirstBytes names the plaintext start of a connection by its first
// payload bytes (whoever sent them), independently of the decoder's sniffing:
// LDAP (a BER SEQUENCE then a messageID INTEGER), XMPP, MySQL (greeting with
// protocol version 10), HTTP CONNECT, SOCKS5 (version 5 greeting).
func plainByFirstBytes(b string) string {
	switch {
	case strings.HasPrefix(b, "CONNECT "):
		return "HTTP CONNECT"
	case strings.HasPrefix(b, "<stream:") || strings.HasPrefix(b, "<?xml"): // hexText keeps 8 bytes
		return "XMPP"
	case len(b) >= 5 && b[0] == 0x30 && b[2] == 0x02:
		return "LDAP"
	case len(b) >= 5 && b[3] == 0 && b[4] == 0x0a:
		return "MySQL"
	case len(b) >= 3 && b[0] == 5 && len(b) == 2+int(b[1]):
		return "SOCKS5"
	}
	return ""
}

func deref(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
func exists(p string) bool { _, err := os.Stat(p); return err == nil }
func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
