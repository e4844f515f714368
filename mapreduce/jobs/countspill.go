package jobs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// A count keeps its memory bounded: the Counters of one Count share a
// memBudget, and one that holds a large share of it when the whole is
// past it writes its keys, sorted bytewise, as one run to a temporary file
// and starts afresh. Runs of every Counter meet in the Counter they are
// merged into. At the end (spillSet.final) the runs are merged k-way,
// which adds up each key's partial counts, and the rows are sorted into
// the order asked for by an external sort (countsort.go) whose runs the
// result reads back as it is iterated. Temporary files are unlinked as
// soon as they are made: nothing is left behind, whatever happens.

// A memBudget is the bytes the tables of the Counters of one Count hold.
type memBudget struct {
	limit int64 // spill past this
	least int64 // a table smaller than this does not spill: another is larger
	used  atomic.Int64
}

func newMemBudget(limit int64, workers int) *memBudget {
	// A Count has at most about one Counter per worker (or per core, the
	// parsers of one input) filling and one per worker merging: when the
	// whole is past the limit, one of them holds at least this much.
	// Workers may outnumber cores (-j 16 on 2 cores).
	n := max(workers, runtime.GOMAXPROCS(0))
	return &memBudget{limit: limit, least: limit / int64(2*n+2)}
}

// add adds d to the bytes used and returns the new total; 0 for nil.
func (m *memBudget) add(d int64) int64 {
	if m == nil {
		return 0
	}
	return m.used.Add(d)
}

// over reports whether a table of mine bytes should spill when all use used.
func (m *memBudget) over(used, mine int64) bool {
	return m != nil && used > m.limit && mine >= m.least
}

func (m *memBudget) limitOr(def int64) int64 {
	if m == nil {
		return def
	}
	return m.limit
}

// A spillFile is an unlinked temporary file that runs are appended to,
// one writer at a time: the Counters of a Count share one, so that a count
// holds one descriptor however many of them spill.
type spillFile struct {
	mu  sync.Mutex
	f   *os.File // nil until the first run
	w   *bufio.Writer
	off int64 // bytes written
}

// A spillSet is the runs of one Counter, and of the Counters merged into
// it: a Counter that is never merged (its input failed) takes its runs
// with it, as it takes its table.
type spillSet struct {
	file *spillFile // where runs are written
	runs []spillRun // own and adopted
	err  error      // the first error; the count fails with it
}

// A spillRun is a part of a file: records in one order, each a
// uvarint-prefixed key, then requests and bytes as uvarints.
type spillRun struct {
	f      *os.File
	off, n int64
}

func tempFileError(err error) error {
	return fmt.Errorf("count: temporary file in %s: %w", os.TempDir(), err)
}

// writeRun writes the rows rows yields as one run of s.file. A failure is
// kept in s.err.
func (s *spillSet) writeRun(rows func(yield func(key string, t tally) bool)) {
	if s.err != nil {
		return
	}
	run, err := s.file.writeRun(rows)
	if err != nil {
		s.err = tempFileError(err)
		return
	}
	s.runs = append(s.runs, run)
}

func (sf *spillFile) writeRun(rows func(yield func(key string, t tally) bool)) (spillRun, error) {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if sf.f == nil {
		f, err := os.CreateTemp("", "logmr-count-*")
		if err != nil {
			return spillRun{}, err
		}
		os.Remove(f.Name()) // unlinked: nothing is left behind
		sf.f, sf.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	start := sf.off
	var rec []byte
	for key, t := range rows {
		rec = binary.AppendUvarint(rec[:0], uint64(len(key)))
		rec = append(rec, key...)
		rec = binary.AppendUvarint(rec, uint64(t.requests))
		rec = binary.AppendUvarint(rec, uint64(t.bytes))
		n, err := sf.w.Write(rec)
		sf.off += int64(n)
		if err != nil {
			return spillRun{}, err
		}
	}
	if err := sf.w.Flush(); err != nil { // readers read f, not w
		return spillRun{}, err
	}
	return spillRun{f: sf.f, off: start, n: sf.off - start}, nil
}

// close closes the file; what was written to it is gone.
func (sf *spillFile) close() error {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if sf.f == nil {
		return nil
	}
	err := sf.f.Close()
	if errors.Is(err, os.ErrClosed) {
		err = nil
	}
	return err
}

// writeTable writes t's keys as one run, sorted bytewise.
func (s *spillSet) writeTable(t *countTable) {
	order := t.numbers()
	slices.SortFunc(order, func(a, b uint32) int {
		return strings.Compare(t.keyString(t.rec(int(a)).ref), t.keyString(t.rec(int(b)).ref))
	})
	s.writeRun(func(yield func(string, tally) bool) {
		for _, i := range order {
			r := t.rec(int(i))
			if !yield(t.keyString(r.ref), r.tally) {
				return
			}
		}
	})
}

// adopt takes over other's runs.
func (s *spillSet) adopt(other *spillSet) {
	s.err = errors.Join(s.err, other.err)
	s.runs = append(s.runs, other.runs...)
}

// close closes s's file.
func (s *spillSet) close() error { return s.file.close() }

// A runReader reads the records of one run in order.
type runReader struct {
	r   *bufio.Reader
	key []byte
	t   tally
}

func newRunReader(run spillRun, size int) *runReader {
	return &runReader{r: bufio.NewReaderSize(io.NewSectionReader(run.f, run.off, run.n), size)}
}

// next reads the next record; false at the end of the run.
func (rr *runReader) next() (bool, error) {
	n, err := binary.ReadUvarint(rr.r)
	if err == io.EOF {
		return false, nil
	}
	if err == nil && n > 1<<40 {
		err = errors.New("key length out of range")
	}
	if err == nil {
		rr.key = slices.Grow(rr.key[:0], int(n))[:n]
		_, err = io.ReadFull(rr.r, rr.key)
	}
	var requests, bytes uint64
	if err == nil {
		requests, err = binary.ReadUvarint(rr.r)
	}
	if err == nil {
		bytes, err = binary.ReadUvarint(rr.r)
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return false, tempFileError(fmt.Errorf("reading back counts: %w", err))
	}
	rr.t = tally{int64(requests), int64(bytes)}
	return true, nil
}
