package mapreduce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

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
// come back as a *FailedInputs, as from ScanLogs. A write error or a
// cancelled ctx stops every worker and is returned.
func WriteRecords(ctx context.Context, paths []string, w io.Writer, out RecordOutput, opts ScanOptions) (Stats, error) {
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
		stats:     make([]Stats, len(inputs)),
	}
	for i := range rw.chunks {
		rw.chunks[i] = make(chan []byte, chunksAhead)
	}
	done := make(chan error, 1) // the workers' result; sent by the goroutine below
	var panicked any
	go func() {
		defer func() {
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
		for chunk := range rw.chunks[i] {
			if writeErr == nil {
				if _, err := w.Write(chunk); err != nil {
					writeErr = fmt.Errorf("writing records of %s: %w", in.Path, err)
					cancel(writeErr)
				}
			}
			rw.buffers.Put(chunk[:0])
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
	stats     []Stats       // stats[i]: written by input i's worker before it closes chunks[i]
	buffers   sync.Pool     // of []byte with chunkBytes capacity
}

func (rw *recordWriter) buffer() []byte {
	if b, ok := rw.buffers.Get().([]byte); ok {
		return b
	}
	return make([]byte, 0, chunkBytes+chunkBytes/4)
}

// mapInput encodes input i into chunks and sends them to the writer.
func (rw *recordWriter) mapInput(ctx context.Context, i int, in Input) error {
	defer close(rw.chunks[i])
	st := &rw.stats[i]
	buf := rw.buffer()
	send := func() error {
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
			case rw.filter.match(&rec):
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
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return &InputError{Input: in.Path, Err: err}
	}
	st.Inputs, st.Bytes = 1, n
	return nil
}
