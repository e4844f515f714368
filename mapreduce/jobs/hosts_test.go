package jobs

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

var robots = logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}

// The known answer of ../testdata/logs, worked out by hand from the files
// (see the comments in TestHostsTestdata).
var testdataRobotsHosts = []string{
	"10.0.2.20",   // 010.000.002.020, leading zeros (access.log.2.gz)
	"192.0.2.4",   // second member of access.log.3.gz; sorts before .10
	"192.0.2.10",  // access.log, CRLF
	"192.0.2.11",  // ::ffff:192.0.2.11 with ?v=2, an escaped quote and trailing fields
	"192.0.2.12",  // "GET /robots.txt" without protocol, common format (access.log.1)
	"192.0.2.30",  // first member of access.log.3.gz
	"192.0.2.31",  // second member
	"2001:db8::1", // written twice: lower case and expanded upper case
	"2001:db8::2", // [2001:db8::2], HEAD
	"crawl-66-249-66-1.googlebot.com",
}

func TestHostsTestdata(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		res, err := Hosts(context.Background(), []string{"../../testdata/logs"}, logscan.ScanOptions{
			Filter: robots.Filter, Workers: workers, CheckAllLines: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Hosts, testdataRobotsHosts) {
			t.Errorf("Hosts(-j %d) = %q, want %q", workers, res.Hosts, testdataRobotsHosts)
		}
		// 23 lines; malformed: access.log lines 5 (unterminated agent), 6 (day 32),
		// 7 (status 2O0), 8 (not a log line); 11 robots lines among the rest.
		want := logscan.Stats{Inputs: 4, Lines: 23, Matched: 11, Malformed: 4}
		got := res.Stats
		got.Bytes, got.Examples = 0, nil
		if !equalStats(got, want) {
			t.Errorf("Hosts(-j %d).Stats = %+v, want %+v", workers, got, want)
		}
		if len(res.Stats.Examples) != 4 || res.Stats.Examples[0].Line != 5 {
			t.Errorf("Hosts(-j %d).Stats.Examples = %v, want 4 starting at access.log:5", workers, res.Stats.Examples)
		}
	}
}

func equalStats(a, b logscan.Stats) bool {
	return a.Inputs == b.Inputs && a.Lines == b.Lines && a.Matched == b.Matched &&
		a.Malformed == b.Malformed && a.Bytes == b.Bytes
}

func TestHostsRealData(t *testing.T) {
	opts := robots
	opts.CheckAllLines = true // line 8899 lacks /robots.txt
	res, err := Hosts(context.Background(), []string{"../../testdata/realdata/apache_logs.gz"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	// 121: zcat apache_logs.gz | awk '$7 ~ /^\/robots.txt/ {print $1}' | sort -u | wc -l
	if len(res.Hosts) != 121 || res.Stats.Lines != 10000 || res.Stats.Malformed != 1 {
		t.Errorf("Hosts(apache_logs.gz) = %d hosts, %d lines, %d malformed; want 121, 10000, 1",
			len(res.Hosts), res.Stats.Lines, res.Stats.Malformed)
	}
	if ex := res.Stats.Examples; len(ex) != 1 || ex[0].Line != 8899 {
		t.Errorf("Hosts(apache_logs.gz) malformed examples = %v, want line 8899", ex)
	}
}

// generate writes a corpus with 0.2 % malformed lines and returns its truth.
func generate(t *testing.T, dir string, files int, gzipLevel int) *loggen.Truth {
	t.Helper()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: files, BytesPerFile: 512 << 10,
		Seed: 42, MalformedFraction: 0.002, GzipLevel: gzipLevel, RobotsFraction: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// TestHostsGeneratedCorpus holds the parallel run, for every worker count,
// to the generator's own record of what it wrote: an independent answer.
func TestHostsGeneratedCorpus(t *testing.T) {
	dir := t.TempDir()
	truth := generate(t, dir, 6, 1)
	want := slices.Collect(maps.Keys(truth.RobotsHosts))
	logparse.SortHosts(want)
	for workers := 1; workers <= 8; workers++ {
		for _, checkAll := range []bool{true, false} {
			res, err := Hosts(context.Background(), []string{dir}, logscan.ScanOptions{Filter: robots.Filter, Workers: workers, CheckAllLines: checkAll})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Hosts, want) {
				t.Fatalf("Hosts(-j %d) = %d hosts, want %d (the generator's truth)", workers, len(res.Hosts), len(want))
			}
			// The prefilter parses the lines with /robots.txt and a
			// sample of the others: fewer malformed lines are seen.
			st := res.Stats
			if st.Lines != truth.Lines || checkAll && st.Malformed != truth.Malformed || st.Malformed > truth.Malformed || st.Bytes != truth.UncompressedBytes {
				t.Fatalf("Hosts(-j %d, CheckAllLines %v).Stats = %+v, want lines %d, malformed %d, bytes %d",
					workers, checkAll, st, truth.Lines, truth.Malformed, truth.UncompressedBytes)
			}
		}
	}
}

func TestHostsTruncatedGzipAmongGoodFiles(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 4, 6)
	others := []string{filepath.Join(dir, "access.log"), filepath.Join(dir, "access.log.1"), filepath.Join(dir, "access.log.3.gz")}
	want, err := Hosts(context.Background(), others, robots)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(filepath.Join(dir, "access.log.2.gz"))
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "access.log.2.gz")
	if err := os.WriteFile(broken, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Hosts(context.Background(), []string{dir}, robots)
	var fi *mapreduce.FailedInputs
	if !errors.As(err, &fi) || len(fi.Errs) != 1 || fi.Errs[0].Input != broken ||
		!errors.Is(err, logparse.ErrTruncated) {
		t.Fatalf("Hosts(truncated gzip) error = %v, want *mapreduce.FailedInputs naming %s, ErrTruncated", err, broken)
	}
	if res.Stats.Inputs != 3 || !slices.Equal(res.Hosts, want.Hosts) || !equalStats(res.Stats, want.Stats) {
		t.Errorf("Hosts(truncated gzip) = %d inputs, %d hosts, %+v; want the 3 other inputs' %d hosts, %+v",
			res.Stats.Inputs, len(res.Hosts), res.Stats, len(want.Hosts), want.Stats)
	}
}

func TestHostsAllInputsFail(t *testing.T) {
	res, err := Hosts(context.Background(), []string{"does/not/exist"}, robots)
	var fi *mapreduce.FailedInputs
	if !errors.As(err, &fi) || res == nil || res.Stats.Inputs != 0 || len(res.Hosts) != 0 {
		t.Fatalf("Hosts(missing) = %+v, %v; want an empty result and *mapreduce.FailedInputs", res, err)
	}
}

type countingProgress struct {
	total atomic.Int64
	added atomic.Int64
}

func (p *countingProgress) Start(total int64) { p.total.Store(total) }
func (p *countingProgress) Add(n int64)       { p.added.Add(n) }

func TestHostsProgressCountsStoredBytes(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 3, 6)
	var size int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		size += info.Size()
	}
	p := &countingProgress{}
	if _, err := Hosts(context.Background(), []string{dir}, logscan.ScanOptions{Progress: p}); err != nil {
		t.Fatal(err)
	}
	if p.total.Load() != size || p.added.Load() != size {
		t.Errorf("progress total %d, added %d; want both %d (bytes on disk)", p.total.Load(), p.added.Load(), size)
	}
}

