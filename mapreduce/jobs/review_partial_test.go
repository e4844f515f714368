package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A prefiltered shard none of whose lines was parsed (fewer than 64 lines,
// none with the filter's text) is not taken for an older file's, all of
// whose lines were: its malformed count covers no line.
func TestReviewPartialNoneParsed(t *testing.T) {
	dir := t.TempDir()
	var text strings.Builder
	for i := range 20 {
		if i%2 == 0 {
			text.WriteString("junk\n")
			continue
		}
		fmt.Fprintf(&text, "10.0.0.1 - - [22/Nov/2026:06:00:00 +0000] \"GET /p%d HTTP/1.1\" 200 1 \"-\" \"a\"\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.log"), []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}
	p, st, err := HostsPartial(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Parsed == st.Lines {
		t.Skipf("the scan parsed all %d lines", st.Lines)
	}
	if got := p.Stats(); got.Parsed != st.Parsed {
		t.Errorf("partial's stats: %d of %d lines parsed; the scan parsed %d", got.Parsed, got.Lines, st.Parsed)
	}
	merged, err := MergePartials([]*Partial{p}, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if got := merged.Stats(); got.Parsed != st.Parsed {
		t.Errorf("merged stats: %d of %d lines parsed; the scan parsed %d", got.Parsed, got.Lines, st.Parsed)
	}
}
