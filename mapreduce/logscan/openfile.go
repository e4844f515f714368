package logscan

import (
	"context"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// openFile opens an input to read it. Opening a FIFO blocks in open(2)
// until a writer opens it too, which may be never, and no close can wake
// it: for a FIFO, openFile returns ctx's error soon after ctx is done
// (see openFIFO). Any other file is opened with os.Open.
func openFile(ctx context.Context, path string) (*os.File, error) {
	if info, err := os.Stat(path); err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		return os.Open(path) // errors are os.Open's, as they always were
	}
	return openFIFO(ctx, path)
}

// releaseEvery is how often openFIFO tries to release a blocked open.
const releaseEvery = 5 * time.Millisecond

// openFIFO opens a FIFO on a goroutine of its own, which has returned when
// openFIFO does. When ctx is done first, it releases the open by opening
// the FIFO's other end itself (a non-blocking write open succeeds while a
// reader waits) and closing it at once, closes what the goroutine opened,
// and returns ctx's error. Until the goroutine has entered open(2) there is
// no reader, the write open fails (ENXIO), and it is tried again.
//
// A FIFO unlinked or replaced while the open blocks cannot be reached by
// its name any more: openFIFO then waits, as os.Open would, for a writer
// that holds it open.
func openFIFO(ctx context.Context, path string) (*os.File, error) {
	type result struct {
		f   *os.File
		err error
	}
	opened := make(chan result, 1) // sent once by the goroutine below
	go func() {
		f, err := os.Open(path)
		opened <- result{f, err}
	}()
	select {
	case r := <-opened:
		return r.f, r.err
	case <-ctx.Done():
	}
	tick := time.NewTicker(releaseEvery)
	defer tick.Stop()
	for {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		select {
		case r := <-opened:
			if r.f != nil {
				r.f.Close()
			}
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}
