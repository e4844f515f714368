package logscan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/subproc"
)

// cacheLine is a combined line of host i on day d.
// The cache's layout (see package cache), for the tests that look into it.
const (
	cacheVersionDir = "v1"
	tmpPrefix       = ".tmp-"
	staleTempAge    = time.Hour
)

func cacheLine(i, d int) string {
	paths := []string{"/", "/robots.txt", "/a?q=1", "/b"}
	return fmt.Sprintf("192.0.2.%d - - [%02d/Nov/2026:%02d:00:00 +0100] \"GET %s HTTP/1.1\" %d %d \"-\" \"agent %d\"\n",
		i%250, 1+d%28, i%24, paths[i%len(paths)], []int{200, 404, 301}[i%3], i*7, i%5)
}

func cacheLines(from, to, day int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i%37 == 5 {
			b.WriteString("not a log line\n")
			continue
		}
		b.WriteString(cacheLine(i, day))
	}
	return b.String()
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

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

// countBoth runs Count with and without the cache and fails unless rows
// and stats (examples included) are the same; it returns the cached run's
// cache stats.
func countBoth(t *testing.T, cache *logcache.Cache, dir string, co jobs.CountOptions, opts logscan.ScanOptions) logscan.CacheStats {
	t.Helper()
	fresh, ferr := jobs.Count(context.Background(), []string{dir}, co, opts)
	opts.Cache = cache
	cached, cerr := jobs.Count(context.Background(), []string{dir}, co, opts)
	if fmt.Sprint(ferr) != fmt.Sprint(cerr) {
		t.Fatalf("errors differ: fresh %v, cached %v", ferr, cerr)
	}
	if fresh == nil {
		return logscan.CacheStats{}
	}
	if got, want := fmt.Sprint(cached.Rows()), fmt.Sprint(fresh.Rows()); got != want {
		t.Errorf("cached rows differ from a fresh run's:\n got %s\nwant %s", got, want)
	}
	if co.Top > 0 {
		// Partials are merged as they finish: which malformed lines are
		// kept as examples depends on timing, with or without a cache.
		cached.Stats.Examples, fresh.Stats.Examples = nil, nil
	}
	if got, want := summarize(cached.Stats), summarize(fresh.Stats); got != want {
		t.Errorf("cached stats differ from a fresh run's:\n got %s\nwant %s", got, want)
	}
	return cached.Stats.Cache
}

// summarize is what a run's Stats say about the logs, not about the cache.
func summarize(st logscan.Stats) string {
	files := slices.Clone(st.Files)
	slices.SortFunc(files, func(a, b logscan.FileStats) int { return strings.Compare(a.Path, b.Path) })
	var b strings.Builder
	fmt.Fprintf(&b, "inputs %d lines %d matched %d malformed %d bytes %d rejected %v\n",
		st.Inputs, st.Lines, st.Matched, st.Malformed, st.Bytes, st.Rejected())
	for _, f := range files {
		fmt.Fprintf(&b, "%s %d %d %d\n", f.Path, f.Lines, f.Malformed, f.Bytes)
	}
	for _, e := range st.Examples {
		fmt.Fprintln(&b, e)
	}
	return b.String()
}

