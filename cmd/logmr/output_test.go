package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputDanglingLink: -o through a link whose target does not exist
// yet (through a chain of links, relative or absolute) creates the target
// and keeps the links; a loop of links is an error that changes nothing.
func TestOutputDanglingLink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"rel":     "sub/target.txt", // relative to the link's directory
		"chain":   "sub/hop",        // -> sub/hop -> ../abs -> absolute
		"sub/hop": "../abs",
		"abs":     filepath.Join(dir, "sub", "abs.txt"),
		"loop1":   "loop2",
		"loop2":   "loop1",
	}
	for name, dest := range links {
		if err := os.Symlink(dest, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ link, target string }{{"rel", "sub/target.txt"}, {"chain", "sub/abs.txt"}} {
		got := runInProcess(nil, "hosts", "--path", "/robots.txt", "-o", filepath.Join(dir, tt.link), "../../testdata/logs")
		if got.code != 0 {
			t.Fatalf("-o %s: exit %d, stderr %q", tt.link, got.code, got.stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, tt.target)); strings.Count(string(b), "\n") != 10 {
			t.Errorf("-o %s: %s = %q, want the 10 hosts", tt.link, tt.target, b)
		}
	}
	for name, dest := range links {
		if got, err := os.Readlink(filepath.Join(dir, name)); err != nil || got != dest {
			t.Errorf("link %s after the runs: %q, %v; want it kept, -> %s", name, got, err, dest)
		}
	}
	loop := filepath.Join(dir, "loop1")
	got := runInProcess(nil, "hosts", "-o", loop, "../../testdata/logs")
	if want := "output " + loop + ": more than 40 symbolic links"; got.code != 1 || !strings.Contains(got.stderr, want) {
		t.Errorf("-o into a loop of links: exit %d, stderr %q; want 1 and %q", got.code, got.stderr, want)
	}
}
