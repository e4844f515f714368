package logscan_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// seqLine is a combined-format line whose target carries n.
func seqLine(n int) string {
	status := 200
	if n%10 == 0 {
		status = 503
	}
	return fmt.Sprintf(`192.0.2.7 - - [02/Dec/2026:10:00:00 +0000] "GET /seq/%d HTTP/1.1" %d 512 "-" "test"`, n, status)
}

func seqLines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString(seqLine(i) + "\n")
	}
	return b.String()
}

// seqOf returns the sequence number of a line seqLine wrote; -1 if the
// line is not one, whole.
func seqOf(line string) int {
	i := strings.Index(line, "/seq/")
	j := strings.Index(line, " HTTP/1.1")
	if i < 0 || j < i || !strings.HasPrefix(line, "192.0.2.7 ") || !strings.HasSuffix(line, `"test"`) {
		return -1
	}
	n, err := strconv.Atoi(line[i+5 : j])
	if err != nil || seqLine(n) != line {
		return -1
	}
	return n
}

func appendTo(t testing.TB, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// follow runs Follow on a goroutine and sends each line it hands out,
// copied, prefixed by its source's base name and "|" when label.
func follow(t testing.TB, paths []string, opts logscan.FollowOptions, label bool) (<-chan string, *atomic.Int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lines := make(chan string, 200_000)
	done := make(chan struct{})
	ready := make(chan struct{})
	count := new(atomic.Int64)  // lines handed out
	opts.Flush = func() error { // first called once the inputs are open
		select {
		case <-ready:
		default:
			close(ready)
		}
		return nil
	}
	go func() {
		defer close(done)
		defer close(lines)
		for e, err := range logscan.Follow(ctx, paths, opts) {
			if err != nil {
				t.Errorf("Follow: %v", err)
				continue
			}
			s := string(e.Line)
			if label {
				s = filepath.Base(e.Source) + "|" + s
			}
			count.Add(1)
			lines <- s
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-done:
	}
	return lines, count
}

// take waits for n lines; the time limit only guards against a hang.
func take(t *testing.T, lines <-chan string, n int) []string {
	t.Helper()
	var got []string
	limit := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("Follow ended after %d lines, want %d", len(got), n)
			}
			got = append(got, l)
		case <-limit:
			t.Fatalf("got %d lines in 20 s, want %d; last %q", len(got), n, got[max(0, len(got)-3):])
		}
	}
	return got
}

// none checks that no line comes for a while: what should not be handed
// out (a partial line, a re-read) has had a chance to be.
func none(t *testing.T, lines <-chan string, what string) {
	t.Helper()
	select {
	case l := <-lines:
		t.Errorf("%s: got %q, want nothing", what, l)
	case <-time.After(150 * time.Millisecond):
	}
}

func seqs(t *testing.T, lines []string) []int {
	t.Helper()
	out := make([]int, len(lines))
	for i, l := range lines {
		if out[i] = seqOf(l); out[i] < 0 {
			t.Fatalf("line %d is not a whole test line: %q", i, l)
		}
	}
	return out
}

func wantSeq(t *testing.T, got []int, from, to int) {
	t.Helper()
	var want []int
	for i := from; i <= to; i++ {
		want = append(want, i)
	}
	if !slices.Equal(got, want) {
		t.Errorf("sequence = %v, want %d..%d", got, from, to)
	}
}

// watchModes runs each follow test with inotify and with polling.
var watchModes = []struct {
	name string
	opts logscan.FollowOptions
}{
	{"inotify", logscan.FollowOptions{RotateGrace: 200 * time.Millisecond}},
	{"poll", logscan.FollowOptions{Poll: 10 * time.Millisecond, RotateGrace: 200 * time.Millisecond}},
}

