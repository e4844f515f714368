package logscan

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/cache"
)

// windowCache lets a cached query with a time window (Since, Until) skip
// the inputs whose time range lies wholly outside the window, and answer
// those whose range lies wholly inside it with the partial of the same
// query without the window: a window that moves every night (--since
// yesterday --until today) is a new query every night, but the window-free
// query is the same.
//
// An input's range (cache.Times) is kept in the window-free query's entry
// for it, next to its stats; it is known only when every line was parsed
// and every well-formed line logged a time (knownTimes), so a skip is exact:
// min and max over every line need no guess about the order of times. An
// input with no known range is read under the window with every line
// parsed (readPlan.everyLine), and its range and stats stored in a
// window-free entry with no partial (storeFacts).
type windowCache[A Aggregate[A]] struct {
	own          *logScanner[A] // the query with the window
	free         *logScanner[A] // the same query without the window, on its own cache query
	since, until time.Time      // zero: no bound
}

// newWindowCache returns the windowCache of s, the scanner of a cached
// query; nil when the query has no window.
func newWindowCache[A Aggregate[A]](s *logScanner[A]) (*windowCache[A], error) {
	kind := any(s.newAggregate()).(PartialCodec).PartialKind() // ScanInputs checked
	f := s.opts.Filter
	if f.Since.IsZero() && f.Until.IsZero() {
		return nil, nil
	}
	opts := s.opts
	opts.Filter.Since, opts.Filter.Until = time.Time{}, time.Time{}
	match, err := opts.Filter.Compile()
	if err != nil {
		return nil, err
	}
	cq, err := opts.Cache.Query("build " + strconv.Quote(BuildID()) + "\n" + QueryDescription(kind, opts))
	if err != nil {
		return nil, err
	}
	free := &logScanner[A]{opts: opts, filter: match, newAggregate: s.newAggregate, cache: cq,
		fields: s.fields | match.Fields() | logparse.FieldTime, plan: s.plan}
	return &windowCache[A]{own: s, free: free, since: f.Since, until: f.Until}, nil
}

// knownTimes is the range of the times of the well-formed lines st counts,
// nil unless every line was parsed and every well-formed one logged a time.
func knownTimes(st *Stats) *cache.Times {
	if st.Parsed != st.Lines || st.span.n != st.Lines-st.Malformed {
		return nil
	}
	if !st.span.ok {
		return &cache.Times{None: true}
	}
	return &cache.Times{First: st.span.first, Last: st.span.last}
}

// joinTimes is the range of a file whose first part has range a and the
// rest range b; nil when either is unknown.
func joinTimes(a, b *cache.Times) *cache.Times {
	switch {
	case a == nil || b == nil:
		return nil
	case a.None:
		return b
	case b.None:
		return a
	}
	return &cache.Times{First: min(a.First, b.First), Last: max(a.Last, b.Last)}
}

// A placement is where an input's time range lies against the window.
type placement uint8

const (
	straddles placement = iota // or unknown: the input is read
	outside
	inside
)

// place compares t with the window. Times are kept in whole seconds and a
// line's may have a fraction, so a line of second Last is before Last+1.
func (w *windowCache[A]) place(t *cache.Times) placement {
	switch {
	case t == nil:
		return straddles
	case t.None:
		return outside // no line has a time the window could take
	}
	first, afterLast := time.Unix(t.First, 0), time.Unix(t.Last+1, 0)
	if !w.until.IsZero() && !first.Before(w.until) || !w.since.IsZero() && !afterLast.After(w.since) {
		return outside
	}
	if (w.since.IsZero() || !first.Before(w.since)) && (w.until.IsZero() || !afterLast.After(w.until)) {
		return inside
	}
	return straddles
}

// answer answers for in, the opened file with identity id, from the
// window-free query's entry when the window rules the file out or in;
// done is false when the file is to be read under the window, with
// plan.everyLine set when its range is not known. side is what using the
// cache did meanwhile (an entry resumed), for the caller's stats.
func (w *windowCache[A]) answer(ctx context.Context, in Input, plan *readPlan, file *os.File, id cache.FileID, start time.Time) (out scanned[A], done bool, side CacheStats, err error) {
	k, err := w.known(ctx, in, *plan, file, id, start)
	if err != nil {
		return out, true, side, err
	}
	if k.times == nil {
		plan.everyLine = true
		return out, false, side, nil
	}
	if k.resumed {
		side = k.out.stats.Cache
		side.Resumed, side.Misses, side.Hits = 0, 0, 0
	}
	place := w.place(k.times)
	if k.resumed && place != straddles && plan.progress != nil {
		plan.progress.Add(k.out.stats.Stored) // read, with none, in case it was read again
	}
	switch {
	case place == outside:
		op := *plan
		if k.resumed {
			op.progress = nil // told above
		} else {
			w.free.cache.Touch(id)
		}
		out, err := w.outside(in, op, id, k.out.stats, side, start)
		return out, true, side, err
	case place == inside && k.resumed:
		return k.out, true, side, nil // the free query's answer is the window's
	case place == inside:
		return w.inside(ctx, in, *plan, file, id, k, start)
	}
	return out, false, side, nil
}

// knownFile is what the window-free query's entry knows of a file.
type knownFile[A Aggregate[A]] struct {
	entry   *cache.Entry
	times   *cache.Times // nil: not known
	out     scanned[A]   // the entry's stats; resumed: the free query's answer
	resumed bool         // the entry was resumed: out is finished
}

