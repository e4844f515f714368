package jobs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"sync"
)

// With --top, a count keeps memory bounded per worker: a Counter that
// holds more than its budget of keys writes them out to a spillSet and
// starts afresh. Every key is written to the partition its hash picks, so
// all the partial counts of one key meet in one partition file. At the
// end each partition is read back alone into a map, which gives exact
// counts for its keys, and its top N are kept: the top N of the top Ns of
// the partitions are the exact top N. Memory is then the workers' budgets
// plus one partition's keys, whatever the number of distinct keys.

// spillPartitions is how many files the keys are spread over: with 2
// million distinct keys, a partition holds about 31,000.
const spillPartitions = 64

// defaultSpillKeys is a worker's budget of keys in memory with --top: about
// 100 MiB of map.
const defaultSpillKeys = 1 << 20

// A spillSet is the partition files of one Counter, and of the Counters
// merged into it: a Counter that is never merged (its input failed) takes
// its spilled counts with it, as it takes its map.
type spillSet struct {
	seed  maphash.Seed                // shared by every Counter of a Count
	parts [spillPartitions][]*os.File // parts[p][0] is this Counter's own file
	bufs  [spillPartitions]*bufio.Writer
	err   error // the first write error; the count fails with it
}

// write adds counts to their partitions.
func (s *spillSet) write(counts map[string]*tally) {
	if s.err != nil {
		return
	}
	var rec []byte
	for k, t := range counts {
		p := maphash.String(s.seed, k) % spillPartitions
		if s.bufs[p] == nil {
			f, err := os.CreateTemp("", "logmr-count-*")
			if err != nil {
				s.err = fmt.Errorf("counting with --top needs temporary files: %w", err)
				return
			}
			os.Remove(f.Name()) // unlinked: nothing is left behind
			s.parts[p] = append([]*os.File{f}, s.parts[p]...)
			s.bufs[p] = bufio.NewWriterSize(f, 64<<10)
		}
		rec = binary.AppendUvarint(rec[:0], uint64(len(k)))
		rec = append(rec, k...)
		rec = binary.AppendUvarint(rec, uint64(t.requests))
		rec = binary.AppendUvarint(rec, uint64(t.bytes))
		if _, err := s.bufs[p].Write(rec); err != nil {
			s.err = fmt.Errorf("spilling counts to a temporary file: %w", err)
			return
		}
	}
}

// adopt takes over other's files.
func (s *spillSet) adopt(other *spillSet) {
	if s.err == nil {
		s.err = other.err
	}
	for p := range s.parts {
		if other.bufs[p] != nil {
			if err := other.bufs[p].Flush(); err != nil && s.err == nil {
				s.err = err
			}
		}
		s.parts[p] = append(s.parts[p], other.parts[p]...)
	}
}

// top reads the partitions back one at a time and returns the exact top
// rows of all of them, sorted by byRequests.
func (s *spillSet) top(n int, byRequests func(a, b countEntry) int) ([]countEntry, error) {
	if s.err != nil {
		return nil, s.err
	}
	var best []countEntry
	for p, files := range s.parts {
		if len(files) == 0 {
			continue
		}
		if s.bufs[p] != nil {
			if err := s.bufs[p].Flush(); err != nil {
				return nil, err
			}
		}
		part := map[string]*tally{}
		for _, f := range files {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			if err := readSpill(bufio.NewReaderSize(f, 64<<10), part); err != nil {
				return nil, fmt.Errorf("reading back spilled counts: %w", err)
			}
		}
		best = append(best, topOf(entries(part), n, byRequests)...)
	}
	return topOf(best, n, byRequests), nil
}

func readSpill(r *bufio.Reader, into map[string]*tally) error {
	var key []byte
	for {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		key = slices.Grow(key[:0], int(n))[:n]
		if _, err := io.ReadFull(r, key); err != nil {
			return err
		}
		requests, err1 := binary.ReadUvarint(r)
		bytes, err2 := binary.ReadUvarint(r)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		t := into[string(key)]
		if t == nil {
			t = &tally{}
			into[string(key)] = t
		}
		t.requests += int64(requests)
		t.bytes += int64(bytes)
	}
}

// close releases the files.
func (s *spillSet) close() {
	for _, files := range s.parts {
		for _, f := range files {
			f.Close()
		}
	}
}

// entries returns the rows of counts, in no order.
func entries(counts map[string]*tally) []countEntry {
	rows := make([]countEntry, 0, len(counts))
	for k, t := range counts {
		rows = append(rows, countEntry{k, t})
	}
	return rows
}

// A spillRegistry is every spillSet of one Count, so that the files of a
// Counter that was never merged (its input failed, the run was cancelled)
// are closed when the Count returns, not when the GC gets to them.
type spillRegistry struct {
	mu   sync.Mutex
	sets []*spillSet
}

func (r *spillRegistry) add(s *spillSet) *spillSet {
	if r == nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sets = append(r.sets, s)
	return s
}

// closeAll closes every file of every set; a file adopted by another set
// is closed twice, the second time harmlessly.
func (r *spillRegistry) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sets {
		s.close()
	}
}
