package logscan_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// halfJunk is 6400 lines, a third of them malformed, none holding
// "/robots.txt": a prefiltered scan parses only its 1/64 sample.
func halfJunk(t *testing.T) string {
	t.Helper()
	var text strings.Builder
	for i := range 6400 {
		if i%3 == 0 {
			text.WriteString("junk\n")
			continue
		}
		fmt.Fprintf(&text, "10.0.0.1 - - [22/Nov/2026:06:00:00 +0000] \"GET /p%d HTTP/1.1\" 200 1 \"-\" \"a\"\n", i%3)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "half.log"), []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A windowed run's range, learnt with every line parsed, must not make the
// window-free entry of a prefiltered run (its stats over a sample) pass for
// one with every line parsed: MaxMalformed, Malformed and Parsed stay those
// of a run without the cache.
func TestReviewWindowFactsKeepPrefilteredStats(t *testing.T) {
	dir := halfJunk(t)
	cache := openTestCache(t)
	ctx := context.Background()
	plain := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, Cache: cache}
	if _, err := jobs.Hosts(ctx, []string{dir}, plain); err != nil {
		t.Fatal(err)
	}
	windowed := plain
	windowed.Filter.Since = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := jobs.Hosts(ctx, []string{dir}, windowed); err != nil {
		t.Fatal(err)
	}
	for _, o := range []logscan.ScanOptions{plain, func() logscan.ScanOptions {
		o := windowed
		o.Filter.Since = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // the file is wholly outside
		return o
	}()} {
		o.MaxMalformed = 0.2
		fresh := o
		fresh.Cache = nil
		_, ferr := jobs.Hosts(ctx, []string{dir}, fresh)
		res, cerr := jobs.Hosts(ctx, []string{dir}, o)
		if !errors.Is(ferr, logscan.ErrTooMalformed) || !errors.Is(cerr, logscan.ErrTooMalformed) {
			t.Errorf("since %v: fresh run: %v; cached run: %v; want both too malformed", o.Filter.Since, ferr, cerr)
			if res != nil {
				st := res.Stats
				t.Logf("cached: %d lines, %d parsed, %d malformed, %d sampled", st.Lines, st.Parsed, st.Malformed, st.Sampled)
			}
		}
	}
}
