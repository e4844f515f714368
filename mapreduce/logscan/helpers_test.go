package logscan

import (
	"bytes"
	"compress/gzip"
	"context"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// waitForGoroutines fails unless the goroutine count returns to before:
// a scan's own goroutines are gone when it returns, but the runtime may
// take a moment to retire the helper goroutines of a cancelled test.
func waitForGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testHostSet is jobs.HostSet in short, for the internal tests that need
// an aggregate with known answers (jobs imports this package: its tests
// have the real one).
type testHostSet map[string]struct{}

func newTestHostSet() testHostSet { return testHostSet{} }

func (s testHostSet) Add(rec *logparse.Record) {
	if rec.Host != nil {
		s[string(logparse.AppendCanonicalHost(nil, rec.Host))] = struct{}{}
	}
}

func (s testHostSet) Merge(other testHostSet) {
	for h := range other {
		s[h] = struct{}{}
	}
}

type testHostsResult struct {
	Hosts []string
	Stats Stats
}

// testHosts is jobs.Hosts over testHostSet.
func testHosts(ctx context.Context, paths []string, opts ScanOptions) (*testHostsResult, error) {
	set, stats, err := ScanLogs(ctx, paths, newTestHostSet, opts)
	if set == nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	logparse.SortHosts(out)
	return &testHostsResult{Hosts: out, Stats: stats}, err
}

// testTimeReader is an aggregate that reads the time, as a count by day
// does: its scans keep Stats.Span without a time window.
type testTimeReader struct{}

func newTestTimeReader() testTimeReader        { return testTimeReader{} }
func (testTimeReader) Add(*logparse.Record)    {}
func (testTimeReader) Merge(testTimeReader)    {}
func (testTimeReader) Fields() logparse.Fields { return logparse.FieldTime }

var robots = ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}

func equalStats(a, b Stats) bool {
	return a.Inputs == b.Inputs && a.Lines == b.Lines && a.Matched == b.Matched &&
		a.Malformed == b.Malformed && a.Bytes == b.Bytes
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

type cancelOnAdd struct{ cancel context.CancelFunc }

func (cancelOnAdd) Start(int64)   {}
func (c cancelOnAdd) Add(n int64) { c.cancel() }

func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Fields: Add reads the host only.
func (s testHostSet) Fields() logparse.Fields { return 0 }

func (s testHostSet) PartialKind() string { return "test hosts" }

// AppendPartial writes the hosts sorted, one a line.
func (s testHostSet) AppendPartial(dst []byte) ([]byte, bool) {
	for _, h := range slices.Sorted(maps.Keys(s)) {
		dst = append(append(dst, h...), '\n')
	}
	return dst, true
}

func (s testHostSet) ReadPartial(data []byte) error {
	for line := range strings.Lines(string(data)) {
		h, ok := strings.CutSuffix(line, "\n")
		if !ok || h == "" {
			return errBadStats
		}
		s[h] = struct{}{}
	}
	return nil
}