func openTestCache(t *testing.T) *logcache.Cache {
	t.Helper()
	c, err := logcache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A cached count is the fresh count, for every kind of key, while files
// are added, grow, are renamed, compressed, truncated and rewritten; only
// the files that changed are read again.
func TestCacheCountFollowsChanges(t *testing.T) {
	dir := t.TempDir()
	live, old := filepath.Join(dir, "access.log"), filepath.Join(dir, "access.log.1.gz")
	appendFile(t, live, cacheLines(0, 300, 1))
	writeGzip(t, old, cacheLines(300, 700, 0))
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	queries := []jobs.CountOptions{
		{By: []jobs.CountField{jobs.ByHost}},
		{By: []jobs.CountField{jobs.ByDay, jobs.ByStatus}, TZ: paris},
		{By: []jobs.CountField{jobs.ByHour, jobs.ByUserAgent, jobs.ByPath}},
		{By: []jobs.CountField{jobs.ByHost}, Top: 5, SpillKeys: 20}, // spills: such partials are not cached
	}
	opts := logscan.ScanOptions{Workers: 2, Filter: filter.Filter{Statuses: []string{"200", "404"}}, MaxExamples: 3}
	cache := openTestCache(t)
	type want struct{ hits, resumed, misses int }
	step := func(name string, w want) {
		t.Helper()
		for i, co := range queries {
			cs := countBoth(t, cache, dir, co, opts)
			if i == len(queries)-1 {
				continue // partials over 20 keys are not saved
			}
			if cs.Hits != w.hits || cs.Resumed != w.resumed || cs.Misses != w.misses || cs.Invalid != 0 {
				t.Errorf("%s, by %v: %d hits, %d resumed, %d misses, %d invalid; want %+v", name, co.By, cs.Hits, cs.Resumed, cs.Misses, cs.Invalid, w)
			}
		}
	}
	step("first run", want{0, 0, 2})
	step("unchanged", want{2, 0, 0})
	appendFile(t, live, cacheLines(700, 800, 2))
	step("grown", want{1, 1, 0})
	step("unchanged again", want{2, 0, 0})
	// Rotated: the live file renamed and compressed into a new file.
	text, _ := os.ReadFile(live)
	writeGzip(t, filepath.Join(dir, "access.log.2.gz"), string(text))
	os.Remove(live)
	if err := os.Rename(old, filepath.Join(dir, "access.log.3.gz")); err != nil {
		t.Fatal(err)
	}
	appendFile(t, live, cacheLines(800, 900, 3))
	step("rotated", want{1, 0, 2})
	// Truncated and rewritten in place, longer than before: the same
	// inode and a larger size, but not an append.
	if err := os.WriteFile(live, []byte(cacheLines(900, 1100, 4)), 0o644); err != nil {
		t.Fatal(err)
	}
	step("rewritten", want{2, 0, 1})
	// Rewritten with the same size and modification time: the sample of
	// its first bytes differs.
	info, _ := os.Stat(live)
	same := []byte(cacheLines(900, 1100, 5))
	if len(same) != int(info.Size()) {
		t.Fatalf("test bug: rewrite changes the size (%d, %d)", len(same), info.Size())
	}
	os.WriteFile(live, same, 0o644)
	os.Chtimes(live, info.ModTime(), info.ModTime())
	step("rewritten in place", want{2, 0, 1})
}

// A live file caught in the middle of a line is not resumed from there:
// the line is read whole once it is complete.
func TestCachePartialLastLine(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "access.log")
	full := cacheLines(0, 100, 1)
	cut := strings.LastIndexByte(full[:len(full)-1], '\n') + 20
	appendFile(t, live, full[:cut])
	cache := openTestCache(t)
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByPath, jobs.ByStatus}}
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Stored != 1 {
		t.Errorf("first run stored %d entries, want 1 (usable whole while unchanged)", cs.Stored)
	}
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Hits != 1 {
		t.Errorf("unchanged: %+v, want a hit", cs)
	}
	appendFile(t, live, full[cut:]+cacheLines(100, 150, 1))
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Resumed != 0 || cs.Misses != 1 {
		t.Errorf("completed: %+v, want it read in full", cs)
	}
	appendFile(t, live, cacheLines(150, 160, 1))
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Resumed != 1 {
		t.Errorf("grown after a whole line: %+v, want it resumed", cs)
	}
}

