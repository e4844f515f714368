package logscan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
)

// spanLines are three well-formed lines, out of time order, in two
// offsets, and a malformed one whose (later) time must not count.
const spanLines = `192.0.2.1 - - [13/Nov/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 5
192.0.2.2 - - [22/Nov/2026:23:59:00 +0000] "GET /a HTTP/1.1" 404 5
192.0.2.3 - - [15/Nov/2026:12:00:00 +0000] "GET /b HTTP/1.1" 200 5
192.0.2.4 - - [30/Nov/2026:12:00:00 +0000] "GET /c HTTP/1.1" 2O0 5
`

var (
	spanFirst = time.Date(2026, 11, 13, 10, 0, 0, 0, time.FixedZone("", 3600))
	spanLast  = time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC)
)

func checkSpan(t *testing.T, name string, st Stats, wantOK bool) {
	t.Helper()
	first, last, ok := st.Span()
	if ok != wantOK {
		t.Fatalf("%s: Stats.Span() ok = %v, want %v", name, ok, wantOK)
	}
	if !ok {
		return
	}
	if !first.Equal(spanFirst) || !last.Equal(spanLast) {
		t.Errorf("%s: Stats.Span() = %v … %v, want %v … %v", name, first, last, spanFirst, spanLast)
	}
	if _, off := first.Zone(); off != 3600 {
		t.Errorf("%s: Stats.Span() first in offset %d, want the line's +0100 (3600)", name, off)
	}
}

func TestStatsSpan(t *testing.T) {
	dir := t.TempDir()
	// Two files: the span is merged across inputs.
	lines := bytes.SplitAfter([]byte(spanLines), []byte("\n"))
	if err := os.WriteFile(filepath.Join(dir, "a.log"), bytes.Join(lines[:2], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	writeGzip(t, filepath.Join(dir, "b.log.gz"), string(bytes.Join(lines[2:], nil)))
	ctx := context.Background()
	// A window that misses every line: the span is of what was read,
	// whatever the filter.
	missing := ScanOptions{Filter: filter.Filter{Since: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}
	for _, workers := range []int{1, 2} {
		opts := missing
		opts.Workers = workers
		res, err := testHosts(ctx, []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stats.Matched != 0 || res.Stats.Rejected()["time"] != 3 {
			t.Errorf("testHosts(--since 2027) matched %d, rejected %v; want 0, 3 by time", res.Stats.Matched, res.Stats.Rejected())
		}
		checkSpan(t, "Hosts --since 2027", res.Stats, true)
	}
	// An aggregate that reads the time (a count by day): its span is kept
	// without a window.
	_, st, err := ScanLogs(ctx, []string{dir}, newTestTimeReader, ScanOptions{Filter: filter.Filter{Statuses: []string{"404"}}})
	if err != nil {
		t.Fatal(err)
	}
	checkSpan(t, "a time reader, --status 404", st, true)
	// Nothing reads the time: it is not converted, and Span says so.
	hosts, err := testHosts(ctx, []string{dir}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkSpan(t, "Hosts without a window", hosts.Stats, false)
	// WriteRecords always reads it.
	st, err = WriteRecords(ctx, []string{dir}, &bytes.Buffer{}, RecordOutput{}, missing)
	if err != nil {
		t.Fatal(err)
	}
	checkSpan(t, "WriteRecords --since 2027", st, true)
}

func TestStatsSpanFromCache(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.log"), []byte(spanLines), 0o644); err != nil {
		t.Fatal(err)
	}
	cache, err := logcache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	opts := ScanOptions{Cache: cache, Filter: filter.Filter{Until: spanFirst.Add(-time.Hour)}}
	for _, run := range []string{"first run", "from the cache"} {
		res, err := testHosts(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if run == "from the cache" && res.Stats.Cache.Hits != 1 {
			t.Fatalf("%s: Cache.Hits = %d, want 1", run, res.Stats.Cache.Hits)
		}
		checkSpan(t, run, res.Stats, true)
	}
}

func TestStatsStored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log.gz")
	writeGzip(t, path, spanLines)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := testHosts(context.Background(), []string{path}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Stored != info.Size() || res.Stats.Bytes != int64(len(spanLines)) {
		t.Errorf("testHosts(gzip).Stats Stored, Bytes = %d, %d; want the file's size %d, the text's %d",
			res.Stats.Stored, res.Stats.Bytes, info.Size(), len(spanLines))
	}
}

// inputCounter is an InputProgress that records what it is told.
type inputCounter struct {
	mu             sync.Mutex
	inputs, done   int
	total, read    int64
	inputsBeforeGo bool // StartInputs came before Start
}

func (c *inputCounter) StartInputs(n int) { c.inputs = n }
func (c *inputCounter) Start(total int64) { c.total, c.inputsBeforeGo = total, c.inputs > 0 }
func (c *inputCounter) Add(n int64)       { c.mu.Lock(); c.read += n; c.mu.Unlock() }
func (c *inputCounter) InputDone()        { c.mu.Lock(); c.done++; c.mu.Unlock() }

func TestInputProgress(t *testing.T) {
	dir := t.TempDir()
	var size int64
	for _, name := range []string{"a.log", "b.log", "c.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(spanLines), 0o644); err != nil {
			t.Fatal(err)
		}
		size += int64(len(spanLines))
	}
	if err := os.WriteFile(filepath.Join(dir, "d.log.gz"), []byte("\x1f\x8b not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	size += int64(len("\x1f\x8b not gzip"))
	run := map[string]func(p Progress) error{
		"Hosts": func(p Progress) error {
			_, err := testHosts(context.Background(), []string{dir}, ScanOptions{Progress: p, Workers: 2})
			return err
		},
		"WriteRecords": func(p Progress) error {
			_, err := WriteRecords(context.Background(), []string{dir}, &bytes.Buffer{}, RecordOutput{}, ScanOptions{Progress: p, Workers: 2})
			return err
		},
	}
	for name, fn := range run {
		c := &inputCounter{}
		if err := fn(c); err == nil {
			t.Fatalf("%s: no error for the broken gzip file", name)
		}
		// The failed input is done too: it will not be read further.
		if !c.inputsBeforeGo || c.inputs != 4 || c.done != 4 || c.total != size {
			t.Errorf("%s: StartInputs before Start %v, inputs %d, done %d, total %d; want true, 4, 4, %d",
				name, c.inputsBeforeGo, c.inputs, c.done, c.total, size)
		}
	}
}