func TestHostsCancelledStopsAndLeaksNothing(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 4, 1)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Hosts(ctx, []string{dir}, logscan.ScanOptions{Workers: 4})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Hosts(cancelled) error = %v, want context.Canceled", err)
	}
	// Cancel mid-run too: the progress callback cancels after the first read.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	_, err = Hosts(ctx, []string{dir}, logscan.ScanOptions{Workers: 4, Progress: cancelOnAdd{cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Hosts(cancelled mid-run) error = %v, want context.Canceled", err)
	}
	waitForGoroutines(t, before)
}

type cancelOnAdd struct{ cancel context.CancelFunc }

func (cancelOnAdd) Start(int64)   {}
func (c cancelOnAdd) Add(n int64) { c.cancel() }

// Debian's vhost_combined lines are detected as such and their client is
// the host; read as combined, every one is malformed, never a record with
// the vhost as its host.
func TestHostsVhostLines(t *testing.T) {
	const vhostLog = "../../testdata/realdata/vhost_combined.log"
	res, err := Hosts(context.Background(), []string{vhostLog}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Hosts, []string{"203.62.1.80"}) || res.Stats.Malformed != 1 {
		t.Errorf("Hosts(vhost_combined.log) = %q, %d malformed; want [203.62.1.80], 1 malformed", res.Hosts, res.Stats.Malformed)
	}
	// Named explicitly, a format none of the lines is in fails the input:
	// an empty answer with exit 0 would hide the mistake.
	res, err = Hosts(context.Background(), []string{vhostLog}, logscan.ScanOptions{Format: logparse.Combined})
	var failed *mapreduce.FailedInputs
	if !errors.As(err, &failed) || len(failed.Errs) != 1 || !errors.Is(err, logparse.ErrNotAccessLog) {
		t.Fatalf("Hosts(vhost_combined.log as combined) error = %v, want it failed as not an access log", err)
	}
	if len(res.Hosts) != 0 || res.Stats.Lines != 0 {
		t.Errorf("Hosts(vhost_combined.log as combined) = %q, %d lines; want nothing read", res.Hosts, res.Stats.Lines)
	}
}

// A file that is not an access log fails as an input, named, and the
// other inputs are still counted.
func TestHostsNotAnAccessLog(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("shopping list\nmilk\neggs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Hosts(context.Background(), []string{notes, "../../testdata/logs/access.log.1"}, logscan.ScanOptions{})
	var failed *mapreduce.FailedInputs
	if !errors.As(err, &failed) || len(failed.Errs) != 1 || !errors.Is(failed.Errs[0], logparse.ErrNotAccessLog) ||
		!strings.Contains(failed.Errs[0].Error(), notes) {
		t.Fatalf("Hosts(notes.txt, access.log.1) error = %v, want notes.txt failed as not an access log", err)
	}
	if res.Stats.Inputs != 1 || res.Stats.Malformed != 0 || len(res.Hosts) == 0 {
		t.Errorf("Hosts(notes.txt, access.log.1) = %d inputs, %d malformed, %d hosts; want access.log.1 counted alone",
			res.Stats.Inputs, res.Stats.Malformed, len(res.Hosts))
	}
}
