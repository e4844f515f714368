// Command inflate is the ceiling scripts/bench measures logmr against: it
// inflates gzip files with the same inflater logmr uses, pure Go
// (klauspost/compress, -inflater go, the default) or Intel ISA-L in this
// process (-inflater isal), on -j goroutines, largest file first, and
// discards the text; a file that is not gzip is read as is. It prints the
// bytes of text inflated.
//
//	go run ./scripts/inflate -j 2 /tmp/logmr-bench/corpus/*
//	go run ./scripts/inflate -j 2 -inflater isal /tmp/logmr-bench/corpus/*
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/logmr/logmr/logparse"
)

// inflater is -inflater: Go's gzip.Reader (InflateGo), or a logparse.Stream
// with ISA-L.
var inflater = logparse.InflateGo

func main() {
	workers := flag.Int("j", runtime.NumCPU(), "files inflated at once")
	which := flag.String("inflater", "go", "go (klauspost/compress) or isal (Intel ISA-L, libisal2)")
	flag.Parse()
	switch *which {
	case "go":
	case "isal":
		if err := logparse.LoadISAL(); err != nil {
			fail(err)
		}
		inflater = logparse.InflateISAL
	default:
		fail(fmt.Errorf("-inflater %q: want go or isal", *which))
	}
	type file struct {
		path string
		size int64
	}
	var files []file
	for _, p := range flag.Args() {
		fi, err := os.Stat(p)
		if err != nil {
			fail(err)
		}
		files = append(files, file{p, fi.Size()})
	}
	slices.SortFunc(files, func(a, b file) int { return cmp.Compare(b.size, a.size) })

	var next, total atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, len(files))
	for range max(*workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10) // the size of logmr's line buffer
			for i := next.Add(1) - 1; i < int64(len(files)); i = next.Add(1) - 1 {
				n, err := inflate(files[i].path, buf)
				if err != nil {
					errs <- fmt.Errorf("%s: %w", files[i].path, err)
					return
				}
				total.Add(n)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fail(err)
	}
	fmt.Println(total.Load())
}

func inflate(path string, buf []byte) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var r io.Reader
	if inflater == logparse.InflateISAL {
		s, err := logparse.NewStreamWith(f, logparse.StreamOptions{Inflater: inflater})
		if err != nil {
			return 0, err
		}
		defer s.Close()
		r = s
	} else {
		br := bufio.NewReaderSize(f, 64<<10)
		r = br // a plain (not yet compressed) log is read as is
		if magic, _ := br.Peek(2); string(magic) == "\x1f\x8b" {
			if r, err = gzip.NewReader(br); err != nil {
				return 0, err
			}
		}
	}
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "inflate:", err)
	os.Exit(1)
}
