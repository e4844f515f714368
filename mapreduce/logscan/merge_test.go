package logscan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
)

// logLine is a combined-format line of host at t, logged in t's offset.
func logLine(host string, t time.Time, path string) string {
	return fmt.Sprintf(`%s - - [%s] "GET %s HTTP/1.1" 200 5 "-" "test"`, host, t.Format("02/Jan/2006:15:04:05 -0700"), path)
}

// writeLines writes lines as a file (gzip when the name ends in .gz).
func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	text := strings.Join(lines, "\n") + "\n"
	if strings.HasSuffix(path, ".gz") {
		writeGzip(t, path, text)
		return
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mergeAll reads a whole Merge: its lines, each prefixed with its
// source's base name when label is set.
func mergeAll(t *testing.T, paths []string, opts MergeOptions, label bool) ([]string, MergeStats, error) {
	t.Helper()
	m := Merge(context.Background(), paths, opts)
	defer m.Close()
	var out []string
	for m.Next() {
		e := m.Entry()
		s := string(e.Line)
		if label {
			s = filepath.Base(e.Source) + ": " + s
		}
		if e.Record == nil && e.Err == nil {
			t.Errorf("%s: entry with neither a record nor an error", s)
		}
		out = append(out, s)
	}
	return out, m.Stats(), m.Err()
}

// referenceOrder is the merge by time done the slow, obvious way: every
// line's time parsed with time.Parse, a stable sort by instant, then
// input, then line.
func referenceOrder(t *testing.T, inputs [][]string) []string {
	type ref struct {
		at   time.Time
		in   int
		line string
	}
	var all []ref
	for i, lines := range inputs {
		for _, l := range lines {
			open, close := strings.IndexByte(l, '['), strings.IndexByte(l, ']')
			at, err := time.Parse("02/Jan/2006:15:04:05 -0700", l[open+1:close])
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ref{at, i, l})
		}
	}
	slices.SortStableFunc(all, func(a, b ref) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.in, b.in))
	})
	var out []string
	for _, r := range all {
		out = append(out, r.line)
	}
	return out
}