// known loads the window-free query's entry of file, and resumes it when
// file has grown since: the appended lines may log any time, so they are
// read, under the free query, and the range grows with them.
func (w *windowCache[A]) known(ctx context.Context, in Input, plan readPlan, file *os.File, id cache.FileID, start time.Time) (knownFile[A], error) {
	q := w.free
	var k knownFile[A]
	e, err := q.cache.Load(id)
	if err == nil && e != nil {
		k.out.stats, err = decodeStats(e.Stats, in.Path)
	}
	if err != nil || e == nil || e.Times == nil || k.out.stats.Parsed != k.out.stats.Lines {
		return knownFile[A]{}, nil // a range is known only with every line parsed
	}
	k.entry = e
	switch whole, resume := q.usable(file, e, id); {
	case whole:
		k.times = e.Times
	case resume && !e.NoPartial:
		k.out.agg = q.newAggregate()
		if any(k.out.agg).(PartialCodec).ReadPartial(e.Partial) != nil {
			return knownFile[A]{}, nil
		}
		// Progress is told once it is known whether the file is read
		// again under the window.
		plan.everyLine, plan.progress = true, nil
		k.out, k.times, err = q.resume(ctx, in, plan, file, id, e, k.out, CacheStats{}, start)
		k.resumed = true
	}
	return k, err
}

// inside is the answer for an input wholly inside the window, whose
// window-free entry k is whole: its partial, when it has one.
func (w *windowCache[A]) inside(ctx context.Context, in Input, plan readPlan, file *os.File, id cache.FileID, k knownFile[A], start time.Time) (scanned[A], bool, CacheStats, error) {
	q := w.free
	if k.entry.NoPartial && w.ownHit(file, id) {
		return scanned[A]{}, false, CacheStats{}, nil // this very window's entry answers
	}
	if !k.entry.NoPartial {
		k.out.agg = q.newAggregate()
		if any(k.out.agg).(PartialCodec).ReadPartial(k.entry.Partial) == nil {
			out, err := q.fromEntry(in, plan, id, k.out, CacheStats{}, start)
			return out, true, CacheStats{}, err
		}
	}
	// Read it once under the free query: it costs what reading it under
	// the window would, and from then on any window holding the file is
	// answered from the cache.
	plan.everyLine = true
	out, err := q.readFull(ctx, in, plan, file, start, &CacheStats{Misses: 1})
	return out, true, CacheStats{}, err
}

// ownHit says whether the window's own query has an entry for the whole
// of file (a run repeated with the same window).
func (w *windowCache[A]) ownHit(file *os.File, id cache.FileID) bool {
	e, err := w.own.cache.Load(id)
	if err != nil || e == nil || e.NoPartial {
		return false
	}
	whole, _ := w.own.usable(file, e, id)
	return whole
}

// outside is the answer for an input wholly outside the window, from free,
// its stats under the window-free query: every well-formed line that
// passed the stages tested before the time is rejected by the window,
// malformed lines count as they did, and nothing matches.
func (w *windowCache[A]) outside(in Input, plan readPlan, id cache.FileID, free Stats, side CacheStats, start time.Time) (scanned[A], error) {
	st := Stats{Lines: free.Lines, Parsed: free.Parsed, Malformed: free.Malformed, Bytes: free.Bytes,
		Stored: max(id.Size, free.Stored), Examples: free.Examples, span: free.span}
	early := int64(0)
	for i := range filter.StageTime {
		st.rejected[i] = free.rejected[i]
		early += free.rejected[i]
	}
	st.rejected[filter.StageTime] = free.Lines - free.Malformed - early
	if plan.progress != nil {
		plan.progress.Add(id.Size)
	}
	side.Hits++
	side.OutsideWindow++
	return w.free.finishInput(in, scanned[A]{agg: w.free.newAggregate(), stats: st}, id.Size, side, AnsweredByCache, start)
}

// storeFacts keeps what reading file under the window learnt that holds
// for any window: its stats up to the time stage and its range, in the
// window-free query's entry (with no partial). An entry of that query
// with a partial of the file as it is now only gains the range.
func (w *windowCache[A]) storeFacts(read *cache.Entry, st *Stats, cs *CacheStats) {
	q := w.free
	if read.Times == nil {
		return // nothing a later window could use
	}
	e, err := q.cache.Load(cache.FileID{Dev: read.Dev, Ino: read.Ino})
	var old Stats
	if err == nil && e != nil {
		old, err = decodeStats(e.Stats, "")
	}
	// Its stats must cover every line (no prefilter): the range says so of
	// an entry's stats (knownTimes), and a sampled count would pass for an
	// exact one.
	if err == nil && e != nil && !e.NoPartial && e.Times == nil && old.Parsed == old.Lines && e.HasMtime && read.HasMtime &&
		e.Size == read.Size && e.Mtime == read.Mtime && e.Sample == read.Sample {
		// The same bytes: its stats gain the span it did not read.
		old.span = st.span
		e.Times, e.Stats = read.Times, encodeStats(&old)
	} else {
		facts := Stats{Lines: st.Lines, Parsed: st.Parsed, Malformed: st.Malformed, Bytes: st.Bytes,
			Examples: st.Examples, span: st.span}
		for i := range filter.StageTime {
			facts.rejected[i] = st.rejected[i]
		}
		e = &cache.Entry{Dev: read.Dev, Ino: read.Ino, Size: read.Size, Mtime: read.Mtime, HasMtime: read.HasMtime,
			Sample: read.Sample, Path: read.Path, Format: read.Format, Stats: encodeStats(&facts),
			NoPartial: true, Times: read.Times}
		if !e.HasMtime {
			return // a facts entry is never resumed
		}
	}
	if err := q.cache.Store(e); err != nil {
		cs.WriteErrors++
		if cs.FirstError == nil {
			cs.FirstError = err
		}
		return
	}
	cs.Stored++
}
