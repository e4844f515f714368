package logscan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

var jsonOutput = RecordOutput{Record: logparse.AppendJSON}

// WriteRecords writes the same bytes whatever the worker count, in input
// order, also when later inputs spill to temporary files (each file here
// encodes to several MiB, more than its chunks hold), and leaves no
// temporary file behind.
func TestWriteRecordsOrder(t *testing.T) {
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 3 << 20, Seed: 3, MalformedFraction: 0.001, GzipLevel: 1})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var want []byte
	for _, workers := range []int{1, 2, 4} {
		var out bytes.Buffer
		st, err := WriteRecords(context.Background(), []string{dir}, &out, jsonOutput, ScanOptions{Workers: workers})
		if err != nil {
			t.Fatalf("-j %d: %v", workers, err)
		}
		if st.Lines != truth.Lines || st.Malformed != truth.Malformed || st.Matched != truth.Lines-truth.Malformed {
			t.Errorf("-j %d: stats %+v, want %d lines, %d malformed", workers, st, truth.Lines, truth.Malformed)
		}
		if got := int64(bytes.Count(out.Bytes(), []byte("\n"))); got != st.Matched {
			t.Errorf("-j %d: %d records written, want %d", workers, got, st.Matched)
		}
		if want == nil {
			want = out.Bytes()
		} else if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("-j %d: output differs from -j 1's", workers)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("-j %d: %d temporary files left behind", workers, len(left))
		}
	}
}

// Records come out file by file in the order the paths name them, and
// within a file in line order.
func TestWriteRecordsFileOrder(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 5 {
		path := dir + "/f" + strconv.Itoa(i)
		var b bytes.Buffer
		for j := range 100 {
			b.WriteString("192.0.2." + strconv.Itoa(i) + ` - - [22/Nov/2026:06:00:00 +0000] "GET /` + strconv.Itoa(j) + ` HTTP/1.1" 200 5` + "\n")
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append([]string{path}, paths...) // reversed: f4 first
	}
	table := logparse.NewTable([]string{"host", "target"}, true)
	var out bytes.Buffer
	if _, err := WriteRecords(context.Background(), paths, &out, RecordOutput{Record: table.AppendRow}, ScanOptions{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for i := 4; i >= 0; i-- {
		for j := range 100 {
			want.WriteString("192.0.2." + strconv.Itoa(i) + "\t/" + strconv.Itoa(j) + "\n")
		}
	}
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Errorf("output not in argument and line order")
	}
}

type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errDiskFull
	}
	return len(b), nil
}

// A write error stops every worker and is returned; so does a cancelled
// context. No goroutine is left either way.
func TestWriteRecordsStops(t *testing.T) {
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 2 << 20, Seed: 5, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", t.TempDir())
	before := runtime.NumGoroutine()
	_, err := WriteRecords(context.Background(), []string{dir}, &failingWriter{n: 2}, jsonOutput, ScanOptions{Workers: 4})
	if !errors.Is(err, errDiskFull) {
		t.Errorf("write error: got %v, want %v", err, errDiskFull)
	}
	waitForGoroutines(t, before)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = WriteRecords(ctx, []string{dir}, &bytes.Buffer{}, jsonOutput, ScanOptions{Workers: 4})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
	waitForGoroutines(t, before)
}

// --malformed: the malformed lines with their place, nothing else.
func TestWriteRecordsMalformed(t *testing.T) {
	var out bytes.Buffer
	malformed := RecordOutput{Malformed: func(dst []byte, e *logparse.LineError, line []byte) []byte {
		return append(append(append(dst, e.File...), ':'), strconv.FormatInt(e.Line, 10)+"\n"...)
	}}
	st, err := WriteRecords(context.Background(), []string{"../../testdata/logs/access.log"}, &out, malformed, ScanOptions{Format: logparse.Combined})
	if err != nil {
		t.Fatal(err)
	}
	want := "../../testdata/logs/access.log:5\n../../testdata/logs/access.log:6\n../../testdata/logs/access.log:7\n../../testdata/logs/access.log:8\n"
	if out.String() != want || st.Malformed != 4 {
		t.Errorf("malformed output %q (%d), want %q", out.String(), st.Malformed, want)
	}
}

// slowStart is a writer whose first Write waits: the later inputs fill
// their queues meanwhile and spill.
type slowStart struct {
	w     io.Writer
	delay time.Duration
	once  sync.Once
}

func (s *slowStart) Write(b []byte) (int, error) {
	s.once.Do(func() { time.Sleep(s.delay) })
	return s.w.Write(b)
}

