package logscan

import (
	"context"
	"maps"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
)

// Every line is malformed, matched, or dropped by exactly one stage, and
// each input read has its FileStats.
func TestFilterStageCounts(t *testing.T) {
	opts := ScanOptions{Filter: filter.Filter{Statuses: []string{"200"}, Paths: []string{"/robots.txt"}}}
	res, err := testHosts(context.Background(), []string{"../../testdata/logs"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Stats
	rejected := st.Rejected()
	if rejected["status"] != 7 || rejected["path"] != 2 || len(rejected) != 2 {
		t.Errorf("Rejected() = %v, want 7 by status and 2 by path", rejected)
	}
	if st.Matched+rejected["status"]+rejected["path"]+st.Malformed != st.Lines {
		t.Errorf("%d matched + %v rejected + %d malformed != %d lines", st.Matched, rejected, st.Malformed, st.Lines)
	}
	var lines int64
	for _, f := range st.Files {
		lines += f.Lines
	}
	if len(st.Files) != 4 || lines != st.Lines {
		t.Errorf("Files = %+v, want 4 adding up to %d lines", st.Files, st.Lines)
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
