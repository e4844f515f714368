package logscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	logcache "github.com/logmr/logmr/mapreduce/cache"
)

func mkfifo(t *testing.T) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	return fifo
}

// unblockFIFO frees a reader blocked opening fifo, if one is, so that a
// failing test does not hang.
func unblockFIFO(fifo string) {
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}

// checkNoReader fails unless fifo has no reader, open or opening: a
// non-blocking write open then fails with ENXIO.
func checkNoReader(t *testing.T, fifo string) {
	t.Helper()
	w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		w.Close()
		t.Errorf("%s still has a reader after openFile returned", fifo)
	} else if !errors.Is(err, syscall.ENXIO) {
		t.Errorf("opening %s to write: %v, want ENXIO (no reader)", fifo, err)
	}
}

// TestOpenFIFOCancelled: opening a FIFO that no one writes returns soon
// after ctx is done, leaving no reader (so no goroutine) behind.
func TestOpenFIFOCancelled(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration // cancelled after this; negative: before the call
	}{
		{"cancelled before", -1},
		{"cancelled while blocked", 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fifo := mkfifo(t)
			ctx, cancel := context.WithCancel(context.Background())
			if tc.after < 0 {
				cancel()
			} else {
				time.AfterFunc(tc.after, cancel)
			}
			defer cancel()
			type result struct {
				f   *os.File
				err error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				f, err := openFile(ctx, fifo)
				done <- result{f, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				unblockFIFO(fifo)
				r = <-done
				t.Fatalf("openFile(%s) with ctx done: still blocked 5 s later (then %v, %v)", fifo, r.f, r.err)
			}
			if took := time.Since(start) - max(tc.after, 0); took > time.Second {
				t.Errorf("openFile(%s) returned %v after ctx was done, want well under 1 s", fifo, took)
			}
			if r.f != nil || !errors.Is(r.err, context.Canceled) {
				t.Errorf("openFile(%s) = %v, %v; want nil, context.Canceled", fifo, r.f, r.err)
			}
			checkNoReader(t, fifo)
		})
	}
}

// TestOpenFIFOWithWriter: a FIFO with a writer opens and reads as before.
func TestOpenFIFOWithWriter(t *testing.T) {
	fifo := mkfifo(t)
	go func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.WriteString("line\n")
			w.Close()
		}
	}()
	f, err := openFile(context.Background(), fifo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 16)
	if n, _ := f.Read(b); string(b[:n]) != "line\n" {
		t.Errorf("read %q from the FIFO, want %q", b[:n], "line\n")
	}
}

// TestScanFIFOCancelled: a scan of a FIFO that no one opens to write ends
// soon after ctx is done, with and without a cache (which opens inputs
// itself).
func TestScanFIFOCancelled(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(map[bool]string{false: "no cache", true: "cache"}[cached], func(t *testing.T) {
			fifo := mkfifo(t)
			var opts ScanOptions
			if cached {
				cache, err := logcache.Open(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				opts.Cache = cache
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(100*time.Millisecond, cancel)
			done := make(chan error, 1)
			go func() {
				_, err := testHosts(ctx, []string{fifo}, opts)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("testHosts(%s) cancelled = %v, want context.Canceled", fifo, err)
				}
			case <-time.After(2 * time.Second):
				unblockFIFO(fifo)
				<-done
				t.Fatalf("testHosts(%s) still blocked opening the FIFO 2 s after ctx was cancelled", fifo)
			}
			checkNoReader(t, fifo)
		})
	}
}
