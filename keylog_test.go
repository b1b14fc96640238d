package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapsurgery/pcapsurgery/decode/capture"
)

type keyedFlow struct {
	ID        int
	Outcome   string
	Badge     string
	Diagnosis string
	Alerts    []struct {
		From, Description    string
		Code                 int
		Encrypted, Decrypted bool
	}
	Certificates []struct{ Subject string }
	Decrypted    *bool
	Decryption   *struct {
		Error             string
		ALPN              string
		EarlyDataAccepted bool `json:"early_data_accepted"`
		Records           [2]int
	}
}

func summaryJSON(t *testing.T, args ...string) []keyedFlow {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"summary", "--json"}, args...), &out, &errb); code != 0 {
		t.Fatalf("summary %v: exit %d: %s", args, code, errb.String())
	}
	var flows []keyedFlow
	dec := json.NewDecoder(&out)
	for dec.More() {
		var f keyedFlow
		if err := dec.Decode(&f); err != nil {
			t.Fatal(err)
		}
		flows = append(flows, f)
	}
	return flows
}

// TestKeyLogsOfBundledCaptures: the TLS 1.3 captures whose failure hides
// behind encryption, with the key logs their real clients wrote. Without
// the key log each stays ALERT?; with it, the badge is ALERT with the alert
// tshark shows (tshark -o tls.keylog_file:KEYS -Y tls.alert_message), and
// the certificate TLS 1.3 encrypts is read.
func TestKeyLogsOfBundledCaptures(t *testing.T) {
	cases := []struct {
		capture    string
		id         int
		from, desc string
		certs      bool // the server's certificate is in the capture
	}{
		{"untrusted-ca-tls13-go-openssl", 1, "client", "bad_certificate", true},
		{"untrusted-ca-tls13-gnutls-go", 1, "client", "bad_certificate", true},
		{"client-cert-missing-tls13-openssl", 1, "server", "certificate_required", true},
		{"client-cert-missing-tls13-go-go", 1, "server", "certificate_required", true},
		{"demo-extra", 9, "client", "bad_certificate", true},
		{"demo-extra", 10, "client", "bad_certificate", true},
	}
	for _, c := range cases {
		path := "testdata/captures/" + c.capture + ".pcap"
		keys := "testdata/captures/keylog/" + c.capture + ".keys"
		plain := summaryJSON(t, path)[c.id-1]
		if plain.Badge != "ALERT?" || plain.Decrypted != nil || len(plain.Certificates) != 0 {
			t.Errorf("%s #%d without the key log: %s, decrypted %v", c.capture, c.id, plain.Badge, plain.Decrypted)
		}
		f := summaryJSON(t, "--keylog", keys, path)[c.id-1]
		if f.Badge != "ALERT" || f.Decrypted == nil || !*f.Decrypted {
			t.Errorf("%s #%d with the key log: %s (%s)", c.capture, c.id, f.Badge, f.Diagnosis)
			continue
		}
		found := false
		for _, a := range f.Alerts {
			if a.Decrypted && !a.Encrypted && a.From == c.from && a.Description == c.desc {
				found = true
			}
		}
		if !found || !strings.Contains(f.Diagnosis, c.desc) || !strings.Contains(f.Diagnosis, "decrypted") {
			t.Errorf("%s #%d: want %s's %s decrypted; alerts %+v, diagnosis %s", c.capture, c.id, c.from, c.desc, f.Alerts, f.Diagnosis)
		}
		if c.certs && len(f.Certificates) == 0 {
			t.Errorf("%s #%d: the TLS 1.3 certificate was not read", c.capture, c.id)
		}
	}
}

// TestKeyLogNeverPrintsASecret: no secret of the key log appears in the
// table, the JSON or the warnings.
func TestKeyLogNeverPrintsASecret(t *testing.T) {
	keys := "testdata/captures/keylog/untrusted-ca-tls13-go-openssl.keys"
	path := "testdata/captures/untrusted-ca-tls13-go-openssl.pcap"
	secrets := keyLogSecrets(t, keys)
	for _, args := range [][]string{{"summary", "--keylog", keys, path}, {"summary", "--json", "--keylog", keys, path}} {
		var out, errb bytes.Buffer
		run(args, &out, &errb)
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(out.String()+errb.String()), s) {
				t.Fatalf("%v printed a secret", args)
			}
		}
	}
}

func keyLogSecrets(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			out = append(out, strings.ToLower(f[2]), strings.ToLower(f[2][:16]))
		}
	}
	if len(out) == 0 {
		t.Fatal("no secrets in the key log")
	}
	return out
}

