package model

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// What export_test.go does not cover: a real full disk (a tiny tmpfs), a
// real permission error for root (capabilities dropped in a child process),
// and that the bytes go to a temporary file in the target directory that is
// renamed only at the end.

// exBigSource writes a capture of about 300 KB (one flow).
func exBigSource(t *testing.T, dir string) (string, refMap) {
	t.Helper()
	ep := exEndpoints{netip.MustParseAddrPort("192.0.2.1:40000"), netip.MustParseAddrPort("192.0.2.2:443")}
	in := filepath.Join(dir, "big.pcap")
	data := bytes.Repeat([]byte("0123456789abcdef"), 300<<10/16)
	exWritePcap(t, in, false, exFrames(t, ep, exSegments([]exChunk{{true, data}}), false))
	return in, exAllRefs(exRead(t, in))
}

// exListDir names the entries of dir.
func exListDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestExportWritesTempInTargetDirThenRenames(t *testing.T) {
	dir := t.TempDir()
	in, refs := exSimpleSource(t, dir)
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(target, "out.pcap")
	var during []string
	exportWriterHook = func(w io.Writer) io.Writer {
		during = exListDir(t, target)
		return w
	}
	defer func() { exportWriterHook = nil }()
	if _, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: out}); err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 || !strings.HasPrefix(during[0], ".pcapsurgery-") || !strings.HasSuffix(during[0], ".tmp") {
		t.Errorf("while writing, the target directory held %q; want only the temporary file", during)
	}
	if after := exListDir(t, target); len(after) != 1 || after[0] != "out.pcap" {
		t.Errorf("after the export the target directory holds %q", after)
	}
}

func TestExportDiskFullOnTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; TestExportWriteFailure simulates a full disk")
	}
	dir := t.TempDir()
	in, refs := exBigSource(t, dir)
	full := filepath.Join(dir, "full")
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", full, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(full, syscall.MNT_DETACH) })
	existing := filepath.Join(full, "existing.pcap")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"new.pcap", "new.pcapng", "existing.pcap"} {
		_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: filepath.Join(full, name), Overwrite: true})
		if err == nil || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), "no space left") {
			t.Errorf("%s: err = %v, want no space left on device", name, err)
		}
		if err != nil && strings.Contains(err.Error(), ".tmp") {
			t.Errorf("%s: the error names the temporary file: %v", name, err)
		}
	}
	if got := exListDir(t, full); len(got) != 1 || got[0] != "existing.pcap" {
		t.Errorf("after failed exports the full disk holds %q", got)
	}
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Errorf("a failed overwrite changed the existing file to %q", b)
	}
}

// TestExportPermissionDenied runs the export in a child process that keeps
// uid 0 but loses CAP_DAC_OVERRIDE, so a 0555 directory refuses it as it
// would refuse any user.
func TestExportPermissionDenied(t *testing.T) {
	if ro := os.Getenv("PCAPSURGERY_EXPORT_RO_CHILD"); ro != "" {
		in := filepath.Join(filepath.Dir(ro), "in.pcap")
		refs := exAllRefs(exRead(t, in))
		_, err := Export(refs, ExportRequest{Input: in, Flows: []int{1}, Out: filepath.Join(ro, "out.pcap")})
		if err == nil || !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), "cannot create a file in "+ro) {
			t.Fatalf("err = %v, want a clear permission error", err)
		}
		if got := exListDir(t, ro); len(got) != 0 {
			t.Fatalf("left behind %q", got)
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("TestExportReadOnlyDirectory covers this for other users")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv not installed")
	}
	dir := t.TempDir()
	exSimpleSource(t, dir)
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--",
		os.Args[0], "-test.run=^TestExportPermissionDenied$", "-test.v")
	cmd.Env = append(os.Environ(), "PCAPSURGERY_EXPORT_RO_CHILD="+ro)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(outb), "setpriv:") {
			t.Skipf("setpriv cannot drop capabilities here: %s", outb)
		}
		t.Fatalf("child: %v\n%s", err, outb)
	}
	if !strings.Contains(string(outb), "--- PASS: TestExportPermissionDenied") {
		t.Fatalf("child did not run the check:\n%s", outb)
	}
}
