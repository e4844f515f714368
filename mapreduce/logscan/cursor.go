package logscan

import (
	"bytes"
	"context"
	"math"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
)

// Each cursor hands its lines to the Merger in batches of about
// batchBytes of text or batchLines lines, batchesPerCursor at most in
// flight: memory is bounded by the cursors read at once, by construction.
// With many cursors the batches shrink (see batchSize), down to
// minBatchBytes, so that together they take about batchBudget.
const (
	batchBytes       = 64 << 10
	batchLines       = 1024
	batchesPerCursor = 4
	minBatchBytes    = 1 << 10
	batchBudget      = 64 << 20
)

// batchSize is the bytes and lines of a batch when n cursors are read at
// once: a merge of 10,000 inputs by time holds 64 MiB of batches, not
// 2.5 GiB.
func batchSize(n int) (bytes, lines int) {
	bytes = min(batchBytes, max(minBatchBytes, batchBudget/(max(n, 1)*batchesPerCursor)))
	return bytes, max(bytes*batchLines/batchBytes, 16)
}

// A batch is lines of one cursor, in the order they are handed out, their
// text in one slab.
type batch struct {
	text  []byte
	items []item
}

// An item is one line of a batch.
type item struct {
	start, end int   // of its text in batch.text
	key        int64 // its instant in Unix nanoseconds (see MergeOptions.Window for a line without one)
	source     string
	format     *logparse.Format
	err        *logparse.LineError // nil: the line parsed and passed the filter
	// directives are the directive lines of its input before it, for a
	// stateful format (W3C's #Fields): what the Merger parses again
	// first, as the reader did. Appended to, never changed.
	directives [][]byte
}

// A cursor is one stream of a merge: an input, or a rotated chain of
// inputs read oldest first. produce reads it and sends batches; the
// Merger takes them, and gives each back once handed out.
type cursor struct {
	inputs []Input
	order  int // its place among the cursors: breaks ties of instants
	// A batch is sent once it holds batchBytes of text or batchLines
	// lines (batchSize).
	batchBytes, batchLines int
	full                   chan *batch // closed by produce
	free                   chan *batch // batches given back by the Merger
	// Written by produce, read by the Merger once full is closed.
	stats        []Stats // one per input
	failed       []*mapreduce.InputError
	late         int64
	lateExamples []LateLine
	maxLag       time.Duration
	// The Merger's.
	cur *batch // nil: none taken, or none left
	pos int    // the line of cur to hand out next
}

func newCursor(inputs []Input, order, cursors int) *cursor {
	bytes, lines := batchSize(cursors)
	return &cursor{inputs: inputs, order: order, batchBytes: bytes, batchLines: lines, full: make(chan *batch, batchesPerCursor),
		free: make(chan *batch, batchesPerCursor), stats: make([]Stats, len(inputs))}
}

// fill gives back the batch handed out and waits for the next one; false
// when the cursor has no more lines. It does not wait on a context: the
// producer closes full when it stops, whatever the reason.
func (c *cursor) fill() bool {
	if c.cur != nil {
		c.free <- c.cur // room by construction: at most batchesPerCursor exist
		c.cur = nil
	}
	b, ok := <-c.full
	if !ok {
		return false
	}
	c.cur, c.pos = b, 0
	return true
}

// head is the key of the cursor's next line.
func (c *cursor) head() int64 { return c.cur.items[c.pos].key }

// cursorHeap orders cursors by their next line's instant, then by order.
type cursorHeap []*cursor

func (h cursorHeap) less(i, j int) bool {
	a, b := h[i].head(), h[j].head()
	return a < b || a == b && h[i].order < h[j].order
}

func (h *cursorHeap) push(c *cursor) {
	*h = append(*h, c)
	h.up(len(*h) - 1)
}

// pop removes the first cursor.
func (h *cursorHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	if n > 0 {
		h.down(0)
	}
}

// fix restores the order once the first cursor moved on.
func (h cursorHeap) fix() { h.down(0) }

