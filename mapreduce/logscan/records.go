package logscan

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logmr/logmr/fanout"
	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
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
	// Entry, when set, is used instead of Record and Malformed: it
	// appends each record that passed the filter and, with
	// KeepMalformed, each malformed line, as Merge hands them out (with
	// the input's name and the line as logged).
	Entry         func(dst []byte, e *Entry) []byte
	KeepMalformed bool
}

// chunkBytes is how much encoded output a worker gathers before handing it
// to the writer, and chunksAhead how many segments an input may have
// waiting: memory is bounded by workers * (chunksAhead+1) * chunkBytes.
// An input that is not being written yet and has filled its queue spills
// the rest of its output to an unlinked temporary file instead of waiting,
// so every worker stays busy; the spill goes to the writer as one segment,
// in its place among the chunks. Disk use is then at most the output of
// the inputs not yet written. A spill that cannot be written (a full disk)
// keeps the whole chunks written before the failure, and the input goes on
// by waiting for the writer: no record is lost or cut.
const (
	chunkBytes  = 256 << 10
	chunksAhead = 4
)

// WriteRecords reads the inputs that paths name (see FindInputs) on
// opts.Workers goroutines and writes to w what out encodes, inputs in the
// order FindInputs lists them and lines in their order, so the output does
// not depend on the worker count.
//
// Inputs are claimed in order (fanout.Ordered); each worker encodes into
// chunks, and the calling goroutine writes the first unfinished input's
// chunks as they come while later inputs' chunks wait, a few at most per
// input, the rest spilled (see chunksAhead). An input that
// fails part way has its records up to the failure written; the failures
// come back as a *mapreduce.FailedInputs, as from ScanLogs. With opts.FailFast the
// first failure stops every worker instead, the output is cut short and
// that input's *mapreduce.InputError is returned. A write error or a cancelled ctx
// stops every worker and is returned.
func WriteRecords(ctx context.Context, paths []string, w io.Writer, out RecordOutput, opts ScanOptions) (Stats, error) {
	// Records are written as they are read: a child decompressor's
	// failure could not take them back (see ScanOptions.Decompressor).
	opts.Decompressor = Decompressor{}
	if err := opts.Filter.Check(); err != nil {
		return Stats{}, err // before walking any directory
	}
	inputs, failed, err := FindInputs(paths, opts.Selection)
	if err != nil {
		return Stats{}, err
	}
	workers, match, err := setUp(opts, inputs, failed, true)
	if err != nil {
		return Stats{}, err
	}
	opts.Workers = workers

	rw := &recordWriter{opts: opts, out: out, filter: match, prefilter: newPrefilter(match),
		readAhead:  len(inputs) < workerCount(opts.Workers),
		spillSlots: make(chan struct{}, spillSlots(opts, opts.Workers)), // fdlimit.go
		waitingMax: int64(opts.Workers * chunksAhead),
		stats:      make([]Stats, len(inputs)),
	}
	var writeErr error
	workErr := fanout.Ordered(ctx, inputs, fanout.OrderedOptions[segment]{
		Workers:       opts.Workers,
		CollectErrors: !opts.FailFast,
		// One place more than the chunks may take: a spill's segment,
		// sent when the input ends, never waits for the writer, and the
		// worker moves on to the next input.
		Queue:   chunksAhead + 1,
		Ahead:   -1, // inputs ahead of the writer spill what waits (segmentSender)
		Discard: func(_ int, seg segment) { rw.write(w, seg, false) },
	}, rw.mapInput, func(i int, seg segment) error {
		if err := rw.write(w, seg, true); err != nil {
			writeErr = fmt.Errorf("writing records of %s: %w", inputs[i].Path, err)
			return writeErr
		}
		return nil
	})
	var total Stats
	for i := range inputs {
		total.merge(rw.stats[i], opts.maxExamples())
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
	failed, err = addFailed(failed, workErr)
	if err != nil {
		return total, err
	}
	return total, failedError(failed)
}

// recordWriter is the state WriteRecords' workers share.
type recordWriter struct {
	opts      ScanOptions
	out       RecordOutput
	filter    *filter.Matcher
	prefilter *prefilter // nil: the filter requires no text
	readAhead bool
	stats     []Stats   // stats[i]: written by input i's worker, read once Ordered returns
	buffers   sync.Pool // of *[]byte with chunkBytes capacity
	// noSpill is set once a spill failed to write: the disk is full, and
	// the workers wait for the writer instead of trying again.
	noSpill atomic.Bool
	// spillSlots bounds the spill files open at once (see spillSlots):
	// every input ahead of the writer may hold one, and with thousands of
	// small inputs they would take the descriptors the inputs need. Past
	// that, inputs wait for the writer.
	spillSlots chan struct{}
	// waiting counts the chunks held in memory by inputs the writer has
	// not come to, across all of them; past waitingMax an input spills
	// instead. Without it, inputs too small to fill their own queue would
	// each keep theirs in memory while the writer is held on an earlier
	// one: memory would grow with the inputs ahead, not the workers.
	waiting    atomic.Int64
	waitingMax int64
}

// A segment is a piece of one input's output: a chunk in memory, or the
// first n bytes of a spill file, which the writer copies and closes.
type segment struct {
	chunk   []byte
	spill   *os.File
	n       int64
	waiting bool // the chunk counts in recordWriter.waiting
}

// write writes seg to w when writeOK, and releases it either way.
func (rw *recordWriter) write(w io.Writer, seg segment, writeOK bool) error {
	if seg.waiting {
		rw.waiting.Add(-1)
	}
	if seg.spill != nil {
		return rw.copySpill(w, seg.spill, seg.n, writeOK)
	}
	var err error
	if writeOK {
		_, err = w.Write(seg.chunk)
	}
	chunk := seg.chunk[:0]
	rw.buffers.Put(&chunk)
	return err
}

func (rw *recordWriter) buffer() []byte {
	if b, ok := rw.buffers.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 0, chunkBytes+chunkBytes/4)
}

