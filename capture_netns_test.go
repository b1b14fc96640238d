//go:build linux

package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCaptureInterfaceInNamespaces runs `capture` on one end of a veth pair
// between two network namespaces that the test creates, while a Go TLS
// client in the other namespace makes one good handshake and one that the
// client rejects (it does not trust the certificate), and checks that both
// flows come out of summary --json with the right badges.
func TestCaptureInterfaceInNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("capture test skipped: needs root (network namespaces and CAP_NET_RAW)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("capture test skipped: no ip command (iproute2) to make network namespaces")
	}
	id := os.Getpid() % 100000
	nsA, nsB := fmt.Sprintf("pcs-ifcap-%d-a", id), fmt.Sprintf("pcs-ifcap-%d-b", id)
	vethA, vethB := fmt.Sprintf("pcsa%d", id), fmt.Sprintf("pcsb%d", id)
	ipCmd := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	ipCmd("netns", "add", nsA)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", nsA).Run() })
	ipCmd("netns", "add", nsB)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", nsB).Run() })
	ipCmd("link", "add", vethA, "netns", nsA, "type", "veth", "peer", "name", vethB, "netns", nsB)
	ipCmd("-n", nsA, "addr", "add", "10.77.0.1/24", "dev", vethA)
	ipCmd("-n", nsB, "addr", "add", "10.77.0.2/24", "dev", vethB)
	ipCmd("-n", nsA, "link", "set", vethA, "up")
	ipCmd("-n", nsB, "link", "set", vethB, "up")

	cert, pool := selfSigned(t, "good.test")
	ln := inNamespace(t, nsA, func() (net.Listener, error) {
		return tls.Listen("tcp", "10.77.0.1:8443", &tls.Config{Certificates: []tls.Certificate{cert}})
	})
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(3 * time.Second))
				if c.(*tls.Conn).Handshake() != nil {
					return
				}
				// An answer to a request, then the client closes first: a
				// plain working exchange.
				if _, err := c.Read(make([]byte, 64)); err == nil {
					c.Write(bytes.Repeat([]byte("hello "), 200))
					io.Copy(io.Discard, c)
				}
			}()
		}
	}()

	saved := filepath.Join(t.TempDir(), "captured.pcap")
	onVeth := startCapture(t, nsA, "--json", "--duration", "3s", "-w", saved, vethA, "port 8443 and host 10.77.0.1")
	onAny := startCapture(t, nsA, "--json", "--duration", "3s", "any", "tcp", "and", "port", "8443")
	onlyFailed := startCapture(t, nsA, "--json", "--duration", "3s", "--failures", vethA, "port 8443")
	waitForPacketSockets(t, nsA, 3)

	inNamespace(t, nsB, func() (struct{}, error) {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", "10.77.0.1:8443", &tls.Config{ServerName: "good.test", RootCAs: pool})
		if err != nil {
			return struct{}{}, fmt.Errorf("the good handshake failed: %v", err)
		}
		c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		io.ReadAtLeast(c, make([]byte, 1200), 1200)
		c.Close()
		_, err = tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", "10.77.0.1:8443", &tls.Config{ServerName: "bad.test", MaxVersion: tls.VersionTLS12})
		if err == nil {
			return struct{}{}, fmt.Errorf("the client trusted a certificate it has no root for")
		}
		return struct{}{}, nil
	})

	checkCapturedFlows(t, vethA, onVeth)
	checkCapturedFlows(t, "any", onAny)
	if c := <-onlyFailed.code; c != exitOK || strings.Count(onlyFailed.out.String(), "\n") != 1 ||
		!strings.Contains(onlyFailed.out.String(), `"sni":"bad.test"`) {
		t.Errorf("capture --failures: exit %d, want the one failed flow only:\n%s%s", c, onlyFailed.out.String(), onlyFailed.errOut.String())
	}
	// -w kept what was captured: read back, it tells the same story.
	var again, againErr bytes.Buffer
	if c := run([]string{"summary", saved}, &again, &againErr); c != exitOK || !strings.Contains(again.String(), "2 flows: 1 ok, 1 alert") {
		t.Errorf("summary of the -w file: exit %d, %s%s; want the 2 flows", c, again.String(), againErr.String())
	}
}

// runningCapture is a capture command started in a namespace.
type runningCapture struct {
	out, errOut bytes.Buffer
	code        chan int
}

// startCapture runs `capture args...` in namespace ns: its socket is opened
// on a thread there; the reading goes on on other threads.
func startCapture(t *testing.T, ns string, args ...string) *runningCapture {
	cp := &runningCapture{code: make(chan int, 1)}
	ready := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		err := enterNamespace(ns)
		ready <- err
		if err != nil {
			cp.code <- -1
			return
		}
		cp.code <- run(append([]string{"capture"}, args...), &cp.out, &cp.errOut)
	}()
	if err := <-ready; err != nil {
		t.Fatal(err)
	}
	return cp
}