var mergeBase = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func TestMergeSortTimeInterleaved(t *testing.T) {
	dir := t.TempDir()
	var inputs [][]string
	var paths []string
	for i := range 3 {
		var lines []string
		for j := range 200 {
			// Steps of 1, 2 and 3 seconds: many ties across inputs.
			lines = append(lines, logLine(fmt.Sprintf("10.0.0.%d", i), mergeBase.Add(time.Duration(j*(i+1))*time.Second), fmt.Sprintf("/%d/%d", i, j)))
		}
		inputs = append(inputs, lines)
		path := filepath.Join(dir, fmt.Sprintf("server%d.log", i))
		writeLines(t, path, lines)
		paths = append(paths, path)
	}
	got, st, err := mergeAll(t, paths, MergeOptions{SortByTime: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := referenceOrder(t, inputs); !slices.Equal(got, want) {
		t.Errorf("Merge by time: %d lines, want %d in reference order; first difference at %d", len(got), len(want), firstLineDiff(got, want))
	}
	if st.Inputs != 3 || st.Matched != 600 || st.Late != 0 {
		t.Errorf("Stats: %d inputs, %d matched, %d late; want 3, 600, 0", st.Inputs, st.Matched, st.Late)
	}
}

func firstLineDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestMergeSortTimeMixedOffsets(t *testing.T) {
	dir := t.TempDir()
	paris, newYork := time.FixedZone("", 3600), time.FixedZone("", -5*3600)
	var a, b []string
	for j := range 50 {
		a = append(a, logLine("192.0.2.1", mergeBase.Add(time.Duration(2*j)*time.Second).In(paris), fmt.Sprintf("/a%d", j)))
		b = append(b, logLine("192.0.2.2", mergeBase.Add(time.Duration(2*j+1)*time.Second).In(newYork), fmt.Sprintf("/b%d", j)))
	}
	writeLines(t, filepath.Join(dir, "a.log"), a)
	writeLines(t, filepath.Join(dir, "b.log"), b)
	got, _, err := mergeAll(t, []string{filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")}, MergeOptions{SortByTime: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range got {
		want := fmt.Sprintf("/a%d ", i/2)
		if i%2 == 1 {
			want = fmt.Sprintf("/b%d ", i/2)
		}
		if !strings.Contains(line, want) {
			t.Fatalf("line %d = %q, want the one with %q: +0100 and -0500 lines alternate by instant", i, line, want)
		}
	}
	if len(got) != 100 {
		t.Errorf("%d lines, want 100", len(got))
	}
}

func TestMergeRotatedChain(t *testing.T) {
	dir := t.TempDir()
	web2 := filepath.Join(dir, "web2")
	os.Mkdir(web2, 0o755)
	// access.log.3.gz holds the oldest lines, access.log the newest.
	names := []string{"access.log.3.gz", "access.log.2.gz", "access.log.1", "access.log"}
	var chain []string
	for k, name := range names {
		var lines []string
		for j := range 30 {
			lines = append(lines, logLine("192.0.2.7", mergeBase.Add(time.Duration(k*100+j)*time.Second), fmt.Sprintf("/%s/%d", name, j)))
		}
		writeLines(t, filepath.Join(dir, name), lines)
		chain = append(chain, lines...)
	}
	var other []string
	for j := range 40 {
		other = append(other, logLine("192.0.2.8", mergeBase.Add(time.Duration(j*10)*time.Second+time.Second/2), fmt.Sprintf("/web2/%d", j)))
	}
	writeLines(t, filepath.Join(web2, "access.log"), other)
	for _, window := range []time.Duration{0, -1} {
		t.Run(fmt.Sprint("window ", window), func(t *testing.T) {
			// The directory is walked in lexical order: access.log
			// first, the oldest last.
			got, st, err := mergeAll(t, []string{dir}, MergeOptions{SortByTime: true, Window: window}, false)
			if err != nil {
				t.Fatal(err)
			}
			if want := referenceOrder(t, [][]string{chain, other}); !slices.Equal(got, want) {
				t.Errorf("Merge of a rotated chain: first difference at line %d of %d", firstLineDiff(got, want), len(want))
			}
			if st.Inputs != 5 || st.Late != 0 {
				t.Errorf("Stats: %d inputs, %d late; want 5, 0", st.Inputs, st.Late)
			}
		})
	}
}

func TestChainsOrder(t *testing.T) {
	inputs := []Input{{Path: "d/access.log"}, {Path: "d/access.log.1"}, {Path: "d/access.log.10.gz"}, {Path: "d/access.log.2.gz"},
		{Path: "d/error.log"}, {Path: "e/access.log"}, {Path: "d/other.log-20261201.gz"}, {Path: "d/other.log-20261130"}, {Path: "d/other.log"},
		{Path: "z/access.log"}, {Path: "z/access.log.3.xz"}, {Path: "z/access.log.2.zst"}, {Path: "z/access.log.1"}}
	var got []string
	for _, c := range chains(inputs) {
		var names []string
		for _, in := range c {
			names = append(names, in.Path)
		}
		got = append(got, strings.Join(names, " "))
	}
	want := []string{"d/access.log.10.gz d/access.log.2.gz d/access.log.1 d/access.log", "d/error.log", "e/access.log",
		"d/other.log-20261130 d/other.log-20261201.gz d/other.log", "z/access.log.3.xz z/access.log.2.zst z/access.log.1 z/access.log"}
	if !slices.Equal(got, want) {
		t.Errorf("chains:\n%q\nwant\n%q", got, want)
	}
}

func TestMergeWindow(t *testing.T) {
	dir := t.TempDir()
	at := func(s int) time.Time { return mergeBase.Add(time.Duration(s) * time.Second) }
	lines := []string{
		logLine("192.0.2.1", at(0), "/0"),
		logLine("192.0.2.1", at(10), "/10"),
		logLine("192.0.2.1", at(7), "/7-within"), // 3 s late: within 5 s
		logLine("192.0.2.1", at(20), "/20"),
		logLine("192.0.2.1", at(30), "/30"),      // /20 goes out: it is 10 s older
		logLine("192.0.2.1", at(11), "/11-late"), // 19 s late: past the window, after /20
		logLine("192.0.2.1", at(31), "/31"),
	}
	path := filepath.Join(dir, "a.log")
	writeLines(t, path, lines)
	got, st, err := mergeAll(t, []string{path}, MergeOptions{SortByTime: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range got {
		paths = append(paths, strings.Fields(l)[6])
	}
	want := []string{"/0", "/7-within", "/10", "/20", "/11-late", "/30", "/31"}
	if !slices.Equal(paths, want) {
		t.Errorf("order %q, want %q", paths, want)
	}
	if st.MaxLag != 19*time.Second {
		t.Errorf("MaxLag = %v, want 19s (/11 after /30)", st.MaxLag)
	}
	if st.Late != 1 || len(st.LateExamples) != 1 || st.LateExamples[0].Line != 6 || st.LateExamples[0].Behind != 9*time.Second {
		t.Errorf("Late = %d, examples %+v; want 1, line 6, 9s behind (/20 went out before it)", st.Late, st.LateExamples)
	}
}

func TestMergeKeepMalformed(t *testing.T) {
	dir := t.TempDir()
	a := []string{logLine("192.0.2.1", mergeBase, "/a0"), "garbage a", logLine("192.0.2.1", mergeBase.Add(2*time.Second), "/a2")}
	b := []string{logLine("192.0.2.2", mergeBase.Add(time.Second), "/b1"), logLine("192.0.2.2", mergeBase.Add(3*time.Second), "/b3")}
	writeLines(t, filepath.Join(dir, "a.log"), a)
	writeLines(t, filepath.Join(dir, "b.log"), b)
	paths := []string{filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")}
	for _, keep := range []bool{false, true} {
		m := Merge(context.Background(), paths, MergeOptions{SortByTime: true, KeepMalformed: keep})
		var got []string
		for m.Next() {
			e := m.Entry()
			if e.Err != nil {
				if e.Record != nil || e.Err.Line != 2 || !strings.HasSuffix(e.Err.File, "a.log") {
					t.Errorf("malformed entry: Record %v, Err %v; want nil, a.log:2", e.Record, e.Err)
				}
				got = append(got, "!"+string(e.Line))
				continue
			}
			got = append(got, strings.Fields(string(e.Line))[6])
		}
		m.Close()
		want := []string{"/a0", "/b1", "/a2", "/b3"}
		if keep {
			// A line without a time stays right after the line before it.
			want = []string{"/a0", "!garbage a", "/b1", "/a2", "/b3"}
		}
		if !slices.Equal(got, want) || m.Err() != nil || m.Stats().Malformed != 1 {
			t.Errorf("KeepMalformed %v: %q, err %v, %d malformed; want %q, nil, 1", keep, got, m.Err(), m.Stats().Malformed, want)
		}
	}
}

func TestMergeFilterAndInputOrder(t *testing.T) {
	dir := t.TempDir()
	var a, b []string
	for j := range 3000 {
		a = append(a, logLine("192.0.2.1", mergeBase.Add(time.Duration(j)*time.Second), fmt.Sprintf("/a/%d", j)))
		b = append(b, logLine("192.0.2.2", mergeBase.Add(time.Duration(j)*time.Second-time.Hour), fmt.Sprintf("/b/%d", j)))
	}
	writeLines(t, filepath.Join(dir, "b.log"), b)
	writeLines(t, filepath.Join(dir, "a.log.gz"), a)
	paths := []string{filepath.Join(dir, "a.log.gz"), filepath.Join(dir, "b.log")}
	// Unsorted: input order, each whole, however many workers.
	for _, workers := range []int{1, 2, 8} {
		got, _, err := mergeAll(t, paths, MergeOptions{ScanOptions: ScanOptions{Workers: workers}}, false)
		if err != nil || !slices.Equal(got, append(slices.Clip(a), b...)) {
			t.Errorf("-j %d unsorted: %d lines, err %v; want a's then b's, %d", workers, len(got), err, len(a)+len(b))
		}
	}
	// A filter applies, whether the prefilter searches or not.
	for _, all := range []bool{false, true} {
		opts := MergeOptions{SortByTime: true, ScanOptions: ScanOptions{Filter: filter.Filter{Hosts: []string{"192.0.2.2"}, PathPrefixes: []string{"/b/1"}}, CheckAllLines: all}}
		got, st, err := mergeAll(t, paths, opts, false)
		if err != nil || len(got) != 1111 || int64(len(got)) != st.Matched {
			t.Errorf("filtered (all lines %v): %d lines, %d matched, err %v; want 1111", all, len(got), st.Matched, err)
		}
		for _, l := range got {
			if !strings.Contains(l, "GET /b/1") {
				t.Fatalf("filtered: %q passed", l)
			}
		}
	}
}

func TestMergeFailedInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	writeLines(t, good, []string{logLine("192.0.2.1", mergeBase, "/ok")})
	bad := filepath.Join(dir, "cut.log.gz")
	var lines []string
	for j := range 5000 {
		lines = append(lines, logLine("192.0.2.2", mergeBase.Add(time.Duration(j)*time.Second), "/cut"))
	}
	writeLines(t, bad, lines)
	data, _ := os.ReadFile(bad)
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	for _, sorted := range []bool{false, true} {
		got, _, err := mergeAll(t, []string{bad, good}, MergeOptions{SortByTime: sorted}, false)
		var failed *mapreduce.FailedInputs
		if !errors.As(err, &failed) || len(failed.Errs) != 1 || failed.Errs[0].Input != bad {
			t.Errorf("sorted %v: err %v, want the truncated file failed", sorted, err)
		}
		if !slices.Contains(got, logLine("192.0.2.1", mergeBase, "/ok")) {
			t.Errorf("sorted %v: the good file's line is missing", sorted)
		}
		_, _, err = mergeAll(t, []string{bad, good}, MergeOptions{SortByTime: sorted, ScanOptions: ScanOptions{FailFast: true}}, false)
		var ie *mapreduce.InputError
		if !errors.As(err, &ie) || ie.Input != bad {
			t.Errorf("sorted %v, FailFast: err %v, want the truncated file's InputError", sorted, err)
		}
	}
}

func TestMergeCloseEarly(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 4 {
		var lines []string
		for j := range 20000 {
			lines = append(lines, logLine("192.0.2.1", mergeBase.Add(time.Duration(j)*time.Second), fmt.Sprintf("/%d/%d", i, j)))
		}
		p := filepath.Join(dir, fmt.Sprintf("s%d.log", i))
		writeLines(t, p, lines)
		paths = append(paths, p)
	}
	before := runtime.NumGoroutine()
	for _, sorted := range []bool{false, true} {
		m := Merge(context.Background(), paths, MergeOptions{SortByTime: sorted, ScanOptions: ScanOptions{Workers: 2}})
		for range 10 {
			if !m.Next() {
				t.Fatal("Next = false, want lines")
			}
		}
		m.Close()
		if m.Next() || m.Err() != nil {
			t.Errorf("after Close: Next true or Err %v; want false, nil", m.Err())
		}
	}
	waitForGoroutines(t, before)
	for _, sorted := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		m := Merge(ctx, append(slices.Clip(paths), paths[0]+"x", paths[1]+"x", paths[2]+"x"), MergeOptions{SortByTime: sorted, ScanOptions: ScanOptions{Workers: 1}})
		m.Next()
		cancel()
		for m.Next() {
		}
		if !errors.Is(m.Err(), context.Canceled) {
			t.Errorf("sorted %v, cancelled: Err %v, want context.Canceled", sorted, m.Err())
		}
	}
	waitForGoroutines(t, before)
}

// Lines up to 3 s late, some longer than a slab, come out in reference
// order through a 5 s window; with a window too small in bytes, every
// line still comes out exactly once.
func TestMergeWindowJitter(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var inputs [][]string
	var paths []string
	for i := range 2 {
		var lines []string
		for j := range 4000 {
			at := mergeBase.Add(time.Duration(j)*time.Second/4 - time.Duration(rng.IntN(3000))*time.Millisecond)
			path := fmt.Sprintf("/%d/%d", i, j)
			if rng.IntN(500) == 0 {
				path += "?" + strings.Repeat("x", slabBytes+rng.IntN(1000))
			}
			lines = append(lines, logLine("192.0.2.1", at, path))
		}
		inputs = append(inputs, lines)
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("s%d.log", i)))
		writeLines(t, paths[i], lines)
	}
	want := referenceOrder(t, inputs)
	got, st, err := mergeAll(t, paths, MergeOptions{SortByTime: true}, false)
	if err != nil || !slices.Equal(got, want) || st.Late != 0 {
		t.Errorf("jittered by up to 3 s: err %v, %d late, first difference at %d of %d", err, st.Late, firstLineDiff(got, want), len(want))
	}
	got, st, err = mergeAll(t, paths, MergeOptions{SortByTime: true, WindowBytes: 1}, false)
	slices.Sort(got)
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) || st.Late == 0 {
		t.Errorf("WindowBytes 1: err %v, %d late, %d lines; want every line once, some late", err, st.Late, len(got))
	}
}

// FuzzRotationKey: any name gets a chain and a rank, a rotated name's
// chain being its name less the rotation's suffix.
func FuzzRotationKey(f *testing.F) {
	for _, s := range []string{"access.log", "access.log.1", "access.log.12.gz", "a-20261201.gz", "-1", ".gz", "x.-1", "d/.1.gz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key, rank := rotationKey(name)
		if rank.kind == 2 && key != name {
			t.Errorf("rotationKey(%q) = %q, live: want the name itself", name, key)
		}
		if rank.kind != 2 && (len(key) >= len(name) || !strings.HasPrefix(name, key)) {
			t.Errorf("rotationKey(%q) = %q, rotated: want a prefix of the name", name, key)
		}
	})
}

