package main

import (
	"compress/gzip"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
)

// TestCacheLogrotateWeek runs a week and more of logrotate (daily, rotate 7,
// compress, delaycompress, create; one day copytruncate) over a log
// directory, with the live log growing between runs, and after every step
// proves that a run with --cache prints exactly what a run without it
// prints, with the same per-file and total counts, and that it read only
// the files it had to: each unchanged file (renamed or not) comes from the
// cache, a grown live log is resumed where it ended, and everything else
// (new, compressed, truncated, caught mid-line, its format not settled, a
// damaged entry) is read in full. Two queries share the cache, their runs
// an hour apart (entry times are set back before each run), and entries of
// deleted files are pruned.
func TestCacheLogrotateWeek(t *testing.T) {
	s := newCacheSim(t)
	for day := 1; day <= 9; day++ {
		if day == 8 {
			// Too few lines to settle the format: the next run reads it all.
			s.appendLines(20)
			s.check("day 8: a few lines, the format not settled")
		}
		s.appendLines(100 + s.rng.IntN(50))
		s.check(fmt.Sprintf("day %d: lines appended", day))
		s.appendLines(50 + s.rng.IntN(50))
		s.check(fmt.Sprintf("day %d: the live log grew", day))
		s.holdDeleted = day%2 == 0
		switch day {
		case 3:
			// The writer is caught in the middle of a line, then finishes it.
			line := s.line() + "\n"
			cut := 1 + s.rng.IntN(len(line)-2)
			s.write("access.log", line[:cut])
			s.files["access.log"].midLine = true
			s.check("day 3: the live log ends mid-line")
			s.write("access.log", line[cut:])
			live := s.files["access.log"]
			live.midLine = false
			live.lines++
			s.appendLines(30)
			s.check("day 3: the line completed, more appended")
		case 4:
			s.corruptEntries("access.log.3.gz")
			s.check("day 4: an entry damaged on disk")
		case 5:
			s.rename("access.log.1", "access.log.1.moved")
			s.check("day 5: access.log.1 renamed")
			s.rename("access.log.1.moved", "access.log.1")
			s.check("day 5: access.log.1 renamed back")
		}
		if day == 6 {
			had := s.size("access.log")
			s.rotate(true)
			for s.size("access.log") <= had {
				s.appendLines(50)
			}
			s.check("day 6: copytruncate, then more bytes than it had")
		} else {
			s.rotate(false)
			s.check(fmt.Sprintf("day %d: rotated", day))
		}
	}
	if tag, err := os.ReadFile(filepath.Join(s.cache, "CACHEDIR.TAG")); err != nil ||
		!strings.HasPrefix(string(tag), "Signature: 8a477f597d28d172789f06886806bc55") {
		t.Errorf("CACHEDIR.TAG = %q, %v; want a cache directory tag", tag, err)
	}
}

// cacheQueries are the queries compared; they share one cache directory.
var cacheQueries = [][]string{
	{"hosts", "--path", "/robots.txt"},
	{"count", "--by", "host,day"},
}

// cacheSim is a log directory under logrotate, and what the test knows of
// each of its files: from that alone it predicts what a cached run reads.
type cacheSim struct {
	t     *testing.T
	dir   string // the logs
	cache string // --cache
	rng   *rand.Rand
	clock time.Time // of the last line written
	hosts []string
	files map[string]*simFile // by name in dir
	// holdDeleted keeps deleted files open, in held, until the next check
	// is over: their inodes cannot be reused, and the pruning of their
	// entries shows. Without, a new file may take the inode of one just
	// deleted (tmpfs and ext4 reuse them at once), and must not be
	// answered from the stale entry.
	holdDeleted bool
	held        []*os.File
}

type simFile struct {
	lines   int  // whole lines in it
	midLine bool // it ends with part of a line
	gz      bool
	change  fileChange // since the last run
	corrupt bool       // its entries were damaged since the last run
	// resumable: the last run that read it left entries that a run can
	// resume when it grows: plain text, ending with a newline, its format
	// detected from full sample lines.
	resumable  bool
	cachedSize int64 // its size at the last run that read it
}

type fileChange int

const (
	unchanged fileChange = iota
	grown                // bytes appended, none changed
	rewritten            // new, truncated, or its bytes changed
)