// mapInput encodes input i into segments and sends them to the writer.
func (rw *recordWriter) mapInput(ctx context.Context, i int, in Input, segs *fanout.Stream[segment]) error {
	defer inputDone(rw.opts.Progress)
	start := time.Now()
	st := &rw.stats[i]
	buf := rw.buffer()
	out := &segmentSender{rw: rw, out: segs}
	defer out.closeSpill() // on every return: the spill, if any, goes before the close
	send := func() error {
		var err error
		buf, err = out.send(buf)
		return err
	}
	var res readResult
	r, err := openInput(ctx, in, newReadPlan(rw.opts, rw.readAhead))
	if err == nil {
		res, err = r.close(rw.encodeLines(ctx, in, r.Lines(), st, &buf, send))
	}
	if len(buf) > 0 {
		if serr := send(); serr != nil && err == nil {
			err = serr
		}
	}
	if serr := out.closeSpill(); serr != nil && err == nil {
		err = serr
	}
	if err == nil {
		err = rw.opts.checkMalformed(st)
	}
	if skip, ok := skipped(in, err, len(rw.opts.InputFilter) > 0); ok {
		st.Skipped = []SkippedInput{skip} // nothing was written: detection comes first
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return &mapreduce.InputError{Input: in.Path, Err: err}
	}
	st.Inputs, st.Bytes, st.Stored = 1, res.text, res.stored(in, rw.opts)
	st.Files = []FileStats{{Path: in.Path, Lines: st.Lines, Malformed: st.Malformed, Bytes: res.text,
		Parsed: st.Parsed, Sampled: st.Sampled, SampledMalformed: st.SampledMalformed,
		Inflater: res.inflater, Elapsed: time.Since(start)}}
	if res.format != nil {
		st.Files[0].Format = res.format.Name
	}
	return nil
}

