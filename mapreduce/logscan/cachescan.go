package logscan

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/cache"
)

// mapCached is mapInput with a cache (see Cache): it takes an input's
// partial from its entry when the file has not changed, reads only the
// appended bytes when it has only grown, and reads it in full otherwise,
// writing the entry anew.
func (s *logScanner[A]) mapCached(ctx context.Context, in Input, plan readPlan) (scanned[A], error) {
	start := time.Now()
	file, err := openFile(ctx, in.Path)
	if err != nil {
		return scanned[A]{}, unwrapPathError(err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return scanned[A]{}, err
	}
	id, ok := cache.Identify(info)
	if !ok { // a FIFO, say: read, never cached
		return s.readFull(ctx, in, plan, file, start, nil)
	}
	if s.window == nil {
		return s.mapIdentified(ctx, in, plan, file, id, start)
	}
	out, done, side, err := s.window.answer(ctx, in, &plan, file, id, start)
	if done || err != nil {
		return out, err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil { // answer may have read the appended part
		return scanned[A]{}, err
	}
	out, err = s.mapIdentified(ctx, in, plan, file, id, start)
	out.stats.Cache.merge(side)
	return out, err
}

// mapIdentified is mapCached for file, a regular file with identity id.
func (s *logScanner[A]) mapIdentified(ctx context.Context, in Input, plan readPlan, file *os.File, id cache.FileID, start time.Time) (scanned[A], error) {
	var cs CacheStats
	entry, err := s.cache.Load(id)
	var stats Stats
	if err == nil && entry != nil {
		stats, err = decodeStats(entry.Stats, in.Path)
	}
	if err != nil {
		cs.Invalid++
		entry = nil
	}
	if entry != nil && !entry.NoPartial { // one with no partial only knows the file's times (see windowCache)
		whole, resume := s.usable(file, entry, id)
		if whole || resume {
			out := scanned[A]{agg: s.newAggregate()}
			if err := any(out.agg).(PartialCodec).ReadPartial(entry.Partial); err == nil {
				out.stats = stats
				out.stats.format = entry.Format
				if whole {
					return s.fromEntry(in, plan, id, out, cs, start)
				}
				out, _, err := s.resume(ctx, in, plan, file, id, entry, out, cs, start)
				return out, err
			}
			cs.Invalid++
		}
	}
	cs.Misses++
	return s.readFull(ctx, in, plan, file, start, &cs)
}

// usable says whether entry gives the whole partial of file, or its
// partial up to where file has grown since.
func (s *logScanner[A]) usable(file *os.File, e *cache.Entry, id cache.FileID) (whole, resume bool) {
	switch {
	case e.HasMtime && e.Size == id.Size && e.Mtime == id.Mtime:
		whole = true
	case e.Resumable && id.Size > e.Size && len(s.opts.InputFilter) == 0:
		resume = true
	default:
		return false, false
	}
	sum, err := cache.SampleHash(file, e.Size)
	if err != nil || sum != e.Sample {
		return false, false
	}
	return whole, resume
}

// fromEntry finishes an input answered from its entry alone.
func (s *logScanner[A]) fromEntry(in Input, plan readPlan, id cache.FileID, out scanned[A], cs CacheStats, start time.Time) (scanned[A], error) {
	s.cache.Touch(id)
	if plan.progress != nil {
		plan.progress.Add(id.Size)
	}
	cs.Hits++
	out.stats.Stored = id.Size
	return s.finishInput(in, out, id.Size, cs, AnsweredByCache, start)
}

// resume reads the bytes appended to file since entry was written and adds
// them to out, entry's partial. It returns the time range of the whole
// file, nil if not known.
func (s *logScanner[A]) resume(ctx context.Context, in Input, plan readPlan, file *os.File, id cache.FileID, e *cache.Entry, out scanned[A], cs CacheStats, start time.Time) (scanned[A], *cache.Times, error) {
	format := s.opts.Format
	if format == nil {
		var err error
		if format, err = logparse.LookupFormat(e.Format); err != nil || format == nil {
			cs.Invalid++
			cs.Misses++
			out, err := s.readFull(ctx, in, plan, file, start, &cs)
			return out, knownTimes(&out.stats), err
		}
	}
	if _, err := file.Seek(e.Size, io.SeekStart); err != nil {
		return scanned[A]{}, nil, err
	}
	var raw io.Reader = file
	if plan.progress != nil {
		plan.progress.Add(e.Size)
		raw = progressReader{r: file, p: plan.progress}
	}
	counter := &rawCounter{r: raw, last: '\n'} // the cached part ends with one
	tail := scanned[A]{agg: s.newAggregate()}
	r, err := openText(counter, format, out.stats.Lines, plan.everyLine)
	if err != nil {
		return scanned[A]{}, nil, err
	}
	res, err := r.close(s.scanLines(ctx, in.Path, r.Lines(), &tail))
	if err != nil {
		return scanned[A]{}, nil, err
	}
	times := joinTimes(e.Times, knownTimes(&tail.stats))
	out.agg.Merge(tail.agg)
	out.stats.merge(tail.stats, s.opts.maxExamples())
	out.stats.Bytes += res.text
	cs.Resumed++
	size := e.Size + counter.n
	out.stats.Stored = size
	s.store(in, file, out, cache.Entry{Size: size, Resumable: counter.last == '\n', Format: e.Format, Times: times}, nil, nil, &cs)
	out, err = s.finishInput(in, out, e.Size, cs, NotCompressed, start) // only plain text is resumed
	if err == nil {
		out.stats.Files[0].Resumed = true
	}
	return out, times, err
}

// readFull reads an input in full; with cs (a cacheable file) it writes
// its entry.
func (s *logScanner[A]) readFull(ctx context.Context, in Input, plan readPlan, file *os.File, start time.Time, cs *CacheStats) (scanned[A], error) {
	before, _ := file.Stat()
	r, err := openReader(ctx, file, in, plan)
	if err != nil {
		return scanned[A]{}, err
	}
	out, res, err := s.scanAll(ctx, in, r)
	if err != nil {
		return out, err
	}
	if cs == nil {
		return s.finishInput(in, out, 0, CacheStats{}, res.inflater, start)
	}
	e := cache.Entry{}
	var unchanged *cache.FileID
	if len(s.opts.InputFilter) == 0 && !res.compressed {
		// Plain text read directly: the entry covers exactly what was
		// read, and can be resumed when the file grows.
		e.Size = res.raw
		e.Resumable = res.endsWithNewline && res.settled
	} else if id, ok := cache.Identify(before); ok {
		// Through an inflater or a filter, what was read is known only
		// if the file did not change meanwhile.
		e.Size, unchanged = id.Size, &id
	} else {
		return s.finishInput(in, out, 0, *cs, res.inflater, start)
	}
	if s.opts.Format == nil {
		e.Format = res.format.Name
	}
	e.Times = knownTimes(&out.stats)
	if stored := s.store(in, file, out, e, unchanged, res.head, cs); stored != nil && plan.everyLine && s.window != nil {
		s.window.storeFacts(stored, &out.stats, cs)
	}
	return s.finishInput(in, out, 0, *cs, res.inflater, start)
}

// store writes the entry e describes, for out, the partial of the first
// e.size bytes of file. With unchanged, the file's identity when opened,
// it writes nothing if the file has changed since.
//
// With head, the first bytes of the file as they were read, it writes
// nothing if they are not the file's first bytes now. It returns the
// entry written, nil if none.
func (s *logScanner[A]) store(in Input, file *os.File, out scanned[A], e cache.Entry, unchanged *cache.FileID, head []byte, cs *CacheStats) *cache.Entry {
	after, err := file.Stat()
	if err != nil {
		return nil
	}
	id, ok := cache.Identify(after)
	if !ok || unchanged != nil && id != *unchanged {
		return nil
	}
	e.Dev, e.Ino = id.Dev, id.Ino
	if id.Size == e.Size {
		e.Mtime, e.HasMtime = id.Mtime, true
	}
	if !e.HasMtime && !e.Resumable {
		return nil // it grew as it was read: nothing to trust next time
	}
	if head != nil {
		// Read directly, the file's size and time were not checked
		// before: its first bytes as read must still be its first
		// bytes, or it was rewritten while read (the partial mixes old
		// and new) and nothing is stored.
		now := make([]byte, len(head))
		if n, _ := file.ReadAt(now, 0); n != len(head) || !bytes.Equal(now, head) {
			return nil
		}
	}
	if e.Partial, ok = any(out.agg).(PartialCodec).AppendPartial(nil); !ok {
		return nil
	}
	if e.Sample, err = cache.SampleHash(file, e.Size); err != nil {
		return nil
	}
	e.Path, _ = filepath.Abs(in.Path)
	e.Stats = encodeStats(&out.stats)
	if err := s.cache.Store(&e); err != nil {
		cs.WriteErrors++
		if cs.FirstError == nil {
			cs.FirstError = err
		}
		return nil
	}
	cs.Stored++
	return &e
}

// finishInput applies MaxMalformed and fills in the input's own stats;
// cached is how many of its stored bytes the cache answered for.
func (s *logScanner[A]) finishInput(in Input, out scanned[A], cached int64, cs CacheStats, inflater Inflater, start time.Time) (scanned[A], error) {
	st := &out.stats
	for _, ex := range st.Examples {
		ex.File = in.Path
	}
	if len(st.Examples) > s.opts.maxExamples() {
		st.Examples = st.Examples[:s.opts.maxExamples()]
	}
	if err := s.opts.checkMalformed(st); err != nil {
		return out, err
	}
	st.Inputs = 1
	st.Cache = cs
	st.Files = []FileStats{{Path: in.Path, Lines: st.Lines, Malformed: st.Malformed, Bytes: st.Bytes,
		Parsed: st.Parsed, Sampled: st.Sampled, SampledMalformed: st.SampledMalformed,
		FromCache: cs.Hits+cs.Resumed > 0, Cached: cached, Inflater: inflater, Elapsed: time.Since(start), Format: st.format}}
	if st.format == "" && s.opts.Format != nil {
		st.Files[0].Format = s.opts.Format.Name
	}
	return out, nil
}

// CacheStats say how a run used the cache.
type CacheStats struct {
	Hits    int // inputs answered from the cache without reading them
	Resumed int // inputs of which only the bytes appended since were read
	Misses  int // inputs read in full: new, changed, or no usable entry
	Invalid int // entries ignored because they did not decode (also Misses)
	Stored  int // entries written
	// OutsideWindow counts the Hits of inputs that the time window rules
	// out by their time range (see windowCache): never read.
	OutsideWindow int
	// WriteErrors counts entries that could not be written (a full disk);
	// the run is still right, the next one reads those inputs again.
	WriteErrors int
	FirstError  error // the first write error
}

func (s *CacheStats) merge(o CacheStats) {
	s.Hits += o.Hits
	s.Resumed += o.Resumed
	s.Misses += o.Misses
	s.Invalid += o.Invalid
	s.Stored += o.Stored
	s.OutsideWindow += o.OutsideWindow
	s.WriteErrors += o.WriteErrors
	if s.FirstError == nil {
		s.FirstError = o.FirstError
	}
}