// readMode is how a cached run should take a file.
type readMode int

const (
	fromCache readMode = iota
	resumed
	readInFull
)

func newCacheSim(t *testing.T) *cacheSim {
	s := &cacheSim{t: t, dir: t.TempDir(), cache: filepath.Join(t.TempDir(), "cache"),
		rng: rand.New(rand.NewPCG(7, 11)), clock: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		files: map[string]*simFile{}}
	for i := range 40 {
		s.hosts = append(s.hosts, fmt.Sprintf("192.0.2.%d", 10+i))
	}
	for i := range 20 {
		s.hosts = append(s.hosts, fmt.Sprintf("2001:db8::%x", 0xa0+i))
	}
	s.create("access.log")
	return s
}

// line returns a log line, without its newline, a few malformed.
func (s *cacheSim) line() string {
	s.clock = s.clock.Add(time.Duration(1+s.rng.IntN(480)) * time.Second)
	path := []string{"/", "/index.html", "/img/logo.png", "/feed.xml", "/robots.txt"}[s.rng.IntN(5)]
	if path == "/robots.txt" && s.rng.IntN(3) > 0 {
		path = "/about.html" // fewer robots hits: fewer hosts per file
	}
	status := []int{200, 200, 200, 304, 404, 500}[s.rng.IntN(6)]
	line := fmt.Sprintf(`%s - - [%s] "GET %s HTTP/1.1" %d %d "-" "agent/%d"`,
		s.hosts[s.rng.IntN(len(s.hosts))], s.clock.Format("02/Jan/2006:15:04:05 -0700"),
		path, status, s.rng.IntN(10000), s.rng.IntN(3))
	switch s.rng.IntN(50) {
	case 0:
		return line[:len(line)-1] // unterminated quote
	case 1:
		return "this is not an access log line"
	}
	return line
}

func (s *cacheSim) size(name string) int64 {
	s.t.Helper()
	info, err := os.Stat(filepath.Join(s.dir, name))
	if err != nil {
		s.t.Fatal(err)
	}
	return info.Size()
}

func (s *cacheSim) write(name, text string) {
	s.t.Helper()
	f, err := os.OpenFile(filepath.Join(s.dir, name), os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.t.Fatal(err)
	}
	if sf := s.files[name]; sf.change == unchanged {
		sf.change = grown
	}
}

// appendLines appends n whole lines to the live log.
func (s *cacheSim) appendLines(n int) {
	s.t.Helper()
	var b strings.Builder
	for range n {
		b.WriteString(s.line() + "\n")
	}
	s.write("access.log", b.String())
	s.files["access.log"].lines += n
}

func (s *cacheSim) create(name string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), nil, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.files[name] = &simFile{change: rewritten}
}

func (s *cacheSim) rename(from, to string) {
	s.t.Helper()
	if err := os.Rename(filepath.Join(s.dir, from), filepath.Join(s.dir, to)); err != nil {
		s.t.Fatal(err)
	}
	s.files[to] = s.files[from]
	delete(s.files, from)
}

// rotate does what logrotate does with daily, rotate 7, compress,
// delaycompress, and create or copytruncate.
func (s *cacheSim) rotate(copytruncate bool) {
	s.t.Helper()
	if s.files["access.log.7.gz"] != nil {
		s.remove("access.log.7.gz")
	}
	for n := 6; n >= 2; n-- {
		if name := fmt.Sprintf("access.log.%d.gz", n); s.files[name] != nil {
			s.rename(name, fmt.Sprintf("access.log.%d.gz", n+1))
		}
	}
	if old := s.files["access.log.1"]; old != nil {
		s.gzip("access.log.1", "access.log.2.gz")
		s.files["access.log.2.gz"] = &simFile{lines: old.lines, gz: true, change: rewritten}
	}
	live := s.files["access.log"]
	if !copytruncate {
		s.rename("access.log", "access.log.1")
		s.create("access.log")
		return
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "access.log"))
	if err == nil {
		err = os.WriteFile(filepath.Join(s.dir, "access.log.1"), data, 0o644)
	}
	if err == nil {
		err = os.Truncate(filepath.Join(s.dir, "access.log"), 0) // in place: the same inode
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.files["access.log.1"] = &simFile{lines: live.lines, midLine: live.midLine, change: rewritten}
	*live = simFile{change: rewritten}
}