func (h cursorHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

func (h cursorHeap) down(i int) {
	for {
		least, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h.less(l, least) {
			least = l
		}
		if r < len(h) && h.less(r, least) {
			least = r
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}

// producer reads one cursor's inputs on a goroutine of its own.
type producer struct {
	m       *Merger
	c       *cursor
	ctx     context.Context
	b       *batch // being filled; nil: none yet
	made    int    // batches made, at most batchesPerCursor
	win     *window
	lastKey int64 // the key of the last line read
	stopped bool  // ctx is done: nothing more is sent
	// directives are the directive lines of the input being read, when
	// its format is stateful (see item.directives).
	directives [][]byte
}

// produce reads c's inputs in order and sends their lines, then closes
// c.full. An input that fails is recorded in c.failed and the next one
// read, unless FailFast, which stops the whole merge.
func (m *Merger) produce(c *cursor, readAhead bool) {
	defer close(c.full)
	p := &producer{m: m, c: c, ctx: m.ctx, lastKey: math.MinInt64}
	if m.opts.SortByTime {
		p.win = newWindow(m.opts.Window, m.opts.WindowBytes)
	}
	plan := newReadPlan(m.opts.ScanOptions, readAhead)
	for k, in := range c.inputs {
		if p.stopped || m.ctx.Err() != nil {
			break
		}
		ie := p.readInput(k, in, plan)
		if ie == nil {
			continue
		}
		if m.opts.FailFast {
			m.stopErr.CompareAndSwap(nil, &ie)
			m.cancel(ie)
			break
		}
		c.failed = append(c.failed, ie.(*mapreduce.InputError))
	}
	if p.win != nil && !p.stopped {
		p.win.flush(p.out)
	}
	if p.win != nil {
		c.late, c.lateExamples, c.maxLag = p.win.late, p.win.examples, time.Duration(p.win.maxLag)
	}
	if p.b != nil && len(p.b.items) > 0 && !p.stopped {
		p.send()
	}
}

// readInput reads the k-th input of the cursor, as WriteRecords'
// mapInput does; it returns the input's failure, an *InputError, or nil.
func (p *producer) readInput(k int, in Input, plan readPlan) error {
	opts := p.m.opts
	defer inputDone(opts.Progress)
	start := time.Now()
	st := &p.c.stats[k]
	var res readResult
	r, err := openInput(p.ctx, in, plan)
	if err == nil {
		res, err = r.close(p.readLines(in, r.Lines(), st))
	}
	if err == nil {
		err = opts.checkMalformed(st)
	}
	if skip, ok := skipped(in, err, len(opts.InputFilter) > 0); ok {
		st.Skipped = []SkippedInput{skip} // nothing was handed out: detection comes first
		return nil
	}
	if err != nil {
		if p.ctx.Err() != nil {
			return nil // the merge stopped: Merger.finish says why
		}
		return &mapreduce.InputError{Input: in.Path, Err: err}
	}
	st.Inputs, st.Bytes, st.Stored = 1, res.text, res.stored(in, opts.ScanOptions)
	st.Files = []FileStats{{Path: in.Path, Lines: st.Lines, Malformed: st.Malformed, Bytes: res.text,
		Parsed: st.Parsed, Sampled: st.Sampled, SampledMalformed: st.SampledMalformed,
		Inflater: res.inflater, Elapsed: time.Since(start)}}
	return nil
}

// readLines hands on the lines of one input that pass the filter and,
// with KeepMalformed, those that do not parse.
func (p *producer) readLines(in Input, lines *lineSource, st *Stats) error {
	keep := p.m.opts.KeepMalformed
	p.directives = nil
	// Every field: the Merger parses the line again for Entry.Record,
	// and must find it well-formed as this parse did.
	lp := newLineParser(p.ctx, in.Path, lines.format, p.m.match, logparse.AllFields, p.m.opts.maxExamples())
	lp.lineErrors = keep
	var bl *blockLines
	if !keep { // malformed lines handed out are every one: none passed over
		bl = p.m.pre.search(lines)
	}
	for {
		outcome, line, ok := lp.next(lines, bl, st)
		if !ok {
			return nil
		}
		switch outcome {
		case lineRejected:
			if lp.directive {
				lp.directive = false
				p.directives = append(p.directives, bytes.Clone(line))
			}
		case linePassed:
			it := item{key: p.lastKey, source: in.Path, format: lines.format, directives: p.directives}
			timed := lp.rec.HasTime()
			if timed {
				it.key = instantKey(lp.rec.Time, lp.rec.Nsec)
			}
			p.lastKey = it.key
			p.add(it, line, timed, st.Lines)
		case lineMalformed:
			if keep {
				p.add(item{key: p.lastKey, source: in.Path, format: lines.format, err: lp.lineErr, directives: p.directives}, line, false, st.Lines)
			}
		case lineStopped:
			return context.Cause(p.ctx)
		}
		if p.stopped {
			return context.Cause(p.ctx)
		}
	}
}

// add hands a line on, through the window when there is one.
func (p *producer) add(it item, line []byte, timed bool, lineNo int64) {
	if p.win == nil {
		p.out(it, line)
		return
	}
	p.win.add(it, line, timed, lineNo, p.out)
}

// out appends a line to the batch being filled, and sends the batch
// when it is full.
func (p *producer) out(it item, line []byte) {
	if p.stopped {
		return
	}
	if p.b == nil && !p.takeBatch() {
		return
	}
	b := p.b
	it.start = len(b.text)
	b.text = append(b.text, line...)
	it.end = len(b.text)
	b.items = append(b.items, it)
	if len(b.text) >= p.c.batchBytes || len(b.items) >= p.c.batchLines {
		p.send()
	}
}

// takeBatch takes an empty batch: a new one while fewer than
// batchesPerCursor exist, else one the Merger gave back.
func (p *producer) takeBatch() bool {
	select {
	case b := <-p.c.free:
		p.b = b
	default:
		if p.made < batchesPerCursor {
			p.made++
			p.b = &batch{text: make([]byte, 0, p.c.batchBytes+p.c.batchBytes/4), items: make([]item, 0, p.c.batchLines)}
			return true
		}
		select {
		case b := <-p.c.free:
			p.b = b
		case <-p.ctx.Done():
			p.stopped = true
			return false
		}
	}
	p.b.text, p.b.items = p.b.text[:0], p.b.items[:0]
	return true
}

// send hands the batch to the Merger.
func (p *producer) send() {
	select {
	case p.c.full <- p.b:
		p.b = nil
	case <-p.ctx.Done():
		p.stopped = true
	}
}

// keyLimit bounds instants, in nanoseconds: the years 1824 to 2116 as
// they are, earlier and later ones (a year 9999 in a garbled line) held
// at the bounds, so that keys and their differences never overflow.
const keyLimit = 1 << 62

// instantKey is the merge's key of a time: Unix nanoseconds, saturated at
// ±keyLimit.
func instantKey(sec int64, nsec int32) int64 {
	const limitSec = keyLimit / 1_000_000_000
	switch {
	case sec >= limitSec:
		return keyLimit
	case sec <= -limitSec:
		return -keyLimit
	}
	return sec*1e9 + int64(nsec)
}
