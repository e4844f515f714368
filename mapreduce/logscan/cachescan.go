package logscan

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/logmr/logmr/logparse"
)

// mapCached is mapInput with a cache (see Cache): it takes an input's
// partial from its entry when the file has not changed, reads only the
// appended bytes when it has only grown, and reads it in full otherwise,
// writing the entry anew.
func (s *logScanner[A]) mapCached(ctx context.Context, in Input) (scanned[A], error) {
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
	id, ok := identify(info)
	if !ok { // a FIFO, say: read, never cached
		return s.readFull(ctx, in, file, start, nil)
	}
	var cs CacheStats
	entry, err := s.cache.load(id, in.Path)
	if err != nil {
		cs.Invalid++
		entry = nil
	}
	if entry != nil {
		whole, resume := s.usable(file, entry, id)
		if whole || resume {
			out := scanned[A]{agg: s.newAggregate()}
			if err := any(out.agg).(PartialCodec).ReadPartial(entry.partial); err == nil {
				out.stats = entry.stats
				if whole {
					return s.fromEntry(in, id, out, cs, start)
				}
				return s.resume(ctx, in, file, id, entry, out, cs, start)
			}
			cs.Invalid++
		}
	}
	cs.Misses++
	return s.readFull(ctx, in, file, start, &cs)
}

// usable says whether entry gives the whole partial of file, or its
// partial up to where file has grown since.
func (s *logScanner[A]) usable(file *os.File, e *cacheEntry, id fileID) (whole, resume bool) {
	switch {
	case e.hasMtime && e.size == id.size && e.mtime == id.mtime:
		whole = true
	case e.resumable && id.size > e.size && len(s.opts.InputFilter) == 0:
		resume = true
	default:
		return false, false
	}
	sum, err := SampleHash(file, e.size)
	if err != nil || sum != e.sample {
		return false, false
	}
	return whole, resume
}

// fromEntry finishes an input answered from its entry alone.
func (s *logScanner[A]) fromEntry(in Input, id fileID, out scanned[A], cs CacheStats, start time.Time) (scanned[A], error) {
	s.cache.touch(id)
	if s.opts.Progress != nil {
		s.opts.Progress.Add(id.size)
	}
	cs.Hits++
	out.stats.Stored = id.size
	return s.finishInput(in, out, id.size, cs, start)
}

// resume reads the bytes appended to file since entry was written and adds
// them to out, entry's partial.
func (s *logScanner[A]) resume(ctx context.Context, in Input, file *os.File, id fileID, e *cacheEntry, out scanned[A], cs CacheStats, start time.Time) (scanned[A], error) {
	format := s.opts.Format
	if format == nil {
		var err error
		if format, err = logparse.LookupFormat(e.format); err != nil || format == nil {
			cs.Invalid++
			cs.Misses++
			return s.readFull(ctx, in, file, start, &cs)
		}
	}
	if _, err := file.Seek(e.size, io.SeekStart); err != nil {
		return scanned[A]{}, err
	}
	var raw io.Reader = file
	if s.opts.Progress != nil {
		s.opts.Progress.Add(e.size)
		raw = progressReader{r: file, p: s.opts.Progress}
	}
	counter := &rawCounter{r: raw, last: '\n'} // the cached part ends with one
	tail := scanned[A]{agg: s.newAggregate()}
	res, err := scanText(counter, format, e.stats.Lines, func(lines *lineSource) error {
		return s.scanLines(ctx, in.Path, lines, &tail)
	})
	if err != nil {
		return scanned[A]{}, err
	}
	out.agg.Merge(tail.agg)
	out.stats.merge(tail.stats, s.opts.maxExamples())
	out.stats.Bytes += res.text
	cs.Resumed++
	size := e.size + counter.n
	out.stats.Stored = size
	s.store(in, file, out, cacheEntry{size: size, resumable: counter.last == '\n', format: e.format}, nil, nil, &cs)
	out, err = s.finishInput(in, out, e.size, cs, start)
	if err == nil {
		out.stats.Files[0].Resumed = true
	}
	return out, err
}

