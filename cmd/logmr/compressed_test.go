package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// compressWith runs tool -c over text, skipping the test where the tool
// is not installed.
func compressWith(t *testing.T, tool string, text string) []byte {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s is not installed", tool)
	}
	cmd := exec.Command(tool, "-q", "-c")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -c: %v", tool, err)
	}
	return out
}

const compressedLines = `192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 10 "-" "a"
192.0.2.2 - - [21/Nov/2026:10:00:01 +0000] "GET /robots.txt HTTP/1.1" 200 10 "-" "a"
192.0.2.3 - - [21/Nov/2026:10:00:02 +0000] "GET / HTTP/1.1" 200 10 "-" "a"
`

// Logs rotated with zstd, xz, bzip2 or lz4 are read as gzip ones are:
// from a directory, with -v saying what decompressed each; from standard
// input; by parse; and a file cut short is named, exit 3.
func TestCompressedLogsCLI(t *testing.T) {
	dir := t.TempDir()
	tools := map[string]string{"zstd": "zst", "xz": "xz", "bzip2": "bz2", "lz4": "lz4"}
	for tool, ext := range tools {
		os.WriteFile(filepath.Join(dir, "access.log.2."+ext), compressWith(t, tool, compressedLines), 0o644)
	}
	r := run(t, nil, "hosts", "-v", "--path", "/robots.txt", dir)
	if r.code != exitOK || r.stdout != "192.0.2.1\n192.0.2.2\n" {
		t.Fatalf("hosts over zstd, xz, bzip2 and lz4 files: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for tool, ext := range tools {
		if want := "file " + filepath.Join(dir, "access.log.2."+ext) + ": 3 lines"; !strings.Contains(r.stderr, want) ||
			!strings.Contains(r.stderr, "inflated by "+tool) {
			t.Errorf("hosts -v: stderr %q, want %q ... inflated by %s", r.stderr, want, tool)
		}
	}
	zst, _ := os.ReadFile(filepath.Join(dir, "access.log.2.zst"))
	if r := run(t, zst, "hosts", "-"); r.code != exitOK || r.stdout != "192.0.2.1\n192.0.2.2\n192.0.2.3\n" {
		t.Errorf("hosts - < access.log.2.zst: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "parse", filepath.Join(dir, "access.log.2.xz")); r.code != exitOK || strings.Count(r.stdout, "\n") != 3 {
		t.Errorf("parse access.log.2.xz: exit %d, stdout %q, stderr %q; want 3 records", r.code, r.stdout, r.stderr)
	}
	long := strings.Repeat(compressedLines, 2000)
	cut := compressWith(t, "lz4", long)
	cutPath := filepath.Join(dir, "access.log.3.lz4")
	os.WriteFile(cutPath, cut[:len(cut)/2], 0o644)
	r = run(t, nil, "hosts", "--path", "/robots.txt", dir)
	if r.code != exitSomeFailed || !strings.Contains(r.stderr, "logmr: "+cutPath+": after line ") || !strings.Contains(r.stderr, "truncated lz4 stream") ||
		!bytes.Equal([]byte(r.stdout), []byte("192.0.2.1\n192.0.2.2\n")) {
		t.Errorf("hosts with a cut lz4 file: exit %d, stdout %q, stderr %q; want exit 3 naming it, truncated", r.code, r.stdout, r.stderr)
	}
}
