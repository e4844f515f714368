package mapreduce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logmr/logmr/fanout"
	"github.com/logmr/logmr/logparse"
)

// RecordOutput says what WriteRecords writes, each function appending one
// item to dst. They are called from many goroutines at once.
type RecordOutput struct {
	// Record appends a record that passed the filter, parsed with f. Nil:
	// records are not written.
	Record func(dst []byte, f *logparse.Format, rec *logparse.Record) []byte
	// Malformed appends a line that did not parse, with its place. Nil:
	// malformed lines are only counted.
	Malformed func(dst []byte, e *logparse.LineError, line []byte) []byte
}

// chunkBytes is how much encoded output a worker gathers before handing it
// to the writer, and chunksAhead how many chunks an input may have waiting:
// memory is bounded by workers * (chunksAhead+1) * chunkBytes.
// An input that is not being written yet and has filled its chunks
// spills the rest of its output to an unlinked temporary file instead of
// waiting, so every worker stays busy; the caller copies the file after
// the chunks. Disk use is then at most the output of the inputs not yet
// written.
const (
	chunkBytes  = 256 << 10
	chunksAhead = 4
)

// WriteRecords reads the inputs that paths name (see FindInputs) on
// opts.Workers goroutines and writes to w what out encodes, inputs in the
// order FindInputs lists them and lines in their order, so the output does
// not depend on the worker count.
//
// Inputs are claimed in order; each worker encodes into chunks, and the
// calling goroutine writes the first unfinished input's chunks as they come
// while later inputs' chunks wait, a few at most per input. An input that
// fails part way has its records up to the failure written; the failures
// come back as a *FailedInputs, as from ScanLogs. With opts.FailFast the
// first failure stops every worker instead, the output is cut short and
// that input's *InputError is returned. A write error or a cancelled ctx
// stops every worker and is returned.
func WriteRecords(ctx context.Context, paths []string, w io.Writer, out RecordOutput, opts ScanOptions) (Stats, error) {
	// Records are written as they are read: a child decompressor's
	// failure could not take them back (see ScanOptions.Decompressor).
	opts.Decompressor = Decompressor{}
	opts.Workers = openFileWorkers(opts, true) // fdlimit.go
	filter, err := opts.Filter.compile()
	if err != nil {
		return Stats{}, err
	}
	inputs, failed, err := FindInputs(paths, opts.Selection)
	if err != nil {
		return Stats{}, err
	}
	if opts.FailFast && len(failed) > 0 {
		return Stats{}, failed[0]
	}
	startProgress(opts.Progress, inputs)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rw := &recordWriter{opts: opts, out: out, filter: filter,
		readAhead: len(inputs) < workerCount(opts.Workers),
		chunks:    make([]chan []byte, len(inputs)),
		spills:    make([]*os.File, len(inputs)),
		ran:       make([]bool, len(inputs)),
		stats:     make([]Stats, len(inputs)),
	}
	for i := range rw.chunks {
		rw.chunks[i] = make(chan []byte, chunksAhead)
	}
	done := make(chan error, 1) // the workers' result; sent by the goroutine below
	var panicked any
	go func() {
		defer func() {
			// Inputs that never started (the run was cancelled) close here:
			// Each has returned, so no worker is left to do it.
			for i, ran := range rw.ran {
				if !ran {
					close(rw.chunks[i])
				}
			}
			if p := recover(); p != nil {
				panicked = p
				done <- nil
			}
		}()
		done <- fanout.Each(ctx, inputs, fanout.Options{Workers: opts.Workers, CollectErrors: !opts.FailFast}, rw.mapInput)
	}()

	var writeErr error
	var total Stats
	for i, in := range inputs {
		rw.head.Store(int64(i))
		for chunk := range rw.chunks[i] {
			if writeErr == nil {
				if _, err := w.Write(chunk); err != nil {
					writeErr = fmt.Errorf("writing records of %s: %w", in.Path, err)
					cancel(writeErr)
				}
			}
			chunk = chunk[:0]
			rw.buffers.Put(&chunk)
		}
		if err := copySpill(w, rw.spills[i], writeErr == nil); err != nil && writeErr == nil {
			writeErr = fmt.Errorf("writing records of %s: %w", in.Path, err)
			cancel(writeErr)
		}
		total.merge(rw.stats[i], opts.maxExamples())
	}
	workErr := <-done
	if panicked != nil {
		panic(panicked)
	}
	if writeErr != nil {
		return total, writeErr
	}
	if opts.FailFast && workErr != nil {
		return total, workErr // the first failing input's; the output is cut short
	}
	if err := ctx.Err(); err != nil {
		return total, context.Cause(ctx)
	}
	for _, e := range unwrapJoined(workErr) {
		var ie *InputError
		if !errors.As(e, &ie) {
			return total, e
		}
		failed = append(failed, ie)
	}
	if len(failed) > 0 {
		return total, &FailedInputs{Errs: failed}
	}
	return total, nil
}

