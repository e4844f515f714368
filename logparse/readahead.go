package logparse

import (
	"errors"
	"io"
	"runtime"
	"sync"
)

// aheadReader runs a Stream's reads on a goroutine of its own, in blocks,
// so that inflating one stream and parsing it keep two cores busy: it is
// how ISA-L reads ahead (pgzip is Go's). The inflater writes each block
// and the caller copies it out.
type aheadReader struct {
	filled chan aheadBlock // blocks read, in order
	free   chan []byte     // blocks the caller is done with
	stop   chan struct{}   // closed by close: the goroutine returns
	done   sync.WaitGroup

	cur    []byte // what is left of the block being read
	buf    []byte // that block, to give back once read
	err    error  // how reading ended, after the blocks before it
	read   func([]byte) (int, error)
	unmap  func() // gives the blocks' memory back, once the goroutine is done
	closed bool   // the blocks are unmapped: Read must not touch them
}

type aheadBlock struct {
	b   []byte
	err error // after b
}

// newAheadReader starts reading with read, at most blocks blocks of size
// bytes ahead.
func newAheadReader(read func([]byte) (int, error), blocks, size int) *aheadReader {
	a := &aheadReader{filled: make(chan aheadBlock, blocks), free: make(chan []byte, blocks+1), stop: make(chan struct{}), read: read}
	// The blocks are written once each before any is reused: on 4 KiB
	// pages, 1,280 page faults for 5 MiB, which cost 20 ms of the
	// inflater's 300 on one 512 MiB file in a VM where a fault costs
	// 15 µs; on huge pages, 3 (see mapHugePages).
	region, unmap := mapHugePages((blocks + 1) * size)
	a.unmap = unmap
	for i := range blocks + 1 {
		a.free <- region[i*size : (i+1)*size : (i+1)*size]
	}
	a.done.Add(1)
	go a.run()
	return a
}

func (a *aheadReader) run() {
	defer a.done.Done()
	// The reads call into ISA-L, a foreign call the scheduler handles
	// as a system call: the goroutine keeps a thread of its own, so that
	// neither it nor the reader wakes up on a core the other just left
	// (hand-offs, a P retaken from the call, its caches cold). On one
	// 512 MiB file, 2 cores: 0.37 s locked, against 0.41 s when it
	// yielded its P after each block, as it did first, and 0.38 s with
	// neither (medians of 6 interleaved runs; igzip -dc: 0.26 s).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.stop:
			return
		}
		n, err := a.fill(buf)
		select {
		case a.filled <- aheadBlock{b: buf[:n], err: err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill reads until buf is full or reading fails.
func (a *aheadReader) fill(buf []byte) (int, error) {
	n, empty := 0, 0
	for n < len(buf) {
		m, err := a.read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
		if m == 0 {
			if empty++; empty >= 100 { // as bufio: a reader that never progresses
				return n, io.ErrNoProgress
			}
		}
	}
	return n, nil
}

// errAheadClosed is what Read returns after close (a Stream's Read after
// Close returns io.EOF before it gets here).
var errAheadClosed = errors.New("logparse: read-ahead read after close")

// Read reads the text, then the error that ended it.
func (a *aheadReader) Read(p []byte) (int, error) {
	if a.closed {
		return 0, errAheadClosed
	}
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		blk := <-a.filled
		a.cur, a.buf, a.err = blk.b, blk.b, blk.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// close stops the goroutine and waits for it: the inflater it reads with
// can then be released.
func (a *aheadReader) close() {
	if a.closed {
		return
	}
	close(a.stop)
	a.done.Wait()
	a.closed, a.cur, a.buf = true, nil, nil
	a.unmap()
}