// A file too short for format detection to be settled is read in full
// when it grows: its first lines may pick another format.
func TestCacheUnsettledFormat(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "access.log")
	// Three common lines: detected as common, user agents unread.
	appendFile(t, live, strings.Repeat(`192.0.2.1 - - [01/Nov/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1`+"\n", 3))
	cache := openTestCache(t)
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByUserAgent}}
	countBoth(t, cache, dir, co, logscan.ScanOptions{})
	appendFile(t, live, cacheLines(0, 100, 1)) // combined lines: now detected as combined
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Misses != 1 {
		t.Errorf("grown past detection: %+v, want it read in full", cs)
	}
	appendFile(t, live, cacheLines(100, 120, 1))
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Resumed != 1 {
		t.Errorf("grown once settled: %+v, want it resumed", cs)
	}
	// With a format given, a short file is resumed.
	opts := logscan.ScanOptions{Format: mustFormat(t, "combined")}
	countBoth(t, cache, dir, co, opts)
	appendFile(t, live, cacheLines(120, 121, 1))
	if cs := countBoth(t, cache, dir, co, opts); cs.Resumed != 1 {
		t.Errorf("--format combined, grown: %+v, want it resumed", cs)
	}
}

// Entries of one query are never used by another, and a corrupt entry is
// read again, never trusted.
func TestCacheQueriesAndCorruption(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, filepath.Join(dir, "a.log"), cacheLines(0, 200, 1))
	writeGzip(t, filepath.Join(dir, "b.log.gz"), cacheLines(200, 400, 2))
	cache := openTestCache(t)
	hosts := func(opts logscan.ScanOptions) (*jobs.HostsResult, logscan.CacheStats) {
		t.Helper()
		fresh, err := jobs.Hosts(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = cache
		cached, err := jobs.Hosts(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cached.Hosts, fresh.Hosts) || summarize(cached.Stats) != summarize(fresh.Stats) {
			t.Errorf("cached hosts %q differ from fresh %q", cached.Hosts, fresh.Hosts)
		}
		return cached, cached.Stats.Cache
	}
	robots := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}
	hosts(robots)
	if _, cs := hosts(logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/b"}}}); cs.Hits != 0 {
		t.Errorf("another path: %+v, want no hit", cs)
	}
	if _, cs := hosts(logscan.ScanOptions{Filter: robots.Filter, Format: mustFormat(t, "combined")}); cs.Hits != 0 {
		t.Errorf("another format: %+v, want no hit", cs)
	}
	if _, cs := hosts(robots); cs.Hits != 2 {
		t.Errorf("the first query again: %+v, want 2 hits", cs)
	}
	entries, _ := filepath.Glob(filepath.Join(cache.Dir(), cacheVersionDir, "*", "*-*"))
	if len(entries) != 6 {
		t.Fatalf("%d entries, want 6 (2 files, 3 queries): %q", len(entries), entries)
	}
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		data[len(data)/2] ^= 0x40
		os.WriteFile(e, data, 0o600)
	}
	if _, cs := hosts(robots); cs.Hits != 0 || cs.Invalid != 2 || cs.Stored != 2 {
		t.Errorf("corrupt entries: %+v, want 2 invalid, read again and saved", cs)
	}
	if _, cs := hosts(robots); cs.Hits != 2 {
		t.Errorf("after rewriting them: %+v, want 2 hits", cs)
	}
}

// An input filter is part of the query; a filtered file is cached whole.
func TestCacheInputFilter(t *testing.T) {
	if _, err := exec.LookPath("gzip"); err != nil {
		t.Skip("gzip not on PATH")
	}
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a.gz"), cacheLines(0, 300, 1))
	appendFile(t, filepath.Join(dir, "b.log"), cacheLines(300, 400, 1))
	cache := openTestCache(t)
	stages, _ := subproc.Split("gzip -dcf")
	opts := logscan.ScanOptions{InputFilter: stages}
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByStatus}}
	countBoth(t, cache, dir, co, opts)
	if cs := countBoth(t, cache, dir, co, opts); cs.Hits != 2 {
		t.Errorf("unchanged: %+v, want 2 hits", cs)
	}
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Hits != 0 {
		t.Errorf("without the filter: %+v, want no hit", cs)
	}
	appendFile(t, filepath.Join(dir, "b.log"), cacheLines(400, 410, 1))
	if cs := countBoth(t, cache, dir, co, opts); cs.Resumed != 0 || cs.Misses != 1 {
		t.Errorf("grown behind a filter: %+v, want it read in full", cs)
	}
}