// A spill that fails part way (a full disk) loses no record and cuts
// none: the output is the same bytes as when nothing spills. TMPDIR is a
// real tmpfs of 1 MiB, far less than the output waiting to be written.
func TestWriteRecordsSpillDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs as a full disk needs root")
	}
	tmp := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tmp).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s): the full-disk spill is not tried", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", tmp).Run() })
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 3 << 20, Seed: 5, MalformedFraction: 0.001, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if _, err := WriteRecords(context.Background(), []string{dir}, &want, jsonOutput, ScanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	failedBefore := spillFailures.Load()
	var got bytes.Buffer
	_, err := WriteRecords(context.Background(), []string{dir}, &slowStart{w: &got, delay: 500 * time.Millisecond}, jsonOutput, ScanOptions{Workers: 4})
	if err != nil {
		t.Fatalf("WriteRecords with a full TMPDIR: %v, want no error (a spill that fails waits instead)", err)
	}
	if spillFailures.Load() == failedBefore {
		t.Errorf("no spill failed: the test did not fill the disk")
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		for i, line := range bytes.Split(got.Bytes(), []byte("\n")) {
			if len(line) > 0 && !json.Valid(line) {
				t.Errorf("output line %d is not JSON: %.80q", i+1, line)
				break
			}
		}
		t.Fatalf("output with a full TMPDIR: %d bytes, %d lines; want the %d bytes, %d lines written without spilling",
			got.Len(), bytes.Count(got.Bytes(), []byte("\n")), want.Len(), bytes.Count(want.Bytes(), []byte("\n")))
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left behind", len(left))
	}
}

// inputsDone is a Progress that counts the inputs read to the end.
type inputsDone struct{ done atomic.Int64 }

func (c *inputsDone) Start(int64)     {}
func (c *inputsDone) Add(int64)       {}
func (c *inputsDone) StartInputs(int) {}
func (c *inputsDone) InputDone()      { c.done.Add(1) }

// gatedWriter holds every Write until gate is closed.
type gatedWriter struct {
	w    io.Writer
	gate chan struct{}
}

func (g *gatedWriter) Write(b []byte) (int, error) { <-g.gate; return g.w.Write(b) }

// While the writer is stuck on input 0, the workers read every later
// input to the end, spilling what waits: a spilling worker must not wait
// for the writer when its input ends (found in review).
func TestWriteRecordsSpillingWorkersMoveOn(t *testing.T) {
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 6, BytesPerFile: 2 << 20, Seed: 3, GzipLevel: 0}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", t.TempDir())
	var want bytes.Buffer
	if _, err := WriteRecords(context.Background(), []string{dir}, &want, jsonOutput, ScanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	g := &gatedWriter{w: &got, gate: make(chan struct{})}
	p := &inputsDone{}
	done := make(chan error, 1)
	go func() {
		_, err := WriteRecords(context.Background(), []string{dir}, g, jsonOutput, ScanOptions{Workers: 2, Progress: p})
		done <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for p.done.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	n := p.done.Load()
	close(g.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("with the writer held on input 0, %d of the 5 later inputs were read: a spilling worker waits for the writer", n)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("output differs from the -j 1 run's")
	}
}

// With the writer held on input 0, inputs too small to fill their own
// queue must not each keep it in memory: memory is bounded by the
// workers, whatever the number of inputs ahead (found in review; it grew
// by 46 MiB here before).
func TestWriteRecordsMemoryBoundedByWorkers(t *testing.T) {
	dir := t.TempDir()
	const files = 48
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: files, BytesPerFile: 300 << 10, Seed: 3, GzipLevel: 0}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", t.TempDir())
	var want bytes.Buffer
	if _, err := WriteRecords(context.Background(), []string{dir}, &want, jsonOutput, ScanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	g := &gatedWriter{w: &got, gate: make(chan struct{})}
	p := &inputsDone{}
	var before, held runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan error, 1)
	go func() {
		_, err := WriteRecords(context.Background(), []string{dir}, g, jsonOutput, ScanOptions{Workers: 2, Progress: p})
		done <- err
	}()
	deadline := time.Now().Add(60 * time.Second)
	for p.done.Load() < files-1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	runtime.GC()
	runtime.ReadMemStats(&held)
	close(g.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	grew := int64(held.HeapInuse) - int64(before.HeapInuse)
	bound := int64(2 * (chunksAhead + 1) * (chunkBytes + chunkBytes/4)) // workers * (chunksAhead+1) * a buffer's capacity
	if grew > 3*bound {
		t.Errorf("with the writer held, the heap grew %d MiB over %d inputs: over 3 times the bound of %d MiB", grew>>20, files, bound>>20)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("output differs from the -j 1 run's")
	}
}
