package logscan

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
)

// DefaultSortWindow is the reorder window of a merge by time when
// MergeOptions.Window is 0: Apache and nginx log a request when it ends,
// stamped with the time it began, so a slow request's line comes after
// those of requests that began later.
const DefaultSortWindow = 5 * time.Second

// defaultWindowBytes bounds the lines one stream holds back for its
// window when MergeOptions.WindowBytes is 0.
const defaultWindowBytes = 16 << 20

// MergeOptions configures Merge. The zero value hands out every record
// of every input, inputs in FindInputs order, each whole.
type MergeOptions struct {
	// ScanOptions say what is read and how: Format, Filter, Selection,
	// Workers (the inputs read at once without SortByTime), FailFast,
	// InputFilter, ChildTimeout, MaxMalformed, CheckAllLines, Progress
	// and MaxExamples apply; Cache, Decompressor and AnyOrder do not.
	ScanOptions
	// SortByTime merges the inputs into one stream ordered by instant,
	// whatever UTC offset each line was logged with; lines of the same
	// instant come in input order (the order FindInputs lists them), then
	// in their order in the input. Every input is read at once, each on a
	// goroutine of its own, except that a rotated chain (access.log.2.gz,
	// access.log.1, access.log) is read as one stream, oldest file first
	// (see chains).
	SortByTime bool
	// Window is how far, with SortByTime, a line may come after lines of
	// later instants in its own input and still be handed out in order:
	// each input's lines are held back until a line Window newer has
	// been read. A line later than that is handed out as soon as it is
	// read, out of order, and counted in MergeStats.Late. A line without
	// a time (a malformed line with KeepMalformed, or a format without
	// %t) takes the instant of the line before it in its input, and so
	// stays right after it; before the input's first time, it comes
	// before every line that has one. 0 means DefaultSortWindow; negative means no
	// window (the lines of each input are taken as already in order).
	Window time.Duration
	// WindowBytes bounds the bytes of lines an input holds back for its
	// window: 0 means 16 MiB. Past it, the earliest lines go out early,
	// as with a shorter window. Memory is then bounded by the inputs read
	// at once times (WindowBytes plus four batches of about 64 KiB, less
	// when more than 256 inputs are read at once: 64 MiB in all).
	WindowBytes int
	// KeepMalformed hands out the lines that do not parse too, in their
	// place, with Entry.Record nil and Entry.Err set; otherwise they are
	// only counted (Stats.Malformed, Stats.Examples).
	KeepMalformed bool
	// LinesOnly leaves Entry.Record nil for every line, Entry.Err still
	// telling the malformed ones: for a caller that uses the lines as
	// logged, it saves parsing each line a second time (Merge parses a
	// line on its input's goroutine, to filter it and learn its time, and
	// again as Next hands it out, for the Record).
	LinesOnly bool
}

// MergeStats describe what a Merge read.
type MergeStats struct {
	Stats
	// Late is the lines that SortByTime handed out after a line of a
	// later instant of the same input, because they came more than the
	// window after it; LateExamples are the first of them (MaxExamples).
	Late         int64
	LateExamples []LateLine
	// MaxLag is the disorder measured: the most a line came after a line
	// of a later instant in its input, late or not. A Window of MaxLag
	// would have put every input in order (WindowBytes permitting).
	MaxLag time.Duration
}

// A LateLine is a line that came later than the reorder window allows.
type LateLine struct {
	File   string
	Line   int64
	Behind time.Duration // how much earlier it is than a line handed out before it
}

// A Merger hands out the lines of many inputs as one stream: see Merge.
// It is used by one goroutine: Next, Entry, Err, Stats and Close are
// not safe for concurrent use.
type Merger struct {
	parent  context.Context
	ctx     context.Context // cancelled by Close, or by a FailFast failure
	cancel  context.CancelCauseFunc
	opts    MergeOptions
	match   *filter.Matcher
	pre     *prefilter
	cursors []*cursor
	heap    cursorHeap    // SortByTime: the cursors with a line to hand out
	next    int           // without SortByTime: the cursor being handed out
	slots   chan struct{} // without SortByTime: a place per cursor claimed and not yet handed out
	started bool          // SortByTime: the heap holds every cursor's first line
	last    *cursor       // the cursor of the entry handed out last
	wg      sync.WaitGroup
	failed  []*mapreduce.InputError // inputs that could not be listed
	stopErr atomic.Pointer[error]   // FailFast: the first failure
	err     error
	done    bool
	stats   MergeStats
	entry   Entry
	rec     logparse.Record
	parsers map[*logparse.Format]*logparse.Parser
	// replayed are the Parsers of inputs in a stateful format, by name.
	replayed map[string]*replayedParser
}

