package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gzipped returns data as one gzip member.
func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The cut last line of a truncated gzip is not a record: parse writes the
// records of the complete lines, each exactly as from the whole file, and
// says on one line which input failed and that a cut line was dropped.
func TestParseTruncatedGzipDropsCutLine(t *testing.T) {
	var text bytes.Buffer
	for i := range 3000 {
		text.WriteString(`192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET /page HTTP/1.1" 200 `)
		text.WriteString(strings.Repeat("7", 1+i%9)) // byte counts a cut could shorten
		text.WriteString("\n")
	}
	dir := t.TempDir()
	whole, cut := filepath.Join(dir, "whole.log.gz"), filepath.Join(dir, "cut.log.gz")
	z := gzipped(t, text.Bytes())
	if err := os.WriteFile(whole, z, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cut, z[:len(z)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	want := run(t, nil, "parse", whole)
	got := run(t, nil, "parse", cut)
	if got.code != exitSomeFailed {
		t.Fatalf("parse of a truncated gzip: exit %d, want %d; stderr:\n%s", got.code, exitSomeFailed, got.stderr)
	}
	if !strings.HasPrefix(want.stdout, got.stdout) || got.stdout == "" || !strings.HasSuffix(got.stdout, "\n") {
		t.Fatalf("parse of a truncated gzip wrote records that are not those of the whole file (%d bytes, last %.100q)", len(got.stdout), got.stdout[max(0, len(got.stdout)-100):])
	}
	for _, line := range strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("record %q is not JSON", line)
		}
	}
	lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "logmr: "+cut+": ") || !strings.Contains(lines[0], "truncated gzip stream") ||
		!strings.Contains(lines[0], "were dropped") {
		t.Errorf("stderr = %q, want one line naming %s, the truncation and the dropped line", got.stderr, cut)
	}
}

// A gzip checksum error is one line that names the file.
func TestGzipChecksumErrorOneLine(t *testing.T) {
	z := gzipped(t, []byte(`192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5`+"\n"))
	z[len(z)-8] ^= 0xff // the CRC-32 in the trailer
	path := filepath.Join(t.TempDir(), "bad-crc.log.gz")
	if err := os.WriteFile(path, z, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"hosts"}, {"count", "--by", "status"}, {"parse"}} {
		r := run(t, nil, append(cmd, path)...)
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		if r.code != exitFailed && r.code != exitSomeFailed || len(lines) < 1 ||
			!strings.HasPrefix(lines[0], "logmr: "+path+": ") || !strings.Contains(lines[0], "corrupt gzip stream: gzip: invalid checksum") {
			t.Errorf("%s over a bad CRC: exit %d, stderr %q; want the file named with the checksum error on one line", cmd, r.code, r.stderr)
		}
	}
}

// An explicit --format that no line of the input is in fails the input,
// named, as detection would: not exit 0 with an empty answer.
func TestExplicitFormatNotALog(t *testing.T) {
	dir := t.TempDir()
	caddy := filepath.Join(dir, "caddy.log")
	os.WriteFile(caddy, []byte(`{"level":"info","ts":1700000000.5,"request":{"remote_ip":"192.0.2.1","uri":"/robots.txt"},"status":200}`+"\n"), 0o644)
	dotZ := filepath.Join(dir, "access.log.2.Z")
	os.WriteFile(dotZ, []byte("\x1f\x9d\x90\x31\x30\x2e"), 0o644)
	for _, tc := range []struct{ path, want string }{
		{caddy, "not an access log: none of its first 1 lines is in the format given"},
		{dotZ, "not an access log: it is compress (.Z) data"},
	} {
		r := run(t, nil, "hosts", "--format", "combined", "--path", "/robots.txt", tc.path)
		if r.code != exitFailed || r.stdout != "" || !strings.Contains(r.stderr, "logmr: "+tc.path+": "+tc.want) {
			t.Errorf("hosts --format combined %s: exit %d, stdout %q, stderr %q; want exit %d naming it: %q",
				filepath.Base(tc.path), r.code, r.stdout, r.stderr, exitFailed, tc.want)
		}
	}
}
