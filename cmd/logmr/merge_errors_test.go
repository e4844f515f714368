package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every input merge cannot use is refused with exactly one line that
// names it and says what is wrong (never a "<nil>" cause), exit 1 and
// nothing on stdout.
func TestMergeErrorsOneLine(t *testing.T) {
	dir, _ := generate(t, 2)
	out := t.TempDir()
	good := filepath.Join(out, "good.partial")
	if r := run(t, nil, "hosts", "--partial", "--shard", "0/2", "-o", good, dir); r.code != 0 {
		t.Fatalf("hosts --partial: exit %d: %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(good)
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	file := func(name string, content []byte) string {
		p := filepath.Join(out, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	subdir := filepath.Join(out, "a-directory")
	os.Mkdir(subdir, 0o755)
	for _, tc := range []struct {
		name  string
		args  []string // after merge
		stdin []byte
		names string // what the line must name
		says  string // and what it must say
	}{
		{"empty file", []string{good, file("empty.partial", nil)}, nil, "empty.partial", "empty file"},
		{"plain text", []string{good, file("text.partial", []byte("host 1\nhost 2\n"))}, nil, "text.partial", "not gzip-compressed"},
		{"gzip of garbage", []string{good, file("garbage.partial", gz([]byte("\x00\x01garbage\n")))}, nil, "garbage.partial", "no partial-result header"},
		{"gzip of text", []string{good, file("gztext.partial", gz([]byte("logmr partial\nnot json\n")))}, nil, "gztext.partial", "header:"},
		{"truncated", []string{good, file("cut.partial", data[:len(data)*2/3])}, nil, "cut.partial", "cut short"},
		{"cut at the gzip trailer", []string{good, file("cut8.partial", data[:len(data)-4])}, nil, "cut8.partial", "cut short"},
		{"junk after the gzip stream", []string{good, file("junk.partial", append(bytes.Clone(data), "junk"...))}, nil, "junk.partial", "data after its end"},
		{"gzip member after the end", []string{good, file("extra.partial", append(bytes.Clone(data), gz([]byte("more"))...))}, nil, "extra.partial", "data after its end"},
		{"directory", []string{good, subdir}, nil, "a-directory", "is a directory"},
		{"missing file", []string{good, filepath.Join(out, "no-such.partial")}, nil, "no-such.partial", "no such file or directory"},
		{"stdin twice", []string{"-", "-"}, data, "-", "standard input given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.stdin, append([]string{"merge"}, tc.args...)...)
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if r.code != 1 || r.stdout != "" || len(lines) != 1 || !strings.Contains(r.stderr, tc.names) ||
				!strings.Contains(r.stderr, tc.says) ||
				strings.Contains(r.stderr, "<nil>") {
				t.Errorf("merge %s: exit %d, stdout %d bytes, stderr %q; want exit 1, nothing on stdout, one line naming %s and saying %q",
					tc.name, r.code, len(r.stdout), r.stderr, tc.names, tc.says)
			}
		})
	}
}