// Merge reads the inputs that paths name (see FindInputs) and returns a
// Merger that hands out their lines, one Entry per Next: the records
// that pass opts.Filter and, with opts.KeepMalformed, the lines that do
// not parse. Without opts.SortByTime the inputs come in FindInputs
// order, each whole, opts.Workers read ahead at once; with it, by time
// (see MergeOptions.SortByTime).
//
// Reading starts at once, on goroutines that Merge starts: the caller
// reads the Merger to its end or calls Close, which waits for them.
// Each input hands over batches of lines through a queue of four, so
// memory is bounded by the inputs read at once, not by their size.
//
// An input that fails part way has the lines read before the failure
// handed out, and the rest of the inputs are read: Err then returns a
// *mapreduce.FailedInputs, as ScanLogs does. With opts.FailFast the
// first failure stops the merge and Err returns its
// *mapreduce.InputError. Options that cannot be used fail Err at once,
// with ErrInvalidOptions.
func Merge(ctx context.Context, paths []string, opts MergeOptions) *Merger {
	m := &Merger{parent: ctx, opts: opts, parsers: map[*logparse.Format]*logparse.Parser{},
		replayed: map[string]*replayedParser{}}
	m.ctx, m.cancel = context.WithCancelCause(ctx)
	if err := m.start(paths); err != nil {
		m.err, m.done = err, true
		m.cancel(err)
	}
	return m
}

// start finds the inputs and starts reading them.
func (m *Merger) start(paths []string) error {
	if err := m.opts.Filter.Check(); err != nil {
		return err
	}
	m.opts.Decompressor = Decompressor{} // lines are handed out as read: no second reading
	m.opts.Cache = nil
	inputs, failed, err := FindInputs(paths, m.opts.Selection)
	if err != nil {
		return err
	}
	workers, match, err := setUp(m.opts.ScanOptions, inputs, failed, false)
	if err != nil {
		return err
	}
	m.failed, m.match, m.pre = failed, match, newPrefilter(match)
	groups := [][]Input{}
	if m.opts.SortByTime {
		groups = chains(inputs)
	} else {
		for _, in := range inputs {
			groups = append(groups, []Input{in})
		}
	}
	inFlight := len(groups) // by time, every cursor is read at once
	if !m.opts.SortByTime {
		inFlight = min(inFlight, 2*workers)
		m.slots = make(chan struct{}, inFlight)
	}
	for i, g := range groups {
		m.cursors = append(m.cursors, newCursor(g, i, inFlight))
	}
	if m.opts.SortByTime {
		for _, c := range m.cursors {
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				m.produce(c, false)
			}()
		}
		return nil
	}
	var claimed atomic.Int64
	readAhead := len(m.cursors) < workerCount(workers)
	for range min(workers, len(m.cursors)) {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			// Cursors are claimed in order, so the one being handed
			// out always has a goroutine, or is the next claimed: the
			// others wait for it with their queues full, never the
			// other way round. A slot bounds the cursors claimed and
			// not yet handed out, whose batches wait.
			for {
				select {
				case m.slots <- struct{}{}:
				case <-m.ctx.Done(): // produce closes the cursor at once
				}
				i := int(claimed.Add(1)) - 1
				if i >= len(m.cursors) {
					return
				}
				m.produce(m.cursors[i], readAhead)
			}
		}()
	}
	return nil
}

// Next advances to the next line, which Entry then returns; it blocks
// until that line is read. It returns false at the end of the inputs,
// or when the merge failed or was closed: Err says which.
func (m *Merger) Next() bool {
	if m.done {
		return false
	}
	c := m.advance()
	if c == nil {
		m.finish()
		return false
	}
	m.last = c
	it := &c.cur.items[c.pos]
	m.entry = Entry{Source: it.source, Line: c.cur.text[it.start:it.end], Format: it.format, Err: it.err}
	if it.err == nil && !m.opts.LinesOnly {
		// It parsed on its reader's goroutine: it parses the same here.
		if err := m.parser(it).Parse(m.entry.Line, &m.rec); err == nil {
			m.entry.Record = &m.rec
		}
	}
	return true
}