func TestFollowRotations(t *testing.T) {
	rotations := []struct {
		name   string
		rotate func(t *testing.T, path string, w *os.File) // w: the writer's open file
	}{
		{"rename-create", func(t *testing.T, path string, w *os.File) {
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			w.WriteString(seqLines(4, 5)) // the server logs on to the old file until it reopens
			appendTo(t, path, "")
		}},
		{"copytruncate", func(t *testing.T, path string, w *os.File) {
			appendTo(t, path+".1", seqLines(1, 3))
			if err := w.Truncate(0); err != nil {
				t.Fatal(err)
			}
			w.WriteString(seqLines(4, 4))
			time.Sleep(100 * time.Millisecond) // logrotate's window: lines logged now may be lost
			w.WriteString(seqLines(5, 5))
		}},
		{"delete-recreate", func(t *testing.T, path string, w *os.File) {
			w.WriteString(seqLines(4, 5))
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			appendTo(t, path, "")
		}},
	}
	for _, mode := range watchModes {
		for _, rot := range rotations {
			t.Run(mode.name+"/"+rot.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "access.log")
				appendTo(t, path, seqLines(1, 2))
				lines, _ := follow(t, []string{path}, mode.opts, false)
				w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				w.WriteString(seqLines(3, 3))
				wantSeq(t, seqs(t, take(t, lines, 1)), 3, 3)
				rot.rotate(t, path, w)
				appendTo(t, path, seqLines(6, 8))
				wantSeq(t, seqs(t, take(t, lines, 5)), 4, 8)
				time.Sleep(300 * time.Millisecond) // past the grace: the old file let go
				none(t, lines, "after the rotation")
			})
		}
	}
}

func TestFollowPartialLine(t *testing.T) {
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "access.log")
			line := seqLine(7)
			appendTo(t, path, line[:20])
			lines, _ := follow(t, []string{path}, mode.opts, false)
			none(t, lines, "a line without its newline")
			appendTo(t, path, line[20:40])
			none(t, lines, "a line without its newline")
			appendTo(t, path, line[40:]+"\n")
			wantSeq(t, seqs(t, take(t, lines, 1)), 7, 7)
		})
	}
}

// TestFollowRotatedAwayFinalLine: a file rotated away with an unterminated
// last line has it handed out once, when its grace ends.
func TestFollowRotatedAwayFinalLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "")
	lines, _ := follow(t, []string{path}, watchModes[1].opts, false)
	appendTo(t, path, seqLines(1, 1)+seqLine(2))
	wantSeq(t, seqs(t, take(t, lines, 1)), 1, 1)
	os.Rename(path, path+".1")
	appendTo(t, path, seqLines(3, 3))
	got := seqs(t, take(t, lines, 2))
	slices.Sort(got)
	wantSeq(t, got, 2, 3)
	none(t, lines, "after the grace")
}

// TestFollowBurst: 100,000 lines written in 4 KiB writes that cut lines
// anywhere, the file rotated (rename-create) 4 times meanwhile: every line
// is handed out exactly once, whole.
func TestFollowBurst(t *testing.T) {
	const n = 100_000
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "access.log")
			appendTo(t, path, "")
			lines, count := follow(t, []string{path}, mode.opts, false)
			writerDone := make(chan error, 1)
			go func() {
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					writerDone <- err
					return
				}
				w := bufio.NewWriterSize(f, 4096)
				for i := 1; i <= n; i++ {
					w.WriteString(seqLine(i) + "\n")
					if i%(n/5) == 0 && i < n { // rotate: rename, then create
						w.Flush()
						f.Close()
						os.Rename(path, fmt.Sprintf("%s.%d", path, i/(n/5)))
						if f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err != nil {
							writerDone <- err
							return
						}
						w.Reset(f)
						// A name rotated twice between two checks has
						// its middle file unread (as with tail -F): the
						// next rotation waits until the new file is seen.
						w.WriteString(seqLine(i+1) + "\n")
						w.Flush()
						for count.Load() < int64(i+1) {
							time.Sleep(time.Millisecond)
						}
						i++
					}
				}
				w.Flush()
				writerDone <- f.Close()
			}()
			got := seqs(t, take(t, lines, n))
			if err := <-writerDone; err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			for i, s := range got {
				if s != i+1 {
					t.Fatalf("sorted sequence[%d] = %d, want %d: a line lost or handed out twice", i, s, i+1)
				}
			}
			none(t, lines, "after the burst")
		})
	}
}