// --max-malformed applies to a cached file's counts as to a fresh read.
func TestCacheMaxMalformed(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, filepath.Join(dir, "a.log"), cacheLines(0, 100, 1)) // 3 malformed
	cache := openTestCache(t)
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByStatus}}
	countBoth(t, cache, dir, co, logscan.ScanOptions{})
	_, err := jobs.Count(context.Background(), []string{dir}, co, logscan.ScanOptions{Cache: cache, MaxMalformed: 0.01})
	if !errors.Is(err, logscan.ErrTooMalformed) {
		t.Errorf("cached file over --max-malformed: %v, want logscan.ErrTooMalformed", err)
	}
}

// lineCount is an aggregate with no encoding.
type lineCount struct{ n int }

func (c *lineCount) Add(*logparse.Record)   { c.n++ }
func (c *lineCount) Merge(other *lineCount) { c.n += other.n }

func mustFormat(t *testing.T, name string) *logparse.Format {
	t.Helper()
	f, err := logparse.LookupFormat(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCacheNeedsACodec(t *testing.T) {
	_, _, err := logscan.ScanLogs(context.Background(), []string{"../../testdata/logs"}, func() *lineCount { return &lineCount{} },
		logscan.ScanOptions{Cache: openTestCache(t)})
	if !errors.Is(err, logscan.ErrInvalidOptions) {
		t.Errorf("ScanLogs with an aggregate that cannot be saved: %v, want logscan.ErrInvalidOptions", err)
	}
}

// Prune removes entries of inputs that are gone and entries not used for
// MaxAge, keeps those the last run used, and crashed runs' temporary files.
func TestCachePrune(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.log", "b.log", "c.log"} {
		appendFile(t, filepath.Join(dir, name), cacheLines(0, 70, 1))
	}
	cache := openTestCache(t)
	ctx := context.Background()
	robots := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, Cache: cache}
	if _, err := jobs.Hosts(ctx, []string{dir}, robots); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Hosts(ctx, []string{filepath.Join(dir, "c.log")}, logscan.ScanOptions{Cache: cache}); err != nil {
		t.Fatal(err)
	}
	queryDirs, _ := filepath.Glob(filepath.Join(cache.Dir(), cacheVersionDir, "*"))
	stale := filepath.Join(queryDirs[0], tmpPrefix+"crashed")
	os.WriteFile(stale, nil, 0o600)
	long := time.Now().Add(-2 * staleTempAge)
	os.Chtimes(stale, long, long)

	os.Remove(filepath.Join(dir, "a.log"))
	// Moved out of its directory: gone as far as the cache can tell.
	if err := os.Rename(filepath.Join(dir, "b.log"), filepath.Join(t.TempDir(), "b.log")); err != nil {
		t.Fatal(err)
	}
	// Renamed within it, as logrotate does: still there, for every query.
	os.Rename(filepath.Join(dir, "c.log"), filepath.Join(dir, "c.log.1"))
	ps, err := cache.Prune(ctx, logcache.PruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ps.Kept != 2 || ps.Removed != 2 {
		t.Errorf("prune after a removal, a move and a rename: %+v, want 2 kept (c.log.1 twice), 2 removed", ps)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a crashed run's temporary file is still there: %v", err)
	}
	// An entry used since UsedSince stays, even if its input looks gone;
	// MaxAge removes the others.
	entries, _ := filepath.Glob(filepath.Join(cache.Dir(), cacheVersionDir, "*", "*-*"))
	for _, e := range entries {
		os.Chtimes(e, long, long) // used by earlier runs
	}
	start := time.Now()
	res, err := jobs.Hosts(ctx, []string{dir}, robots)
	if err != nil || res.Stats.Cache.Hits != 1 {
		t.Fatalf("after renaming c.log: %v, %+v; want c.log.1 from the cache", err, res.Stats.Cache)
	}
	os.Rename(filepath.Join(dir, "c.log.1"), filepath.Join(t.TempDir(), "c.log.2"))
	if ps, _ := cache.Prune(ctx, logcache.PruneOptions{UsedSince: start}); ps.Kept != 1 || ps.Removed != 1 {
		t.Errorf("prune keeping this run's entries: %+v, want the one used kept, the other removed", ps)
	}
	if ps, _ := cache.Prune(ctx, logcache.PruneOptions{MaxAge: time.Nanosecond}); ps.Kept != 0 || ps.Removed != 1 {
		t.Errorf("prune with a tiny MaxAge: %+v, want the last one removed", ps)
	}
	if left, _ := filepath.Glob(filepath.Join(cache.Dir(), cacheVersionDir, "*")); len(left) != 0 {
		t.Errorf("query directories left empty are still there: %q", left)
	}
}

// Prune survives entries cut short anywhere (a crash, no fsync): no panic;
// an entry cut before its path is removed (one cut later is kept until a
// run finds its checksum wrong and replaces it).
func TestCachePruneShortEntries(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, filepath.Join(dir, "a.log"), cacheLines(0, 70, 1))
	cache := openTestCache(t)
	if _, err := jobs.Hosts(context.Background(), []string{dir}, logscan.ScanOptions{Cache: cache}); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(cache.Dir(), cacheVersionDir, "*", "*-*"))
	data, _ := os.ReadFile(entries[0])
	long := time.Now().Add(-time.Hour)
	for i := range min(len(data), 200) {
		os.MkdirAll(filepath.Dir(entries[0]), 0o700) // an empty query directory is pruned too
		os.WriteFile(entries[0], data[:i], 0o600)
		os.Chtimes(entries[0], long, long)
		ps, err := cache.Prune(context.Background(), logcache.PruneOptions{})
		if err != nil || ps.Kept+ps.Removed != 1 || i < 60 && ps.Removed != 1 {
			t.Fatalf("entry cut to %d bytes: %+v, %v; want it pruned, or kept once its path is whole", i, ps, err)
		}
	}
}