// parser returns the Parser to parse it again with: one per format, or,
// for a stateful format, one per input that has parsed the directives
// before it (once more when the lines come out of order around one).
func (m *Merger) parser(it *item) *logparse.Parser {
	if !it.format.Stateful() {
		p := m.parsers[it.format]
		if p == nil {
			p = logparse.NewParser(it.format)
			m.parsers[it.format] = p
		}
		return p
	}
	r := m.replayed[it.source]
	if r == nil || r.format != it.format || len(r.directives) != len(it.directives) {
		r = &replayedParser{p: logparse.NewParser(it.format), format: it.format, directives: it.directives}
		for _, d := range it.directives {
			r.p.Parse(d, &m.rec) // logparse.ErrNotRecord: the parser takes it in
		}
		m.replayed[it.source] = r
	}
	return r.p
}

// A replayedParser is a stateful format's Parser for one input, after
// the directive lines it parsed.
type replayedParser struct {
	p          *logparse.Parser
	format     *logparse.Format
	directives [][]byte
}

// Entry returns the current line, valid until the next call to Next.
func (m *Merger) Entry() *Entry { return &m.entry }

// All returns the entries as an iterator, for a range loop: it calls Next
// until the end, and Close when the loop stops early. Err and Stats are
// read after the loop.
func (m *Merger) All() iter.Seq[*Entry] {
	return func(yield func(*Entry) bool) {
		for m.Next() {
			if !yield(m.Entry()) {
				m.Close()
				return
			}
		}
	}
}

// advance moves past the line handed out last and returns the cursor
// whose head is the next line to hand out; nil at the end.
func (m *Merger) advance() *cursor {
	if c := m.last; c != nil {
		m.last = nil
		c.pos++
		if c.pos == len(c.cur.items) && !c.fill() && m.opts.SortByTime {
			m.heap.pop()
		} else if m.opts.SortByTime {
			m.heap.fix()
		}
	} else if m.opts.SortByTime && !m.started {
		m.started = true
		for _, c := range m.cursors {
			if c.fill() {
				m.heap.push(c)
			}
		}
	}
	if m.opts.SortByTime {
		if len(m.heap) == 0 {
			return nil
		}
		return m.heap[0]
	}
	for ; m.next < len(m.cursors); m.next++ {
		if c := m.cursors[m.next]; c.cur != nil && c.pos < len(c.cur.items) || c.fill() {
			return c
		}
		select { // the cursor is handed out: another may be claimed
		case <-m.slots:
		default: // claimed without a slot, once the merge was stopped
		}
	}
	return nil
}

// finish waits for the readers and settles Err and Stats.
func (m *Merger) finish() {
	m.done = true
	m.wg.Wait()
	maxEx := m.opts.maxExamples()
	failed := m.failed
	for _, c := range m.cursors {
		for _, st := range c.stats {
			m.stats.Stats.merge(st, maxEx)
		}
		m.stats.Late += c.late
		m.stats.MaxLag = max(m.stats.MaxLag, c.maxLag)
		m.stats.LateExamples = append(m.stats.LateExamples, c.lateExamples[:min(len(c.lateExamples), maxEx-len(m.stats.LateExamples))]...)
		failed = append(failed, c.failed...)
	}
	switch stop := m.stopErr.Load(); {
	case m.err != nil:
	case stop != nil:
		m.err = *stop
	case m.parent.Err() != nil:
		m.err = context.Cause(m.parent)
	case m.ctx.Err() != nil: // closed
	default:
		m.err = failedError(failed)
	}
	m.cancel(errMergeDone)
}

// errMergeDone cancels a Merger's context once it has ended.
var errMergeDone = errors.New("merge ended")

// Err returns why the merge ended: nil when every input was read to its
// end, else as Merge says. It is set once Next returns false.
func (m *Merger) Err() error { return m.err }

// Stats returns what was read; complete once Next returns false.
func (m *Merger) Stats() MergeStats { return m.stats }

// Close stops the merge, if it has not ended, and waits for its
// goroutines. It is safe to call more than once.
func (m *Merger) Close() {
	if !m.done {
		m.cancel(errMergeDone) // every reader's send gives up
		m.finish()
	}
}