func TestFollowLast(t *testing.T) {
	dir := t.TempDir()
	a, b, gz := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "c.log.1.gz")
	appendTo(t, a, seqLines(1, 50))
	appendTo(t, b, seqLines(101, 104)+"not a log line\n"+seqLines(105, 105))
	f, _ := os.Create(gz)
	zw := gzip.NewWriter(f)
	zw.Write([]byte(seqLines(201, 260)))
	zw.Close()
	f.Close()
	// Another compression: read whole too, not taken for a log's text.
	zst := filepath.Join(dir, "d.log.2.zst")
	enc, _ := zstd.NewWriter(nil)
	if err := os.WriteFile(zst, enc.EncodeAll([]byte(seqLines(301, 320)), nil), 0o644); err != nil {
		t.Fatal(err)
	}
	// A block-sized file: the backward read crosses many blocks.
	big := filepath.Join(dir, "big.log")
	appendTo(t, big, seqLines(1000, 9000))
	status5xx := filter.Filter{Statuses: []string{"5xx"}}
	cases := []struct {
		name  string
		paths []string
		opts  logscan.FollowOptions
		want  []string
	}{
		{"last 3 of each", []string{a, b, gz, zst}, logscan.FollowOptions{Last: 3, Once: true},
			[]string{"a.log|48", "a.log|49", "a.log|50", "b.log|103", "b.log|104", "b.log|-", "b.log|105", "c.log.1.gz|258", "c.log.1.gz|259", "c.log.1.gz|260",
				"d.log.2.zst|318", "d.log.2.zst|319", "d.log.2.zst|320"}},
		{"last 2 matching", []string{a, gz, big}, logscan.FollowOptions{Last: 2, Once: true, Filter: status5xx},
			[]string{"a.log|40", "a.log|50", "c.log.1.gz|250", "c.log.1.gz|260", "big.log|8990", "big.log|9000"}},
		{"more than there are", []string{b}, logscan.FollowOptions{Last: 100, Once: true},
			[]string{"b.log|101", "b.log|102", "b.log|103", "b.log|104", "b.log|-", "b.log|105"}},
		{"all", []string{a}, logscan.FollowOptions{Last: logscan.AllRecords, Once: true, Filter: status5xx},
			[]string{"a.log|10", "a.log|20", "a.log|30", "a.log|40", "a.log|50"}},
		{"a directory's live logs", []string{dir}, logscan.FollowOptions{Last: 1, Once: true},
			[]string{"a.log|50", "b.log|105", "big.log|9000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for e, err := range logscan.Follow(context.Background(), c.paths, c.opts) {
				if err != nil {
					t.Fatal(err)
				}
				n := "-"
				if e.Record != nil {
					n = strconv.Itoa(seqOf(string(e.Line)))
				} else if e.Err == nil || e.Err.Line != 5 || e.Err.File != b {
					t.Errorf("malformed line's Err = %v, want %s:5", e.Err, b)
				}
				got = append(got, filepath.Base(e.Source)+"|"+n)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Follow(%v) = %q, want %q", c.opts, got, c.want)
			}
		})
	}
}

// TestFollowOnceNoInput: with Once, a directory holding no live log, or
// paths that each fail, end with ErrNoInput after the inputs' errors; a
// file read, even an empty one, does not.
func TestFollowOnceNoInput(t *testing.T) {
	dir := t.TempDir()
	empty, missing, log := filepath.Join(dir, "empty"), filepath.Join(dir, "missing.log"), filepath.Join(dir, "a.log")
	os.Mkdir(empty, 0o755)
	appendTo(t, filepath.Join(empty, "old.log.1"), seqLines(1, 2)) // a rotation: not a live log
	appendTo(t, log, "")
	cases := []struct {
		paths []string
		want  []string
	}{
		{[]string{empty}, []string{"ErrNoInput"}},
		{[]string{missing}, []string{missing + ": no such file or directory", "ErrNoInput"}},
		{[]string{missing, log}, []string{missing + ": no such file or directory"}},
		{[]string{log}, nil},
	}
	for _, c := range cases {
		var got []string
		for e, err := range logscan.Follow(context.Background(), c.paths, logscan.FollowOptions{Last: 1, Once: true}) {
			switch {
			case errors.Is(err, logscan.ErrNoInput):
				got = append(got, "ErrNoInput")
			case err != nil:
				got = append(got, err.Error())
			default:
				t.Errorf("Follow(%q) handed out %q", c.paths, e.Line)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Follow(%q, Once) yielded %q, want %q", c.paths, got, c.want)
		}
	}
}

// TestFollowDirectory: a directory's new log is read from its start, a
// rotation appearing beside a followed log (plain or gzip) is not.
func TestFollowDirectory(t *testing.T) {
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			a := filepath.Join(dir, "a.log")
			appendTo(t, a, seqLines(1, 2))
			opts := mode.opts
			opts.Selection.Include = []string{"*.log*"}
			lines, _ := follow(t, []string{dir}, opts, true)
			appendTo(t, a, seqLines(3, 3))
			if got := take(t, lines, 1); got[0] != "a.log|"+seqLine(3) {
				t.Errorf("got %q", got)
			}
			appendTo(t, filepath.Join(dir, "b.log"), seqLines(10, 11))
			appendTo(t, filepath.Join(dir, "skipped.txt"), seqLines(20, 21))
			if got := take(t, lines, 2); !slices.Equal(got, []string{"b.log|" + seqLine(10), "b.log|" + seqLine(11)}) {
				t.Errorf("new file: got %q", got)
			}
			os.Rename(a, a+".1")
			appendTo(t, a+".2.gz", seqLines(30, 31))
			appendTo(t, a, seqLines(4, 4))
			if got := take(t, lines, 1); got[0] != "a.log|"+seqLine(4) {
				t.Errorf("after rotation: got %q", got)
			}
			none(t, lines, "rotations beside the log")
		})
	}
}