// A file rewritten from its start while it is read leaves no entry: the
// partial would mix its old and new lines.
func TestCacheFileRewrittenWhileRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	appendFile(t, path, cacheLines(0, 2000, 1))
	cache := openTestCache(t)
	rewritten := false
	progress := progressFunc(func(int64) {
		if !rewritten {
			rewritten = true
			os.WriteFile(path+".new", []byte(cacheLines(5000, 7000, 2)), 0o644)
			data, _ := os.ReadFile(path + ".new")
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt(data, 0) // in place, from the start, as dd conv=notrunc
			f.Close()
		}
	})
	res, err := jobs.Hosts(context.Background(), []string{dir}, logscan.ScanOptions{Cache: cache, Progress: progress, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !rewritten || res.Stats.Cache.Stored != 0 {
		t.Errorf("rewritten while read (%v): %+v, want no entry stored", rewritten, res.Stats.Cache)
	}
}

type progressFunc func(int64)

func (progressFunc) Start(int64)   {}
func (f progressFunc) Add(n int64) { f(n) }

// rotatedDay is the file of a rotated directory holding day d (Nov d+1).
var rotatedDay = []string{"access.log.5.gz", "access.log.4.gz", "access.log.3.gz", "access.log.2", "access.log.1", "access.log"}

// writeRotated writes a directory of logs rotated daily, one file a day
// from Nov 1 to Nov 6 2026 (+0100), the oldest gzipped. Times within a
// file are out of order (cacheLine's hour is i%24), every file has
// malformed lines, and day 3's file ends with a line of Nov 3, 23:00 (Apache
// logs a request's start when it ends).
func writeRotated(t *testing.T, dir string) {
	t.Helper()
	for d, name := range rotatedDay {
		text := cacheLines(d*50, d*50+120, d)
		if d == 3 {
			text += cacheLine(23, 2)
		}
		if strings.HasSuffix(name, ".gz") {
			writeGzip(t, filepath.Join(dir, name), text)
		} else if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// nov is a time of November 2026 in the logs' zone.
func nov(day, hour int) time.Time {
	return time.Date(2026, 11, day, hour, 0, 0, 0, time.FixedZone("", 3600))
}

// windowBoth runs Hosts and Count with the window since..until, without
// and with the cache, and fails unless answers and stats are the same
// (counts, rejections, examples, span, stored bytes). It returns, for
// "hosts" and "count", the files the cached run read (not answered by the
// cache) and how many it ruled out by their time range.
func windowBoth(t *testing.T, cache *logcache.Cache, dir string, since, until time.Time) (read map[string][]string, outside map[string]int) {
	t.Helper()
	opts := windowOptions(since, until)
	ctx := context.Background()
	freshH, err := jobs.Hosts(ctx, []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	freshC, err := jobs.Count(ctx, []string{dir}, windowCount, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Cache = cache
	var progress atomic.Int64
	opts.Progress = progressFunc(func(n int64) { progress.Add(n) })
	cachedH, err := jobs.Hosts(ctx, []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := progress.Load(), cachedH.Stats.Stored; got != want {
		t.Errorf("window %v..%v: progress told %d bytes, want %d", since, until, got, want)
	}
	opts.Progress = nil
	cachedC, err := jobs.Count(ctx, []string{dir}, windowCount, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(cachedH.Hosts), fmt.Sprint(freshH.Hosts); got != want {
		t.Errorf("window %v..%v: cached hosts %s, want %s", since, until, got, want)
	}
	if got, want := fmt.Sprint(cachedC.Rows()), fmt.Sprint(freshC.Rows()); got != want {
		t.Errorf("window %v..%v: cached count %s, want %s", since, until, got, want)
	}
	read, outside = map[string][]string{}, map[string]int{}
	for kind, pair := range map[string][2]logscan.Stats{"hosts": {cachedH.Stats, freshH.Stats}, "count": {cachedC.Stats, freshC.Stats}} {
		cached, fresh := pair[0], pair[1]
		if got, want := windowSummary(cached), windowSummary(fresh); got != want {
			t.Errorf("window %v..%v: cached %s stats differ from a fresh run's:\n got %s\nwant %s", since, until, kind, got, want)
		}
		var names []string
		for _, f := range cached.Files {
			if !f.FromCache {
				names = append(names, filepath.Base(f.Path))
			}
		}
		slices.Sort(names)
		read[kind], outside[kind] = names, cached.Cache.OutsideWindow
	}
	return read, outside
}

// windowCount is the count windowBoth runs.
var windowCount = jobs.CountOptions{By: []jobs.CountField{jobs.ByPath, jobs.ByDay}}

// windowOptions filter on a status (a stage tested before the time) and
// the window since..until.
func windowOptions(since, until time.Time) logscan.ScanOptions {
	return logscan.ScanOptions{Filter: filter.Filter{Since: since, Until: until, Statuses: []string{"2xx", "4xx"}}}
}

// windowSummary is summarize with the span, the bytes stored and the lines
// parsed.
func windowSummary(st logscan.Stats) string {
	first, last, ok := st.Span()
	return fmt.Sprintf("%sstored %d parsed %d span %v %v %v", summarize(st), st.Stored, st.Parsed, first, last, ok)
}

// A time-filtered query with a cache reads only the files its window
// overlaps once the cache knows their time ranges, whatever the window:
// a file wholly outside is never read, one wholly inside is read once
// more, under the query without the window, then answered from the cache.
// Answers and stats are those of a run without the cache.
func TestCacheWindowSkipsFiles(t *testing.T) {
	dir := t.TempDir()
	writeRotated(t, dir)
	cache := openTestCache(t)
	all := slices.Sorted(slices.Values(rotatedDay))
	steps := []struct {
		name         string
		since, until time.Time
		change       func()
		read         []string
		outside      int
	}{
		{name: "first run reads every file", since: nov(3, 0), until: nov(5, 0), read: all},
		{name: "same window", since: nov(3, 0), until: nov(5, 0), read: nil, outside: 4},
		{name: "since mid-day", since: nov(3, 12), until: nov(5, 0),
			read: []string{"access.log.2", "access.log.3.gz"}, outside: 4},
		{name: "next day: a late line straddles", since: nov(4, 0), until: nov(6, 0),
			read: []string{"access.log.1", "access.log.2"}, outside: 4},
		{name: "every day inside", since: nov(1, 0), until: nov(7, 0),
			read: []string{"access.log", "access.log.3.gz", "access.log.4.gz", "access.log.5.gz"}},
		{name: "every day inside, again", since: nov(1, 0), until: nov(8, 0), read: nil},
		{name: "before", since: nov(-30, 0), until: nov(1, 0), read: nil, outside: 6},
		{name: "after", since: nov(7, 0), read: nil, outside: 6},
		{name: "until only", until: nov(3, 0), read: nil, outside: 4},
		{name: "appended file resumed", since: nov(6, 0), until: nov(9, 0), read: nil, outside: 5,
			change: func() { appendFile(t, filepath.Join(dir, "access.log"), cacheLines(400, 450, 6)) }},
		{name: "appended line out of range", since: nov(2, 0), until: nov(3, 0),
			read: []string{"access.log"}, outside: 4,
			change: func() { appendFile(t, filepath.Join(dir, "access.log"), cacheLine(7, 1)) }},
		{name: "appended file resumed, then outside", since: nov(1, 0), until: nov(2, 0), read: nil, outside: 5,
			change: func() { appendFile(t, filepath.Join(dir, "access.log"), cacheLines(450, 470, 6)) }},
		{name: "file rewritten", since: nov(5, 0), until: nov(6, 0), read: []string{"access.log", "access.log.1"}, outside: 4,
			change: func() {
				if err := os.WriteFile(filepath.Join(dir, "access.log.1"), []byte(cacheLines(0, 130, 0)), 0o644); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, step := range steps {
		if step.change != nil {
			step.change()
		}
		read, outside := windowBoth(t, cache, dir, step.since, step.until)
		for _, kind := range []string{"hosts", "count"} {
			if fmt.Sprint(read[kind]) != fmt.Sprint(step.read) || outside[kind] != step.outside {
				t.Errorf("%s: %s read %v, %d outside the window; want read %v, %d outside", step.name, kind, read[kind], outside[kind], step.read, step.outside)
			}
		}
	}
}

// A window-free query's entries, written with no time range (Hosts does
// not parse times), gain it when a windowed query reads the files; from
// then on windows are answered from them without reading.
func TestCacheWindowAfterPlainQuery(t *testing.T) {
	dir := t.TempDir()
	writeRotated(t, dir)
	cache := openTestCache(t)
	opts := windowOptions(time.Time{}, time.Time{})
	opts.Cache = cache
	if _, err := jobs.Hosts(context.Background(), []string{dir}, opts); err != nil {
		t.Fatal(err)
	}
	all := slices.Sorted(slices.Values(rotatedDay))
	read, _ := windowBoth(t, cache, dir, nov(3, 0), nov(5, 0))
	if fmt.Sprint(read["hosts"]) != fmt.Sprint(all) {
		t.Errorf("first window: hosts read %v, want %v (no time range known)", read["hosts"], all)
	}
	read, outside := windowBoth(t, cache, dir, nov(2, 0), nov(4, 0))
	// access.log.2 straddles the window's end with its late line.
	if want := []string{"access.log.2"}; fmt.Sprint(read["hosts"]) != fmt.Sprint(want) || outside["hosts"] != 3 {
		t.Errorf("second window: hosts read %v, %d outside; want %v read, 3 outside", read["hosts"], outside["hosts"], want)
	}
	if want := []string{"access.log.2", "access.log.3.gz", "access.log.4.gz"}; fmt.Sprint(read["count"]) != fmt.Sprint(want) {
		t.Errorf("second window: count read %v, want %v (its window-free partials)", read["count"], want)
	}
}

// A format that logs no time gives no range: a windowed query keeps
// reading its files, and answers as a run without the cache does.
func TestCacheWindowNoTimes(t *testing.T) {
	dir := t.TempDir()
	format, err := logparse.Compile(`%h "%r" %>s`)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a.log", "b.log"} {
		text := fmt.Sprintf("192.0.2.%d \"GET / HTTP/1.1\" 200\nnot a line\n", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := openTestCache(t)
	for _, since := range []time.Time{nov(1, 0), nov(2, 0), nov(2, 0)} {
		opts := logscan.ScanOptions{Format: format, Filter: filter.Filter{Since: since}}
		fresh, err := jobs.Hosts(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = cache
		cached, err := jobs.Hosts(context.Background(), []string{dir}, opts)
		if err != nil {
			t.Fatal(err)
		}
		// Stats.Parsed is not kept by an entry with no range: left out.
		cached.Stats.Parsed, fresh.Stats.Parsed = 0, 0
		if got, want := windowSummary(cached.Stats), windowSummary(fresh.Stats); got != want {
			t.Errorf("since %v: cached stats differ from a fresh run's:\n got %s\nwant %s", since, got, want)
		}
		if n := cached.Stats.Cache.OutsideWindow; n != 0 {
			t.Errorf("since %v: %d files ruled out by a time range they do not have", since, n)
		}
	}
}

// BenchmarkCacheWindow is the nightly query: a window of one day over 16
// files rotated daily, run without the cache, and with it the night after
// a run over the day before (every file but the one inside the new window
// skipped; that one read once under the window-free query).
func BenchmarkCacheWindow(b *testing.B) {
	dir := b.TempDir()
	var stored int64
	for d := range 16 {
		var text strings.Builder
		for i := range 10000 {
			text.WriteString(fmt.Sprintf("192.0.2.%d - - [%02d/Nov/2026:%02d:%02d:00 +0100] \"GET /p%d HTTP/1.1\" %d 100 \"-\" \"agent\"\n",
				i%250, d+1, i*24/10000, i%60, i%97, []int{200, 404, 500}[i%3]))
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(text.String()))
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("access.log.%d.gz", 16-d)), buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		stored += int64(buf.Len())
	}
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByHour, jobs.ByPath}, Top: 10, Per: []jobs.CountField{jobs.ByHour}}
	night := func(b *testing.B, cache *logcache.Cache, day int) {
		opts := windowOptions(nov(day, 0), nov(day+1, 0))
		opts.Filter.Statuses, opts.Cache = []string{"500"}, cache
		if _, err := jobs.Count(context.Background(), []string{dir}, co, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("uncached", func(b *testing.B) {
		b.SetBytes(stored)
		b.ReportAllocs()
		for b.Loop() {
			night(b, nil, 15)
		}
	})
	b.Run("next-night", func(b *testing.B) {
		b.SetBytes(stored)
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			cache, err := logcache.Open(filepath.Join(b.TempDir(), "cache"))
			if err != nil {
				b.Fatal(err)
			}
			night(b, cache, 14)
			b.StartTimer()
			night(b, cache, 15)
		}
	})
}
