package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file name or a log line holding a terminal escape sequence reaches
// stderr escaped, in every message that quotes it: the failure, the
// malformed-line examples and the -v file lines. One message stays one
// line, even for a name with a newline.
func TestMessagesEscapeControlCharacters(t *testing.T) {
	dir := t.TempDir()
	evil := "\x1b]0;pwned\x07\x1b[2J\nlogmr: fake"
	notLog := filepath.Join(dir, "notes"+evil)
	if err := os.WriteFile(notLog, []byte("shopping list\nmilk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "access"+evil+".log")
	line := `192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 5` + "\n"
	if err := os.WriteFile(good, []byte(line+"\x1b[31mbad line\x1b[0m\n"+line), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "count", "-v", "--by", "status", dir)
	if r.code != exitSomeFailed {
		t.Fatalf("count over a non-log: exit %d, want %d; stderr:\n%s", r.code, exitSomeFailed, r.stderr)
	}
	for _, raw := range []string{"\x1b", "\x07", "\nlogmr: fake"} {
		if strings.Contains(r.stderr, raw) {
			t.Errorf("stderr holds %q raw:\n%s", raw, r.stderr)
		}
	}
	for _, want := range []string{`notes\x1b]0;pwned\x07\x1b[2J\x0alogmr: fake: not an access log`, `\x1b[31mbad line`, `file ` + dir + `/access\x1b]0;pwned`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, "logmr: ") {
			t.Errorf("stderr line %q is not a message of its own", l)
		}
	}
}