// TestKeyLogFileMissingIsAnError: a --keylog file that cannot be read
// stops with exit status 1 and says which; bad lines are only a warning.
func TestKeyLogFileMissingIsAnError(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"summary", "--keylog", "testdata/no-such.keys", "testdata/captures/tls13-openssl.pcap"}, &out, &errb); code != exitCapture ||
		!strings.Contains(errb.String(), "no-such.keys") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

// TestExportWithSecrets: --with-secrets writes a pcapng whose Decryption
// Secrets Block holds the exported flow's secrets and no other flow's; tshark
// (when installed) decrypts the alert from the file alone.
func TestExportWithSecrets(t *testing.T) {
	keys := "testdata/captures/keylog/demo-extra.keys"
	out := filepath.Join(t.TempDir(), "flow9.pcapng")
	var so, se bytes.Buffer
	if code := run([]string{"export", "testdata/captures/demo-extra.pcap", "--flow", "9", "--keylog", keys, "--with-secrets", "-o", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	src, err := capture.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := src.Next(); err != nil {
			break
		}
	}
	logs, _ := src.TakeSecrets()
	src.Close()
	if len(logs) != 1 {
		t.Fatalf("%d secrets blocks", len(logs))
	}
	f9 := summaryJSON(t, "--keylog", keys, "testdata/captures/demo-extra.pcap")
	var random9 string
	all, _ := os.ReadFile(keys)
	kept := 0
	for _, line := range strings.Split(string(all), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			continue
		}
		if bytes.Contains(logs[0], []byte(fields[2])) {
			if random9 != "" && fields[1] != random9 {
				t.Fatalf("the secrets block holds another flow's secret (client random %s)", fields[1])
			}
			random9 = fields[1]
			kept++
		}
	}
	if kept == 0 || f9[8].Badge != "ALERT" {
		t.Fatalf("flow 9's secrets are not in the block (%d kept)", kept)
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	got, err := exec.Command("tshark", "-r", out, "-Y", "tls.alert_message", "-T", "fields", "-e", "tls.alert_message.desc").Output()
	if err != nil || strings.TrimSpace(string(got)) != "42" {
		t.Fatalf("tshark on the export: %q %v", got, err)
	}
}

// TestSecretsFromTheCapture: a pcapng carrying its own key log (a
// Decryption Secrets Block, as editcap --inject-secrets writes) decrypts
// without --keylog.
func TestSecretsFromTheCapture(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dsb.pcapng")
	var so, se bytes.Buffer
	if code := run([]string{"export", "testdata/captures/untrusted-ca-tls13-go-openssl.pcap", "--flow", "1",
		"--keylog", "testdata/captures/keylog/untrusted-ca-tls13-go-openssl.keys", "--with-secrets", "-o", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	f := summaryJSON(t, out)[0]
	if f.Badge != "ALERT" || f.Decrypted == nil || !*f.Decrypted {
		t.Fatalf("%s (%s)", f.Badge, f.Diagnosis)
	}
}

// TestManifestDecryptedAlerts: in every bundled capture with a key log,
// each flow whose manifest names a decrypted alert (read by tshark with
// that key log) is ALERT with that alert, decrypted, when the key log is
// given, and not ALERT without it (ALERT?, or OK where the alert follows the
// client's data); every other flow keeps the outcome and stage it has
// without one.
func TestManifestDecryptedAlerts(t *testing.T) {
	data, err := os.ReadFile("testdata/captures/MANIFEST.json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		File, Keylog string
		Flows        []struct {
			Decrypted *struct {
				From, Description string
			} `json:"decrypted_alert"`
		}
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.Keylog == "" {
			continue
		}
		path, keys := "testdata/captures/"+e.File, "testdata/captures/"+e.Keylog
		if _, err := os.Stat(keys); err != nil {
			continue
		}
		plain := summaryJSONFull(t, path)
		keyed := summaryJSONFull(t, "--keylog", keys, path)
		if len(plain) != len(keyed) || len(keyed) < len(e.Flows) {
			t.Fatalf("%s: %d flows, %d with the key log, %d in the manifest", e.File, len(plain), len(keyed), len(e.Flows))
		}
		for i, mf := range e.Flows {
			f, p := keyed[i], plain[i]
			if mf.Decrypted == nil {
				if f.Outcome != p.Outcome || f.Stage != p.Stage {
					t.Errorf("%s #%d: the key log changed %s/%s to %s/%s", e.File, i+1, p.Outcome, p.Stage, f.Outcome, f.Stage)
				}
				continue
			}
			checked++
			ok := false
			for _, a := range f.Alerts {
				ok = ok || a.Decrypted && a.From == mf.Decrypted.From && a.Description == mf.Decrypted.Description
			}
			if f.Badge != "ALERT" || !ok || p.Badge == "ALERT" {
				t.Errorf("%s #%d: want ALERT with the %s's %s only with the key log; got %s then %s %+v", e.File, i+1,
					mf.Decrypted.From, mf.Decrypted.Description, p.Badge, f.Badge, f.Alerts)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d decrypted alerts checked", checked)
	}
}

type stagedFlow struct {
	keyedFlow
	Stage string
}

func summaryJSONFull(t *testing.T, args ...string) []stagedFlow {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"summary", "--json"}, args...), &out, &errb); code != 0 {
		t.Fatalf("summary %v: exit %d: %s", args, code, errb.String())
	}
	var flows []stagedFlow
	dec := json.NewDecoder(&out)
	for dec.More() {
		var f stagedFlow
		if err := dec.Decode(&f); err != nil {
			t.Fatal(err)
		}
		flows = append(flows, f)
	}
	return flows
}

// TestKeyLogNamesTheCertificateProblem: with the key log, a TLS 1.3
// rejection is explained by the certificate it decrypted (expiry, name,
// issuer), which without it the diagnosis can only list as possibilities;
// a server refusing the client's certificate reads ALERT? without the key
// log (the client's certificate known by size) and ALERT with it.
func TestKeyLogNamesTheCertificateProblem(t *testing.T) {
	for _, c := range []struct{ capture, without, with string }{
		{"keylog-expired-tls13-openssl", "has expired or is not yet valid", "expired on 2021-01-01"},
		{"keylog-wrong-name-tls13-openssl", "(trust chain, hostname or expiry)", `name "www.pcapsurgery.test" not in the certificate`},
		{"keylog-wrong-name-tls13-gnutls-openssl", "TLS 1.3 hides which", `name "name.pcapsurgery.test" not in the certificate`},
		{"keylog-ccm-self-signed-tls13-openssl", "does not trust the certificate's issuer", "issued by CN=self.pcapsurgery.test"},
		{"keylog-client-cert-refused-tls13-openssl", "got one, and most likely rejected it", "server sent fatal unknown_ca (encrypted; decrypted with the key log) after the client's Finished: the server rejected the client's certificate"},
	} {
		path, keys := "testdata/captures/"+c.capture+".pcap", "testdata/captures/keylog/"+c.capture+".keys"
		plain := summaryJSON(t, path)[0]
		keyed := summaryJSON(t, "--keylog", keys, path)[0]
		if !strings.Contains(plain.Diagnosis, c.without) || strings.Contains(plain.Diagnosis, c.with) {
			t.Errorf("%s without the key log: %s", c.capture, plain.Diagnosis)
		}
		if !strings.Contains(keyed.Diagnosis, c.with) || keyed.Badge != "ALERT" {
			t.Errorf("%s with the key log: %s %s", c.capture, keyed.Badge, keyed.Diagnosis)
		}
	}
}

// TestKeyLogHRRAndEarlyData: a HelloRetryRequest (the second ClientHello
// keeps the client random) and PSK resumption with 0-RTT decrypt with the
// key logs their clients wrote; EncryptedExtensions says whether the server
// took the early data.
func TestKeyLogHRRAndEarlyData(t *testing.T) {
	for _, c := range []struct {
		capture string
		id      int
		early   bool
	}{
		{"hrr-openssl", 1, false},
		{"hrr-go-gnutls", 1, false},
		{"early-data-tls13-openssl", 2, true},
		{"early-data-tls13-gnutls", 2, true},
		{"early-data-rejected-tls13-openssl", 1, false},
	} {
		f := summaryJSON(t, "--keylog", "testdata/captures/keylog/"+c.capture+".keys", "testdata/captures/"+c.capture+".pcap")[c.id-1]
		d := f.Decryption
		if f.Decrypted == nil || !*f.Decrypted || d == nil || d.Error != "" || d.Records[0] == 0 || d.Records[1] == 0 || d.EarlyDataAccepted != c.early {
			t.Errorf("%s #%d: decrypted %v %+v", c.capture, c.id, f.Decrypted, d)
		}
	}
}