// readFull reads an input in full; with cs (a cacheable file) it writes
// its entry.
func (s *logScanner[A]) readFull(ctx context.Context, in Input, file *os.File, start time.Time, cs *CacheStats) (scanned[A], error) {
	out := scanned[A]{agg: s.newAggregate()}
	before, _ := file.Stat()
	res, err := readOpened(ctx, file, in, s.opts, s.readAhead, func(lines *lineSource) error {
		return s.scanLines(ctx, in.Path, lines, &out)
	})
	if err != nil {
		return out, err
	}
	out.stats.Bytes, out.stats.Stored = res.text, res.stored(in, s.opts)
	if cs == nil {
		return s.finishInput(in, out, 0, CacheStats{}, start)
	}
	e := cacheEntry{}
	var unchanged *fileID
	if len(s.opts.InputFilter) == 0 && !res.compressed {
		// Plain text read directly: the entry covers exactly what was
		// read, and can be resumed when the file grows.
		e.size = res.raw
		e.resumable = res.endsWithNewline && res.settled
	} else if id, ok := identify(before); ok {
		// Through an inflater or a filter, what was read is known only
		// if the file did not change meanwhile.
		e.size, unchanged = id.size, &id
	} else {
		return s.finishInput(in, out, 0, *cs, start)
	}
	if s.opts.Format == nil {
		e.format = res.format.Name
	}
	s.store(in, file, out, e, unchanged, res.head, cs)
	return s.finishInput(in, out, 0, *cs, start)
}

// store writes the entry e describes, for out, the partial of the first
// e.size bytes of file. With unchanged, the file's identity when opened,
// it writes nothing if the file has changed since.
//
// With head, the first bytes of the file as they were read, it writes
// nothing if they are not the file's first bytes now.
func (s *logScanner[A]) store(in Input, file *os.File, out scanned[A], e cacheEntry, unchanged *fileID, head []byte, cs *CacheStats) {
	after, err := file.Stat()
	if err != nil {
		return
	}
	id, ok := identify(after)
	if !ok || unchanged != nil && id != *unchanged {
		return
	}
	e.dev, e.ino = id.dev, id.ino
	if id.size == e.size {
		e.mtime, e.hasMtime = id.mtime, true
	}
	if !e.hasMtime && !e.resumable {
		return // it grew as it was read: nothing to trust next time
	}
	if head != nil {
		// Read directly, the file's size and time were not checked
		// before: its first bytes as read must still be its first
		// bytes, or it was rewritten while read (the partial mixes old
		// and new) and nothing is stored.
		now := make([]byte, len(head))
		if n, _ := file.ReadAt(now, 0); n != len(head) || !bytes.Equal(now, head) {
			return
		}
	}
	if e.partial, ok = any(out.agg).(PartialCodec).AppendPartial(nil); !ok {
		return
	}
	if e.sample, err = SampleHash(file, e.size); err != nil {
		return
	}
	e.path, _ = filepath.Abs(in.Path)
	e.stats = out.stats
	if err := s.cache.store(&e); err != nil {
		cs.WriteErrors++
		if cs.FirstError == nil {
			cs.FirstError = err
		}
		return
	}
	cs.Stored++
}

// finishInput applies MaxMalformed and fills in the input's own stats;
// cached is how many of its stored bytes the cache answered for.
func (s *logScanner[A]) finishInput(in Input, out scanned[A], cached int64, cs CacheStats, start time.Time) (scanned[A], error) {
	st := &out.stats
	for _, ex := range st.Examples {
		ex.File = in.Path
	}
	if len(st.Examples) > s.opts.maxExamples() {
		st.Examples = st.Examples[:s.opts.maxExamples()]
	}
	if err := s.opts.checkMalformed(st.Lines, st.Malformed); err != nil {
		return out, err
	}
	st.Inputs = 1
	st.Cache = cs
	st.Files = []FileStats{{Path: in.Path, Lines: st.Lines, Malformed: st.Malformed, Bytes: st.Bytes,
		FromCache: cs.Hits+cs.Resumed > 0, Cached: cached, Elapsed: time.Since(start)}}
	return out, nil
}