// FuzzWindow: whatever the instants, every line goes out once, and the
// lines that go out before one of an earlier instant are counted late.
func FuzzWindow(f *testing.F) {
	f.Add([]byte{0, 10, 7, 20, 30, 11, 31}, int64(5), 1000)
	f.Add([]byte{255, 0, 255, 0, 1}, int64(0), 1)
	f.Fuzz(func(t *testing.T, keys []byte, width int64, maxBytes int) {
		w := newWindow(time.Duration(width), maxBytes)
		var out []int64
		emit := func(it item, line []byte) {
			if string(line) != fmt.Sprint(it.key) {
				t.Fatalf("line %q out with key %d", line, it.key)
			}
			out = append(out, it.key)
		}
		for i, k := range keys {
			key := int64(k)
			w.add(item{key: key}, []byte(fmt.Sprint(key)), i%7 != 6, int64(i+1), emit)
		}
		w.flush(emit)
		if len(out) != len(keys) {
			t.Fatalf("%d lines out, want %d", len(out), len(keys))
		}
		var late int64
		newest := int64(-1)
		for _, k := range out {
			if k < newest {
				late++
			}
			newest = max(newest, k)
		}
		if late > w.late+int64(len(keys)/7) { // untimed lines are never counted late
			t.Errorf("%d lines out of order, %d counted late", late, w.late)
		}
	})
}

func TestMergeLinesOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	writeLines(t, path, []string{logLine("192.0.2.1", mergeBase, "/a"), "garbage"})
	m := Merge(context.Background(), []string{path}, MergeOptions{SortByTime: true, LinesOnly: true, KeepMalformed: true})
	defer m.Close()
	var n int
	for ; m.Next(); n++ {
		if e := m.Entry(); e.Record != nil || (e.Err != nil) != (n == 1) {
			t.Errorf("LinesOnly: line %d: Record %v, Err %v; want no record, an error for the malformed line only", n+1, e.Record, e.Err)
		}
	}
	if n != 2 || m.Err() != nil {
		t.Errorf("LinesOnly: %d lines, err %v; want 2, nil", n, m.Err())
	}
}

// A year far out of range (a garbled line) sorts at the end, or the
// start, without overflowing into the other.
func TestMergeFarYears(t *testing.T) {
	dir := t.TempDir()
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	old := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(dir, "a.log")
	writeLines(t, path, []string{logLine("192.0.2.1", far, "/far"), logLine("192.0.2.1", mergeBase, "/now"), logLine("192.0.2.1", old, "/old")})
	got, _, err := mergeAll(t, []string{path}, MergeOptions{SortByTime: true, Window: 1 << 62}, false)
	var paths []string
	for _, l := range got {
		paths = append(paths, strings.Fields(l)[6])
	}
	if err != nil || strings.Join(paths, " ") != "/old /now /far" {
		t.Errorf("far years: %q, err %v; want /old /now /far", paths, err)
	}
}

