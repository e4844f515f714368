package logscan_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// Plain (prefiltered) and windowed runs of one path query over a cache,
// with files growing between them: every cached answer is the fresh one,
// Lines is exact, and where a run says every line was parsed, Malformed
// is the exact count (that of a run with every line parsed).
func TestReviewWindowPrefilterMix(t *testing.T) {
	dir := t.TempDir()
	writeRotated(t, dir)
	cache := openTestCache(t)
	ctx := context.Background()
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByPath, jobs.ByDay}}
	windows := [][2]time.Time{{}, {nov(3, 0), nov(5, 0)}, {}, {nov(1, 0), nov(8, 0)}, {nov(3, 0), nov(5, 0)},
		{}, {nov(7, 0), time.Time{}}, {nov(2, 0), nov(3, 0)}, {}, {nov(1, 0), nov(2, 0)}}
	for step, w := range windows {
		if step%3 == 2 {
			appendFile(t, filepath.Join(dir, "access.log"), cacheLines(500+step*10, 510+step*10, 6))
		}
		opts := logscan.ScanOptions{Filter: filter.Filter{Since: w[0], Until: w[1], Paths: []string{"/robots.txt"}}}
		all := opts
		all.CheckAllLines = true
		exact, err := jobs.Count(ctx, []string{dir}, co, all)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := jobs.Count(ctx, []string{dir}, co, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = cache
		cached, err := jobs.Count(ctx, []string{dir}, co, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(cached.Rows()), fmt.Sprint(fresh.Rows()); got != want {
			t.Errorf("step %d: cached rows %s, want %s", step, got, want)
		}
		st := cached.Stats
		if st.Lines != exact.Stats.Lines || st.Matched != exact.Stats.Matched {
			t.Errorf("step %d: cached %d lines, %d matched; want %d, %d", step, st.Lines, st.Matched, exact.Stats.Lines, exact.Stats.Matched)
		}
		if st.Parsed == st.Lines && st.Malformed != exact.Stats.Malformed {
			t.Errorf("step %d: cached: every line parsed, %d malformed; want %d", step, st.Malformed, exact.Stats.Malformed)
		}
		for _, f := range st.Files {
			for _, e := range exact.Stats.Files {
				if e.Path == f.Path && (f.Lines != e.Lines || f.Parsed == f.Lines && f.Malformed != e.Malformed) {
					t.Errorf("step %d: %s: %d lines, %d parsed, %d malformed; want %d lines, %d malformed", step, f.Path, f.Lines, f.Parsed, f.Malformed, e.Lines, e.Malformed)
				}
			}
		}
	}
}