// encodeLines encodes each line of lines into *buf, as rw.out says, and
// hands *buf on with send whenever it holds a chunk.
func (rw *recordWriter) encodeLines(ctx context.Context, in Input, lines *lineSource, st *Stats, buf *[]byte, send func() error) error {
	p := newLineParser(ctx, in.Path, lines.format, rw.filter, logparse.AllFields, rw.opts.maxExamples())
	p.lineErrors = rw.out.Malformed != nil || rw.out.Entry != nil && rw.out.KeepMalformed
	var bl *blockLines
	// Malformed lines written out are every one: no line is passed over.
	if !p.lineErrors {
		bl = rw.prefilter.search(lines)
	}
	var e Entry // one for the input: RecordOutput.Entry does not keep it
	for {
		outcome, line, ok := p.next(lines, bl, st)
		if !ok {
			return nil
		}
		switch {
		case rw.out.Entry != nil:
			if rw.entry(&e, outcome, in, lines.format, p, line) {
				*buf = rw.out.Entry(*buf, &e)
			}
		case outcome == linePassed:
			if rw.out.Record != nil {
				*buf = rw.out.Record(*buf, lines.format, &p.rec)
			}
		case outcome == lineMalformed:
			if rw.out.Malformed != nil {
				*buf = rw.out.Malformed(*buf, p.lineErr, line)
			}
		}
		if outcome == lineStopped {
			return context.Cause(ctx)
		}
		if len(*buf) >= chunkBytes {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// entry is the Entry of a line for RecordOutput.Entry; false when the
// line is not written.
func (rw *recordWriter) entry(e *Entry, outcome lineOutcome, in Input, f *logparse.Format, p *lineParser, line []byte) bool {
	switch {
	case outcome == linePassed:
		*e = Entry{Source: in.Path, Line: line, Format: f, Record: &p.rec}
	case outcome == lineMalformed && rw.out.KeepMalformed:
		*e = Entry{Source: in.Path, Line: line, Format: f, Err: p.lineErr}
	default:
		return false
	}
	return true
}

// segmentSender hands one input's chunks to the writer, in order,
// spilling them to a temporary file while the writer is busy with an
// earlier input and the input's queue is full.
type segmentSender struct {
	rw      *recordWriter
	out     *fanout.Stream[segment]
	spill   *os.File // nil when not spilling
	spilled int64    // whole chunks written to spill
}

// send hands buf on and returns an empty buffer to fill next.
func (s *segmentSender) send(buf []byte) ([]byte, error) {
	rw := s.rw
	if s.spill == nil && !s.out.Consuming() && !rw.noSpill.Load() {
		// Only this worker sends to the queue: with room for a chunk
		// and the spill's place, the send cannot fail.
		if s.out.Queued() < chunksAhead {
			if rw.waiting.Add(1) <= rw.waitingMax && s.out.TrySend(segment{chunk: buf, waiting: true}) {
				return rw.buffer(), nil
			}
			rw.waiting.Add(-1) // over the limit (or no room after all): not held
		}
		s.spill = rw.newSpill() // nil when no temporary file can be made: wait then
	}
	if s.spill != nil {
		if s.out.Consuming() {
			// The writer has come to this input: what is spilled goes
			// now, and the rest straight to the writer.
			if err := s.closeSpill(); err != nil {
				return buf, err
			}
		} else if _, err := s.spill.Write(buf); err == nil {
			s.spilled += int64(len(buf))
			return buf[:0], nil
		} else {
			// A full disk, say: the chunks written whole stay, the
			// cut one is not copied (closeSpill sends only the first
			// s.spilled bytes), and buf waits for the writer instead.
			rw.noSpill.Store(true)
			spillFailures.Add(1)
			if err := s.closeSpill(); err != nil {
				return buf, err
			}
		}
	}
	if err := s.put(segment{chunk: buf}); err != nil {
		return buf, err
	}
	return rw.buffer(), nil
}

// closeSpill sends what was spilled, as one segment, and stops spilling.
func (s *segmentSender) closeSpill() error {
	if s.spill == nil {
		return nil
	}
	seg := segment{spill: s.spill, n: s.spilled}
	s.spill, s.spilled = nil, 0
	if err := s.put(seg); err != nil {
		s.rw.releaseSpill(seg.spill)
		return err
	}
	return nil
}

// put waits for room in the input's queue.
func (s *segmentSender) put(seg segment) error { return s.out.Send(seg) }

// spillFailures counts the spills that failed to write, for the tests.
var spillFailures atomic.Int64

// newSpill makes a temporary file for output that must wait, unlinked at
// once where the system allows, so that nothing is left behind even when
// the process is killed. It returns nil when no file can be made, or
// as many as workers are open.
func (rw *recordWriter) newSpill() *os.File {
	select {
	case rw.spillSlots <- struct{}{}:
	default:
		return nil
	}
	f, err := os.CreateTemp("", "logmr-spill-*")
	if err != nil {
		<-rw.spillSlots
		return nil
	}
	os.Remove(f.Name()) // on systems that refuse, releaseSpill removes it
	return f
}

// copySpill writes the first n bytes of a spill file, when write is set,
// and releases the file either way.
func (rw *recordWriter) copySpill(w io.Writer, f *os.File, n int64, write bool) error {
	defer rw.releaseSpill(f)
	if !write {
		return nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	copied, err := io.CopyBuffer(w, io.LimitReader(f, n), make([]byte, chunkBytes))
	if err == nil && copied < n {
		err = fmt.Errorf("spill file: %d of %d bytes read back", copied, n)
	}
	return err
}

func (rw *recordWriter) releaseSpill(f *os.File) {
	f.Close()
	os.Remove(f.Name()) // where unlinking an open file failed
	<-rw.spillSlots
}