func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}

// recordWriter is the state WriteRecords' workers share.
type recordWriter struct {
	opts      ScanOptions
	out       RecordOutput
	filter    *matcher
	readAhead bool
	chunks    []chan []byte // chunks[i]: input i's output; closed by its worker
	spills    []*os.File    // spills[i]: input i's output after its chunks; set before chunks[i] is closed
	head      atomic.Int64  // the input the caller is writing: its worker never spills
	ran       []bool        // ran[i]: input i's worker started, and closes chunks[i]
	stats     []Stats       // stats[i]: written by input i's worker before it closes chunks[i]
	buffers   sync.Pool     // of *[]byte with chunkBytes capacity
}

func (rw *recordWriter) buffer() []byte {
	if b, ok := rw.buffers.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 0, chunkBytes+chunkBytes/4)
}

// mapInput encodes input i into chunks and sends them to the writer.
func (rw *recordWriter) mapInput(ctx context.Context, i int, in Input) error {
	rw.ran[i] = true
	start := time.Now()
	defer close(rw.chunks[i])
	st := &rw.stats[i]
	buf := rw.buffer()
	var spill *os.File
	defer func() { rw.spills[i] = spill }() // runs before close(rw.chunks[i])
	send := func() error {
		if spill == nil && int64(i) != rw.head.Load() {
			select {
			case rw.chunks[i] <- buf:
				buf = rw.buffer()
				return nil
			default:
			}
			spill = newSpill() // nil when no temporary file can be made: wait then
		}
		if spill != nil {
			if _, err := spill.Write(buf); err != nil {
				return fmt.Errorf("spilling output to a temporary file: %w", err)
			}
			buf = buf[:0]
			return nil
		}
		select {
		case rw.chunks[i] <- buf:
			buf = rw.buffer()
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	n, err := readInput(ctx, in, rw.opts, rw.readAhead, func(lines *lineSource) error {
		parser := logparse.NewParser(lines.format)
		maxExamples := rw.opts.maxExamples()
		var rec logparse.Record
		for lines.next() {
			st.Lines++
			if st.Lines%ctxCheckLines == 0 && ctx.Err() != nil {
				return context.Cause(ctx)
			}
			line := lines.bytes()
			err := parser.Parse(line, &rec)
			if err == nil && lines.truncated() {
				err = logparse.ErrLineTooLong
			}
			switch {
			case err != nil:
				st.Malformed++
				if len(st.Examples) < maxExamples || rw.out.Malformed != nil {
					le := logparse.NewLineError(in.Path, lines.lineNo(), line, err)
					if len(st.Examples) < maxExamples {
						st.Examples = append(st.Examples, le)
					}
					if rw.out.Malformed != nil {
						buf = rw.out.Malformed(buf, le, line)
					}
				}
			default:
				if stage := rw.filter.stage(&rec); stage != passed {
					st.rejected[stage]++
					break
				}
				st.Matched++
				if rw.out.Record != nil {
					buf = rw.out.Record(buf, lines.format, &rec)
				}
			}
			if len(buf) >= chunkBytes {
				if err := send(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if len(buf) > 0 {
		if serr := send(); serr != nil && err == nil {
			err = serr
		}
	}
	if err == nil {
		err = rw.opts.checkMalformed(st.Lines, st.Malformed)
	}
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return &InputError{Input: in.Path, Err: err}
	}
	st.Inputs, st.Bytes = 1, n
	st.Files = []FileStats{{Path: in.Path, Lines: st.Lines, Malformed: st.Malformed, Bytes: n, Elapsed: time.Since(start)}}
	return nil
}

// newSpill makes a temporary file for output that must wait, unlinked at
// once where the system allows, so that nothing is left behind even when
// the process is killed. It returns nil when no file can be made.
func newSpill() *os.File {
	f, err := os.CreateTemp("", "logmr-spill-*")
	if err != nil {
		return nil
	}
	os.Remove(f.Name()) // on systems that refuse, copySpill removes it
	return f
}

// copySpill writes what an input spilled, when write is set, and releases
// the file either way.
func copySpill(w io.Writer, f *os.File, write bool) error {
	if f == nil {
		return nil
	}
	defer func() {
		f.Close()
		os.Remove(f.Name()) // where unlinking an open file failed
	}()
	if !write {
		return nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.CopyBuffer(w, f, make([]byte, chunkBytes))
	return err
}
