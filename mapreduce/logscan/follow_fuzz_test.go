package logscan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// FuzzFollowLast holds Follow's backward read of a plain file (-n) to a
// slow forward reference: the lines from the first of the last n that
// parse to the end, the malformed ones among them included.
func FuzzFollowLast(f *testing.F) {
	f.Add([]byte(seqLines(1, 5)), 2)
	f.Add([]byte(seqLines(1, 3)+"junk\r\n\n"+seqLine(9)), 1)
	f.Add([]byte("\n\n"+seqLines(1, 2)), 5)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if n <= 0 || n > 50 {
			return
		}
		data = append([]byte(seqLine(0)+"\n"), data...) // a log, whatever follows
		path := filepath.Join(dir, "access.log")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var got []string
		for e, err := range logscan.Follow(context.Background(), []string{path}, logscan.FollowOptions{Last: n, Once: true, Format: logparse.Combined}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(e.Line))
		}
		if want := lastSlow(data, n); !slices.Equal(got, want) {
			t.Errorf("Follow(Last: %d) of %q = %q, want %q", n, data, got, want)
		}
	})
}

// lastSlow is the reference: every line parsed in order, then cut.
func lastSlow(data []byte, n int) []string {
	lines := bytes.Split(data, []byte{'\n'})
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	p := logparse.NewParser(logparse.Combined)
	var rec logparse.Record
	var out []string
	var passed []int // indexes in out of the lines that parse
	for _, l := range lines {
		l = bytes.TrimSuffix(l, []byte{'\r'})
		if p.Parse(l, &rec) == nil {
			passed = append(passed, len(out))
		}
		out = append(out, string(l))
	}
	if len(passed) >= n {
		return out[passed[len(passed)-n]:]
	}
	return out
}