// gzip compresses from into a new file to, and removes from.
func (s *cacheSim) gzip(from, to string) {
	s.t.Helper()
	data, err := os.ReadFile(filepath.Join(s.dir, from))
	if err != nil {
		s.t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(s.dir, to))
	if err != nil {
		s.t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	_, err = zw.Write(data)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.remove(from)
}

// remove deletes a file; with holdDeleted it keeps it open until the next
// check is over, so that no file created meanwhile can take its inode.
func (s *cacheSim) remove(name string) {
	s.t.Helper()
	path := filepath.Join(s.dir, name)
	if s.holdDeleted {
		f, err := os.Open(path)
		if err != nil {
			s.t.Fatal(err)
		}
		s.held = append(s.held, f)
	}
	if err := os.Remove(path); err != nil {
		s.t.Fatal(err)
	}
	delete(s.files, name)
}

// queryDirs returns the cache's query directories.
func (s *cacheSim) queryDirs() []string {
	dirs, _ := filepath.Glob(filepath.Join(s.cache, "v1", "*", "query"))
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	return dirs
}

// entries returns the entry files of a query directory.
func entries(dir string) []string {
	des, _ := os.ReadDir(dir)
	var names []string
	for _, de := range des {
		if de.Name() != "query" && !strings.HasPrefix(de.Name(), ".tmp-") {
			names = append(names, filepath.Join(dir, de.Name()))
		}
	}
	return names
}

// corruptEntries flips a byte in the middle of name's entry of every query.
func (s *cacheSim) corruptEntries(name string) {
	s.t.Helper()
	info, err := os.Stat(filepath.Join(s.dir, name))
	if err != nil {
		s.t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	dirs := s.queryDirs()
	if len(dirs) != len(cacheQueries) {
		s.t.Fatalf("%d query directories in the cache, want %d", len(dirs), len(cacheQueries))
	}
	for _, dir := range dirs {
		entry := filepath.Join(dir, fmt.Sprintf("%x-%x", uint64(st.Dev), uint64(st.Ino)))
		data, err := os.ReadFile(entry)
		if err != nil {
			s.t.Fatalf("the entry of %s: %v", name, err)
		}
		data[len(data)/2] ^= 0x20
		if err := os.WriteFile(entry, data, 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
	s.files[name].corrupt = true
}

// ageEntries makes every entry look last used an hour ago, as when runs
// are apart: a run's pruning then sees only what it used as recent.
func (s *cacheSim) ageEntries() {
	then := time.Now().Add(-time.Hour)
	for _, dir := range s.queryDirs() {
		for _, e := range entries(dir) {
			os.Chtimes(e, then, then)
		}
	}
}

type cacheCounts struct{ hits, resumed, full, unusable, saved int }

var (
	cacheLineRE = regexp.MustCompile(`(?m)^logmr: cache: (\d+) files from the cache, (\d+) resumed where they ended, ` +
		`(\d+) read in full \((\d+) unusable entries\), (\d+) entries saved$`)
	fileLineRE = regexp.MustCompile(`(?m)^logmr: file (.+): (\d+ lines(?: \(\d+ parsed\))?, \d+ malformed, \d+ bytes)` +
		`(, from the cache|, its first (\d+) bytes from the cache)?(?:, inflated by \S+)?(?:, format \S+)?, [0-9.]+s$`)
	summaryRE = regexp.MustCompile(`(?m)^logmr: (\d+ files, .* malformed.*) in [0-9.]+s: .* read, .* of text$`)
)

// perFile returns the -v lines about each file, by name, without times.
func perFile(stderr string) map[string][]string {
	files := map[string][]string{}
	for _, m := range fileLineRE.FindAllStringSubmatch(stderr, -1) {
		files[filepath.Base(m[1])] = m[2:]
	}
	return files
}

// check runs each query with and without the cache and compares: the
// output, the counts, and what was read against what the sim expects.
func (s *cacheSim) check(step string) {
	t := s.t
	t.Helper()
	modes := map[string]readMode{}
	var want cacheCounts
	for name, f := range s.files {
		switch {
		case f.corrupt:
			modes[name] = readInFull
			want.unusable++
		case f.change == unchanged:
			modes[name] = fromCache
		case f.change == grown && f.resumable:
			modes[name] = resumed
		default:
			modes[name] = readInFull
		}
		switch modes[name] {
		case fromCache:
			want.hits++
		case resumed:
			want.resumed++
			want.saved++
		case readInFull:
			want.full++
			want.saved++
		}
	}
	for _, q := range cacheQueries {
		s.ageEntries()
		args := append(slices.Clone(q), "-j", "2", "-v", s.dir)
		cached := run(t, nil, append(args, "--cache", s.cache)...)
		fresh := run(t, nil, args...)
		if cached.code != 0 || fresh.code != 0 || cached.stdout != fresh.stdout {
			t.Errorf("%s: logmr %s: with --cache exit %d, printed\n%s\nwithout: exit %d, printed\n%s\nwant exit 0 and the same",
				step, strings.Join(q, " "), cached.code, cached.stdout, fresh.code, fresh.stdout)
		}
		gotSum, wantSum := summaryRE.FindStringSubmatch(cached.stderr), summaryRE.FindStringSubmatch(fresh.stderr)
		if gotSum == nil || wantSum == nil || gotSum[1] != wantSum[1] {
			t.Errorf("%s: logmr %s: summary with --cache %q, without %q; want the same", step, q[0], gotSum, wantSum)
		}
		m := cacheLineRE.FindStringSubmatch(cached.stderr)
		if m == nil {
			t.Errorf("%s: logmr %s --cache -v: no cache line in stderr %q", step, q[0], cached.stderr)
			continue
		}
		n := make([]int, 5)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		if got := (cacheCounts{n[0], n[1], n[2], n[3], n[4]}); got != want {
			t.Errorf("%s: logmr %s: cache counts (hits, resumed, full, unusable, saved) = %v, want %v",
				step, q[0], got, want)
		}
		gotFiles, wantFiles := perFile(cached.stderr), perFile(fresh.stderr)
		if len(wantFiles) != len(s.files) {
			t.Errorf("%s: logmr %s -v without --cache named %d files, want %d", step, q[0], len(wantFiles), len(s.files))
		}
		for _, name := range slices.Sorted(maps.Keys(s.files)) {
			got := gotFiles[name]
			if got == nil || wantFiles[name] == nil || got[0] != wantFiles[name][0] {
				t.Errorf("%s: logmr %s: %s: with --cache %q, without %q; want the same", step, q[0], name, got, wantFiles[name])
				continue
			}
			info, _ := os.Stat(filepath.Join(s.dir, name))
			f := s.files[name]
			var wantHow string
			switch modes[name] {
			case fromCache:
				wantHow = ", from the cache"
			case resumed:
				wantHow = fmt.Sprintf(", its first %d bytes from the cache", f.cachedSize)
			}
			if got[1] != wantHow {
				t.Errorf("%s: logmr %s: %s (%d bytes, was %d) read with %q, want %q",
					step, q[0], name, info.Size(), f.cachedSize, got[1], wantHow)
			}
		}
		s.checkEntries(step, q)
	}
	for _, f := range s.held {
		f.Close()
	}
	s.held = nil
	for name, f := range s.files {
		if modes[name] != fromCache {
			info, _ := os.Stat(filepath.Join(s.dir, name))
			f.cachedSize = info.Size()
			f.resumable = !f.gz && !f.midLine && f.lines >= logparse.DetectLines
		}
		f.change, f.corrupt = unchanged, false
	}
}

// checkEntries checks that the query keeps one entry per log file, no
// more: those of files deleted or replaced are pruned.
func (s *cacheSim) checkEntries(step string, query []string) {
	t := s.t
	t.Helper()
	for _, dir := range s.queryDirs() {
		desc, _ := os.ReadFile(filepath.Join(dir, "query"))
		if !strings.Contains(string(desc), fmt.Sprintf("\naggregate %q", query[0])) &&
			!strings.Contains(string(desc), fmt.Sprintf("\naggregate \"%s ", query[0])) {
			continue // another query's
		}
		if got := entries(dir); len(got) != len(s.files) {
			t.Errorf("%s: after logmr %s: %d entries for its query, want one per log file, %d",
				step, query[0], len(got), len(s.files))
		}
		return
	}
	t.Errorf("%s: after logmr %s: no directory for its query in the cache", step, query[0])
}