// TestFollowCopytruncateRegrown: a file truncated and grown past where it
// was read before a check saw it small is read again from its start, not
// from the middle of a line.
func TestFollowCopytruncateRegrown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "")
	lines, _ := follow(t, []string{path}, logscan.FollowOptions{Poll: 300 * time.Millisecond}, false)
	appendTo(t, path, seqLines(1, 3))
	wantSeq(t, seqs(t, take(t, lines, 3)), 1, 3)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, seqLines(100, 110)) // longer lines: no newline where one was
	wantSeq(t, seqs(t, take(t, lines, 11)), 100, 110)
	none(t, lines, "after the copytruncate")
}

// TestFollowW3C: a W3C log's lines mean something only after its #Fields
// directive, so -n N and -n 0 read the header even when the lines handed
// out are the last ones, and the records come out whole, not malformed.
func TestFollowW3C(t *testing.T) {
	const header = "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-method cs-uri-stem sc-status\n"
	record := func(i int) string {
		return fmt.Sprintf("2024-01-15 08:00:%02d 192.0.2.%d GET /seq/%d 200", i, i, i)
	}
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "u_ex240115.log")
			text := header
			for i := 1; i <= 5; i++ {
				text += record(i) + "\n"
			}
			appendTo(t, path, text)

			opts := mode.opts
			opts.Last, opts.Once = 2, true
			var got []string
			for e, err := range logscan.Follow(context.Background(), []string{path}, opts) {
				if err != nil || e.Record == nil {
					t.Fatalf("-n 2: %q: record %v, error %v, want a record", e.Line, e.Record, err)
				}
				got = append(got, string(e.Record.Target))
			}
			if want := []string{"/seq/4", "/seq/5"}; !slices.Equal(got, want) {
				t.Errorf("-n 2: targets %q, want %q", got, want)
			}

			opts = mode.opts
			// A line parsed without the header is malformed, and handed
			// out whatever the filter.
			opts.Filter = filter.Filter{Paths: []string{"/seq/7"}}
			lines, _ := follow(t, []string{path}, opts, false)
			none(t, lines, "-n 0: the lines already there")
			appendTo(t, path, record(6)+"\n"+record(7)+"\n")
			if got := take(t, lines, 1); got[0] != record(7) {
				t.Errorf("-f: got %q, want %q", got[0], record(7))
			}
			none(t, lines, "-f: a line the filter leaves out")
		})
	}
}

// TestFollowNewSubdirectory: a directory's subdirectory created while
// following (a new vhost's log directory) has its logs followed, and
// every line appended to them handed out, with inotify as with polling.
func TestFollowNewSubdirectory(t *testing.T) {
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			appendTo(t, filepath.Join(dir, "a.log"), seqLines(1, 1))
			lines, _ := follow(t, []string{dir}, mode.opts, false)
			sub := filepath.Join(dir, "vhost", "logs")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			b := filepath.Join(sub, "b.log")
			appendTo(t, b, seqLines(10, 11))
			wantSeq(t, seqs(t, take(t, lines, 2)), 10, 11)
			appendTo(t, b, seqLines(12, 12))
			wantSeq(t, seqs(t, take(t, lines, 1)), 12, 12)
		})
	}
}

