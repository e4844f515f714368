package logscan

import (
	"context"
	"maps"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
)

// Every line parsed is malformed, matched, or dropped by exactly one
// stage, and each input read has its FileStats. With CheckAllLines every
// line is parsed; without, the prefilter (of /robots.txt) passes over
// most lines that lack it.
func TestFilterStageCounts(t *testing.T) {
	for _, checkAll := range []bool{true, false} {
		opts := ScanOptions{Filter: filter.Filter{Statuses: []string{"200"}, Paths: []string{"/robots.txt"}}, CheckAllLines: checkAll}
		res, err := testHosts(context.Background(), []string{"../../testdata/logs"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		st := res.Stats
		rejected := st.Rejected()
		if checkAll && (rejected["status"] != 7 || rejected["path"] != 2 || len(rejected) != 2) {
			t.Errorf("Rejected() = %v, want 7 by status and 2 by path", rejected)
		}
		if st.Matched+rejected["status"]+rejected["path"]+st.Malformed != st.Parsed {
			t.Errorf("%d matched + %v rejected + %d malformed != %d parsed", st.Matched, rejected, st.Malformed, st.Parsed)
		}
		if checkAll != (st.Parsed == st.Lines) || st.Lines != 23 {
			t.Errorf("CheckAllLines %v: %d of %d lines parsed, want 23 lines, all of them parsed only with CheckAllLines", checkAll, st.Parsed, st.Lines)
		}
		testFileStats(t, st)
	}
}

func testFileStats(t *testing.T, st Stats) {
	t.Helper()
	var lines, parsed int64
	for _, f := range st.Files {
		lines += f.Lines
		parsed += f.Parsed
	}
	if len(st.Files) != 4 || lines != st.Lines || parsed != st.Parsed {
		t.Errorf("Files = %+v, want 4 adding up to %d lines, %d parsed", st.Files, st.Lines, st.Parsed)
	}
}

// A filter.Func's drops are counted under its name, and a cached run
// counts them alike.
func TestFilterFuncRejected(t *testing.T) {
	cache, err := logcache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	notGet := filter.Func{Name: "not GET", Keep: func(rec *logparse.Record) bool { return string(rec.Method) == "GET" }}
	opts := ScanOptions{Filter: filter.Filter{Statuses: []string{"200"}, Funcs: []filter.Func{notGet}}, Cache: cache}
	var first map[string]int64
	for run := range 2 {
		res, err := testHosts(context.Background(), []string{"../../testdata/logs"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Stats.Rejected()
		if got["not GET"] == 0 || got["status"] != 7 {
			t.Errorf("run %d: Rejected() = %v, want some by %q and 7 by status", run, got, notGet.Name)
		}
		if run == 0 {
			first = got
		} else if !maps.Equal(got, first) || res.Stats.Cache.Hits == 0 {
			t.Errorf("cached run: Rejected() = %v, cache %+v; want %v from the cache", got, res.Stats.Cache, first)
		}
	}
}
