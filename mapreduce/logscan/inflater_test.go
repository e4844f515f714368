package logscan_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/subproc"
)

// TestInflater: FileStats.Inflater says what inflated each input, on every
// path but the child decompressor's (native_test.go): read directly,
// through an input filter (what sniffing finds in its output), and from
// the cache, whole or resumed.
func TestInflater(t *testing.T) {
	dir := t.TempDir()
	plain, gz := filepath.Join(dir, "access.log"), filepath.Join(dir, "access.log.1.gz")
	appendFile(t, plain, cacheLines(0, 300, 1))
	writeGzip(t, gz, cacheLines(300, 600, 2))
	cache := openTestCache(t)
	inProcess := logscan.InflatedByGo // the default, where ISA-L does not load
	if logparse.LoadISAL() == nil {
		inProcess = logscan.InflatedByISAL
	}
	goOnly := logscan.ScanOptions{Decompressor: logscan.Decompressor{InProcess: logparse.InflateGo}}
	for _, tc := range []struct {
		name  string
		path  string
		opts  logscan.ScanOptions
		want  logscan.Inflater
		grow  bool // append to the file first
		cache bool
	}{
		{name: "plain", path: plain, want: logscan.NotCompressed},
		{name: "gzip", path: gz, want: inProcess},
		{name: "gzip in Go", path: gz, opts: goOnly, want: logscan.InflatedByGo},
		{name: "gzip through cat", path: gz, opts: logscan.ScanOptions{InputFilter: []subproc.Stage{{"cat"}}}, want: inProcess},
		{name: "gzip through gzip -dc", path: gz, opts: logscan.ScanOptions{InputFilter: []subproc.Stage{{"gzip", "-dc"}}}, want: logscan.NotCompressed},
		{name: "gzip, cache miss", path: gz, cache: true, want: inProcess},
		{name: "gzip, cache hit", path: gz, cache: true, want: logscan.AnsweredByCache},
		{name: "plain, cache miss", path: plain, cache: true, want: logscan.NotCompressed},
		{name: "plain, cache hit", path: plain, cache: true, want: logscan.AnsweredByCache},
		{name: "plain, resumed", path: plain, cache: true, grow: true, want: logscan.NotCompressed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.grow {
				appendFile(t, plain, cacheLines(600, 700, 3))
			}
			if tc.cache {
				tc.opts.Cache = cache
			}
			_, st, err := logscan.ScanLogs(context.Background(), []string{tc.path}, jobs.NewHostSet, tc.opts)
			if err != nil || len(st.Files) != 1 {
				t.Fatalf("ScanLogs: %d files, %v", len(st.Files), err)
			}
			if got := st.Files[0].Inflater; got != tc.want {
				t.Errorf("Files[0].Inflater = %q, want %q", got, tc.want)
			}
			if tc.grow && !st.Files[0].Resumed {
				t.Errorf("Files[0].Resumed = false, want true")
			}
		})
	}
}