// TestFollowIgnore: a file of FollowOptions.Ignore (the output) is never
// read, found in a directory or named; the other logs are followed.
func TestFollowIgnore(t *testing.T) {
	dir := t.TempDir()
	a, out := filepath.Join(dir, "a.log"), filepath.Join(dir, "out.log")
	appendTo(t, a, seqLines(1, 1))
	appendTo(t, out, seqLines(100, 100))
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	opts := logscan.FollowOptions{Ignore: []fs.FileInfo{info}, Last: logscan.AllRecords}
	lines, _ := follow(t, []string{dir}, opts, false)
	wantSeq(t, seqs(t, take(t, lines, 1)), 1, 1)
	appendTo(t, out, seqLines(101, 101))
	appendTo(t, a, seqLines(2, 2))
	wantSeq(t, seqs(t, take(t, lines, 1)), 2, 2)
	none(t, lines, "the ignored file")

	opts.Once = true
	var errs []error
	for e, err := range logscan.Follow(context.Background(), []string{out}, opts) {
		if err == nil {
			t.Errorf("Follow(%s) handed out %q, an ignored file's line", out, e.Line)
		}
		errs = append(errs, err)
	}
	// No file read: ErrNoInput comes last.
	if len(errs) != 2 || !errors.Is(errs[0], logscan.ErrIgnored) || !strings.Contains(errs[0].Error(), out) || !errors.Is(errs[1], logscan.ErrNoInput) {
		t.Errorf("Follow of the ignored %s: errors %v, want one naming it, wrapping ErrIgnored, then ErrNoInput", out, errs)
	}
}

// TestFollowRecycledInode: a new file of a followed directory that takes
// the inode of a followed file since deleted (file systems reuse them at
// once) is a new log, followed, while a followed file renamed to a name
// that is not a rotation's is still not read again.
func TestFollowRecycledInode(t *testing.T) {
	for _, mode := range watchModes {
		t.Run(mode.name, func(t *testing.T) {
			dir := t.TempDir()
			a := filepath.Join(dir, "a.log")
			appendTo(t, a, seqLines(1, 2))
			opts := mode.opts
			opts.Last = logscan.AllRecords
			lines, _ := follow(t, []string{dir}, opts, true)
			take(t, lines, 2)
			os.Rename(a, a+"-2026-12-01") // a dateext rotation, with no new a.log
			appendTo(t, a+"-2026-12-01", seqLines(3, 3))
			if got := take(t, lines, 1); got[0] != "a.log|"+seqLine(3) {
				t.Errorf("a line logged after the rotation: got %q", got)
			}
			none(t, lines, "a rotation beside the log")
			time.Sleep(opts.RotateGrace) // the rotation's grace ends: it is closed
			none(t, lines, "a rotation closed")
			os.Remove(a + "-2026-12-01") // its inode is free
			b := filepath.Join(dir, "b.log")
			appendTo(t, b, seqLines(10, 11))
			if got := take(t, lines, 2); !slices.Equal(got, []string{"b.log|" + seqLine(10), "b.log|" + seqLine(11)}) {
				t.Errorf("a new file: got %q", got)
			}
		})
	}
}

// TestFollowUnreadable: a file or subdirectory of a followed directory
// that cannot be read is named, once, as ScanLogs names it, and the other
// logs are read.
func TestFollowUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	appendTo(t, filepath.Join(dir, "a.log"), seqLines(1, 1))
	secret, locked := filepath.Join(dir, "secret.log"), filepath.Join(dir, "locked")
	appendTo(t, secret, seqLines(2, 2))
	os.Mkdir(locked, 0o755)
	appendTo(t, filepath.Join(locked, "b.log"), seqLines(3, 3))
	os.Chmod(secret, 0)
	os.Chmod(locked, 0)
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	var lines, failed []string
	opts := logscan.FollowOptions{Last: logscan.AllRecords, Once: true}
	for e, err := range logscan.Follow(context.Background(), []string{dir}, opts) {
		var ie *mapreduce.InputError
		switch {
		case errors.As(err, &ie):
			failed = append(failed, ie.Input)
		case err != nil:
			t.Fatal(err)
		default:
			lines = append(lines, string(e.Line))
		}
	}
	slices.Sort(failed)
	if want := []string{locked, secret}; !slices.Equal(failed, want) || !slices.Equal(lines, []string{seqLine(1)}) {
		t.Errorf("Follow(%s): failed %q, lines %q; want failed %q and line 1", dir, failed, lines, want)
	}
}