func TestMergeAll(t *testing.T) {
	before := runtime.NumGoroutine()
	m := Merge(context.Background(), []string{"../../testdata/logs"}, MergeOptions{SortByTime: true})
	n := 0
	for e := range m.All() {
		if n++; n == 3 {
			if e.Record == nil {
				t.Errorf("entry 3: no record")
			}
			break
		}
	}
	if m.Next() || m.Err() != nil {
		t.Errorf("after a loop that stopped: Next true or Err %v; want closed", m.Err())
	}
	waitForGoroutines(t, before)
}

// Many small inputs in input order: the workers claim at most twice their
// number ahead of the one handed out, and every input comes whole.
func TestMergeManyInputsInOrder(t *testing.T) {
	dir := t.TempDir()
	var paths, want []string
	for i := range 50 {
		var lines []string
		for j := range 3 {
			lines = append(lines, logLine("192.0.2.1", mergeBase.Add(time.Duration(-i*10+j)*time.Second), fmt.Sprintf("/%d/%d", i, j)))
		}
		p := filepath.Join(dir, fmt.Sprintf("f%02d.log", i))
		writeLines(t, p, lines)
		paths = append(paths, p)
		want = append(want, lines...)
	}
	for _, workers := range []int{1, 2, 3} {
		got, st, err := mergeAll(t, paths, MergeOptions{ScanOptions: ScanOptions{Workers: workers}}, false)
		if err != nil || !slices.Equal(got, want) || st.Inputs != 50 {
			t.Errorf("-j %d: %d lines, %d inputs, err %v; want %d lines in input order", workers, len(got), st.Inputs, err, len(want))
		}
	}
	if bytes, lines := batchSize(10000); bytes*batchesPerCursor*10000 > batchBudget+batchBudget/8 || lines < 16 {
		t.Errorf("batchSize(10000) = %d bytes, %d lines: want the batches of 10,000 cursors within about %d bytes", bytes, lines, batchBudget)
	}
}