// checkCapturedFlows waits for the capture to end and checks the two
// handshakes' badges in its summary --json.
func checkCapturedFlows(t *testing.T, iface string, cp *runningCapture) {
	t.Helper()
	select {
	case c := <-cp.code:
		if c != exitOK {
			t.Fatalf("capture on %s exited %d: %s", iface, c, cp.errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("capture --duration 3s did not end within 15 s")
	}
	type flowLine struct {
		Server  string `json:"server"`
		Outcome string `json:"outcome"`
		Badge   string `json:"badge"`
		Hello   *struct {
			SNI string `json:"sni"`
		} `json:"client_hello"`
		Alerts []struct {
			From        string `json:"from"`
			Description string `json:"description"`
		} `json:"alerts"`
	}
	bySNI := map[string]flowLine{}
	for _, line := range strings.Split(strings.TrimSpace(cp.out.String()), "\n") {
		var f flowLine
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("summary line %q: %v", line, err)
		}
		if f.Hello != nil {
			bySNI[f.Hello.SNI] = f
		}
	}
	good, bad := bySNI["good.test"], bySNI["bad.test"]
	if good.Outcome != "ok" || good.Badge != "OK 1.3" || good.Server != "10.77.0.1:8443" {
		t.Errorf("%s: good handshake: outcome %q badge %q server %q, want ok, OK 1.3, 10.77.0.1:8443\n%s", iface, good.Outcome, good.Badge, good.Server, cp.out.String())
	}
	if bad.Outcome != "alert" || bad.Badge != "ALERT" || len(bad.Alerts) == 0 || bad.Alerts[0].From != "client" || bad.Alerts[0].Description != "bad_certificate" {
		t.Errorf("%s: rejected certificate: outcome %q badge %q alerts %+v, want ALERT with the client's bad_certificate\n%s", iface, bad.Outcome, bad.Badge, bad.Alerts, cp.out.String())
	}
	if len(bySNI) != 2 {
		t.Errorf("%s: %d TLS flows captured, want the 2 made (the filter keeps port 8443 only)\n%s", iface, len(bySNI), cp.out.String())
	}
}

// inNamespace runs fn on a thread in the named network namespace; sockets
// it opens stay there. The thread is thrown away afterwards.
func inNamespace[T any](t *testing.T, ns string, fn func() (T, error)) T {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := enterNamespace(ns); err != nil {
			ch <- result{err: err}
			return
		}
		v, err := fn()
		ch <- result{v, err}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func enterNamespace(ns string) error {
	fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening namespace %s: %w", ns, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering namespace %s: %w", ns, err)
	}
	return nil
}

// selfSigned makes a certificate for name and a pool that trusts it.
func selfSigned(t *testing.T, name string) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestCaptureEndsOnSIGINT: Ctrl-C is how a capture usually ends; it is not
// an error (exit 0), the -w file is kept, and the totals are printed.
func TestCaptureEndsOnSIGINT(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the binary; the child process is not raced")
	}
	if os.Geteuid() != 0 {
		t.Skip("capture test skipped: needs root (CAP_NET_RAW)")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	saved := filepath.Join(dir, "lo.pcap")
	var stdout lockedBuffer
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "capture", "-w", saved, "lo", "port 1")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Connect until the capture prints the refused connection (live
	// summary prints a flow once it is settled): then it is surely running.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "127.0.0.1:1 "); {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no refused connection printed within 10 s: %q", stdout.String())
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:1", time.Second); err == nil {
			c.Close()
		}
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("capture ended by SIGINT: %v, want exit 0; stderr %q", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("capture did not end within 10 s of SIGINT")
	}
	if !regexp.MustCompile(`\n(\d+) flows?: (\d+) refused\n`).MatchString(stdout.String()) {
		t.Errorf("stdout %q: want the refused connection to port 1 and the totals", stdout.String())
	}
	if st, err := os.Stat(saved); err != nil || st.Size() <= 24 {
		t.Errorf("the -w file after SIGINT: %v, want it with packets (stderr %q)", err, stderr.String())
	}
}

// TestCaptureWithoutCapNetRaw runs the binary with CAP_NET_RAW taken out of
// its bounding set (root keeps the rest): it must say what is missing and
// how to get it, and exit 1.
func TestCaptureWithoutCapNetRaw(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the binary; the child process is not raced")
	}
	if os.Geteuid() != 0 {
		t.Skip("capability test skipped: needs root to drop one capability from")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("capability test skipped: no setpriv (util-linux)")
	}
	bin := buildBinary(t, t.TempDir())
	var stderr bytes.Buffer
	cmd := exec.Command("setpriv", "--bounding-set=-net_raw", bin, "capture", "lo", "port 443")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitCapture {
		t.Fatalf("exit %v, want %d; stderr %q", err, exitCapture, stderr.String())
	}
	for _, want := range []string{"needs the CAP_NET_RAW capability", "sudo", "setcap cap_net_raw+ep $(which pcapsurgery)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not say %q", stderr.String(), want)
		}
	}
}

// waitForPacketSockets waits until n packet sockets are bound in namespace
// ns (the captures'), so the handshakes are not made before they listen.
func waitForPacketSockets(t *testing.T, ns string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("ip", "netns", "exec", ns, "cat", "/proc/net/packet").Output()
		if err != nil {
			t.Fatalf("reading %s's packet sockets: %v", ns, err)
		}
		// A header, then a line a socket: sk RefCnt Type Proto Iface R ...;
		// R is 1 once it is bound, which is after its filter is attached.
		bound := 0
		for _, line := range strings.Split(string(out), "\n")[1:] {
			if f := strings.Fields(line); len(f) > 5 && f[5] == "1" {
				bound++
			}
		}
		if bound >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the captures did not bind %d packet sockets within 10 s", n)
}

// lockedBuffer is a bytes.Buffer a child process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
