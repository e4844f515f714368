package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// debianApache2 lays out a directory as Debian's apache2 package and
// logrotate leave /var/log/apache2: access and error logs side by side,
// rotated and compressed, an empty error.log just after rotation.
func debianApache2(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	access := func(host, path string) string {
		return host + ` - - [21/Nov/2026:10:00:00 +0000] "GET ` + path + ` HTTP/1.1" 200 68 "-" "curl/8.5"` + "\n"
	}
	apacheErr := "[Sat Nov 21 10:00:01.123456 2026] [core:error] [pid 1234:tid 5678] [client 192.0.2.9:51234] AH00037: Symbolic link not allowed: /var/www/html/x\n" +
		"[Sat Nov 21 10:00:02.000001 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Debian) configured -- resuming normal operations\n"
	files := map[string][]byte{
		"access.log":              []byte(access("192.0.2.1", "/robots.txt")),
		"access.log.1":            []byte(access("192.0.2.2", "/robots.txt")),
		"access.log.2.gz":         gzipped(t, []byte(access("192.0.2.3", "/robots.txt"))),
		"other_vhosts_access.log": []byte("www.example.org:443 192.0.2.4 - - [21/Nov/2026:10:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 68 \"-\" \"curl/8.5\"\n"),
		"error.log":               nil,
		"error.log.1":             []byte(apacheErr),
		"error.log.2.gz":          gzipped(t, []byte(apacheErr)),
		"nginx-error.log":         []byte("2026/11/21 10:00:00 [error] 1234#1234: *1 open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or directory), client: 192.0.2.9\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// On a real /var/log/apache2 the headline command succeeds: error logs
// beside the access logs are skipped (named with -v), not failures, and
// other_vhosts_access.log is read. An error log named on the command line
// still fails, saying what it is.
func TestDebianLogDirectory(t *testing.T) {
	dir := debianApache2(t)
	r := run(t, nil, "hosts", "--path", "/robots.txt", dir)
	if r.code != exitOK || r.stderr != "" || r.stdout != "192.0.2.1\n192.0.2.2\n192.0.2.3\n192.0.2.4\n" {
		t.Fatalf("hosts over /var/log/apache2: exit %d, stdout %q, stderr %q; want exit 0, the four hosts, nothing on stderr", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "hosts", "-v", "--path", "/robots.txt", dir)
	for _, want := range []string{
		"logmr: skipped " + filepath.Join(dir, "error.log.1") + ": an Apache error log\n",
		"logmr: skipped " + filepath.Join(dir, "error.log.2.gz") + ": an Apache error log\n",
		"logmr: skipped " + filepath.Join(dir, "nginx-error.log") + ": an nginx error log\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("hosts -v: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	errorLog := filepath.Join(dir, "error.log.1")
	r = run(t, nil, "hosts", "--path", "/robots.txt", errorLog, filepath.Join(dir, "access.log"))
	if r.code != exitSomeFailed || !strings.Contains(r.stderr, "logmr: "+errorLog+": not an access log: it is an Apache error log\n") ||
		strings.Contains(r.stderr, "--format") {
		t.Errorf("hosts naming error.log.1: exit %d, stderr %q; want exit 3 saying it is an Apache error log, no --format hint", r.code, r.stderr)
	}
	r = run(t, nil, "count", "--by", "status", filepath.Join(dir, "error.log.1"), filepath.Join(dir, "nginx-error.log"))
	if r.code != exitFailed {
		t.Errorf("count naming only error logs: exit %d, want %d; stderr %q", r.code, exitFailed, r.stderr)
	}
	only := t.TempDir()
	os.WriteFile(filepath.Join(only, "error.log"), []byte("[Sat Nov 21 10:00:01 2026] [error] [client 192.0.2.9] File does not exist: /var/www/favicon.ico\n"), 0o644)
	r = run(t, nil, "parse", only)
	if r.code != exitFailed || !strings.Contains(r.stderr, "no access log found") || !strings.Contains(r.stderr, "error.log (an Apache error log)") {
		t.Errorf("parse over a directory of error logs only: exit %d, stderr %q; want exit 1 naming the skipped file", r.code, r.stderr)
	}
}

// Through an input filter, garbage (a wrong key's output) is a failure,
// never skipped as "binary data": only signatures are trusted there.
func TestFilteredGarbageNotSkipped(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "access.log"), []byte(`192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68`+"\n"), 0o644)
	junk := filepath.Join(dir, "access.log.9")
	os.WriteFile(junk, []byte("\x00\x13\x9f garbage\x00\n\x01\x02\n"), 0o644)
	if r := run(t, nil, "hosts", dir); r.code != exitOK {
		t.Errorf("hosts over a directory with a binary file: exit %d, stderr %q; want 0, the file skipped", r.code, r.stderr)
	}
	r := run(t, nil, "hosts", "--input-filter", "cat", dir)
	if r.code != exitSomeFailed || !strings.Contains(r.stderr, "logmr: "+junk+": not an access log: it is binary data") {
		t.Errorf("hosts --input-filter cat over a binary file: exit %d, stderr %q; want exit 3 naming it", r.code, r.stderr)
	}
}

// Logs rotated with another compression (logrotate's compresscmd compress) are
// never skipped: they may hold the answer, so the run says it lacks them
// (found in review: they were skipped with exit 0).
func TestOtherCompressionNotSkipped(t *testing.T) {
	dir := debianApache2(t)
	dotZ := filepath.Join(dir, "access.log.3.Z")
	if err := os.WriteFile(dotZ, []byte("\x1f\x9d\x90\x31\x30\x2e"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "hosts", "--path", "/robots.txt", dir)
	if r.code != exitSomeFailed || r.stdout != "192.0.2.1\n192.0.2.2\n192.0.2.3\n192.0.2.4\n" ||
		!strings.Contains(r.stderr, "logmr: "+dotZ+": not an access log: it is compress (.Z) data") {
		t.Errorf("hosts over a directory with a compress-rotated log: exit %d, stdout %q, stderr %q; want exit 3 naming it", r.code, r.stdout, r.stderr)
	}
}

// Sharded, the skipped files are skipped as in one run: each shard exits
// 0 and the merge prints the single run's bytes (found trying it by hand:
// a shard took its files as named, and failed the error logs).
func TestDebianLogDirectorySharded(t *testing.T) {
	dir := debianApache2(t)
	single := run(t, nil, "hosts", "--path", "/robots.txt", dir)
	out := t.TempDir()
	var parts []string
	for i := range 3 {
		part := filepath.Join(out, fmt.Sprintf("s%d.partial", i))
		if r := run(t, nil, "hosts", "--path", "/robots.txt", "--shard", fmt.Sprintf("%d/3", i), "--partial", "-o", part, dir); r.code != exitOK {
			t.Fatalf("shard %d/3: exit %d, stderr %q; want 0", i, r.code, r.stderr)
		}
		parts = append(parts, part)
	}
	merged := run(t, nil, append([]string{"merge"}, parts...)...)
	if merged.code != exitOK || merged.stdout != single.stdout || merged.stderr != "" {
		t.Errorf("merge: exit %d, stdout %q, stderr %q; want the single run's %q, exit 0", merged.code, merged.stdout, merged.stderr, single.stdout)
	}
}