// Rotation cuts a file while slow requests are still being logged: the
// new file's first lines may be older than the old file's last. One
// stream through one window puts them in order.
func TestMergeChainOverlap(t *testing.T) {
	dir := t.TempDir()
	at := func(s int) time.Time { return mergeBase.Add(time.Duration(s) * time.Second) }
	old := []string{logLine("192.0.2.1", at(0), "/1"), logLine("192.0.2.1", at(5), "/3"), logLine("192.0.2.1", at(6), "/4")}
	live := []string{logLine("192.0.2.1", at(3), "/2"), logLine("192.0.2.1", at(7), "/5")}
	writeLines(t, filepath.Join(dir, "access.log.1.gz"), old)
	writeLines(t, filepath.Join(dir, "access.log"), live)
	got, st, err := mergeAll(t, []string{filepath.Join(dir, "access.log"), filepath.Join(dir, "access.log.1.gz")}, MergeOptions{SortByTime: true}, true)
	want := []string{"access.log.1.gz: " + old[0], "access.log: " + live[0], "access.log.1.gz: " + old[1], "access.log.1.gz: " + old[2], "access.log: " + live[1]}
	if err != nil || !slices.Equal(got, want) || st.Late != 0 {
		t.Errorf("chain with overlap: %q, %d late, err %v;\nwant %q", got, st.Late, err, want)
	}
}

// TestMergeW3C: a W3C log's lines are parsed again by the Merger with the
// #Fields in force where each was read, though the window hands them out
// in another order than they were read in, across a #Fields change.
func TestMergeW3C(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "u_ex240115.log")
	b := filepath.Join(dir, "b", "u_ex240115.log")
	for _, d := range []string{filepath.Dir(a), filepath.Dir(b)} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeLines(t, a, []string{
		"#Fields: date time c-ip cs-method cs-uri-stem sc-status",
		"2024-01-15 08:00:01 192.0.2.1 GET /a1 200",
		"2024-01-15 08:00:04 192.0.2.1 GET /a4 200",
		"#Fields: date time cs-uri-stem sc-status c-ip",
		"2024-01-15 08:00:03 /a3 404 192.0.2.1", // earlier than the line before the change
		"2024-01-15 08:00:06 /a6 200 192.0.2.1",
	})
	writeLines(t, b, []string{
		"#Software: Microsoft Internet Information Services 10.0",
		"#Fields: date time c-ip cs-method cs-uri-stem sc-status",
		"2024-01-15 08:00:02 192.0.2.2 GET /b2 200",
		"2024-01-15 08:00:05 192.0.2.2 GET /b5 200",
	})
	m := Merge(context.Background(), []string{a, b}, MergeOptions{SortByTime: true})
	defer m.Close()
	var got []string
	for m.Next() {
		e := m.Entry()
		if e.Record == nil {
			t.Fatalf("%s: %q: no record (error %v)", e.Source, e.Line, e.Err)
		}
		got = append(got, fmt.Sprintf("%s %d", e.Record.Target, e.Record.Status))
	}
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"/a1 200", "/b2 200", "/a3 404", "/a4 200", "/b5 200", "/a6 200"}
	if !slices.Equal(got, want) {
		t.Errorf("merged %q, want %q", got, want)
	}
}
