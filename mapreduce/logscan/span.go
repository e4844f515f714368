package logscan

import "time"

// timeSpan is the earliest and latest time of the well-formed lines a scan
// read (see Stats.Span). Adding a line costs a compare or two.
type timeSpan struct {
	first, last       int64 // Unix seconds
	firstOff, lastOff int32 // their lines' UTC offsets, in seconds
	ok                bool  // a time was added
	n                 int64 // how many times were added: a cache entry's range is known when every well-formed line's was
}

func (s *timeSpan) add(t int64, off int32) {
	s.n++
	switch {
	case !s.ok:
		*s = timeSpan{first: t, last: t, firstOff: off, lastOff: off, ok: true, n: s.n}
	case t < s.first:
		s.first, s.firstOff = t, off
	case t > s.last:
		s.last, s.lastOff = t, off
	}
}

func (s *timeSpan) merge(o timeSpan) {
	if !o.ok {
		return
	}
	n := s.n + o.n
	s.add(o.first, o.firstOff)
	s.add(o.last, o.lastOff)
	s.n = n
}

// Span returns the earliest and latest time logged by the well-formed
// lines read, whatever the filter, each in the UTC offset its line logged:
// what an empty answer to a time window is explained with. ok is false
// when no line read logged a time, or when the times were not read: the
// aggregating scans (Hosts, Count, ScanLogs) read them only when the
// filter has Since or Until or the aggregate reads them (Count by hour or
// day), as converting them costs about a tenth of the per-line work.
// WriteRecords always reads them. Inputs answered by a partial-result
// file (Merge) do not count.
func (s Stats) Span() (first, last time.Time, ok bool) {
	sp := s.span
	if !sp.ok {
		return time.Time{}, time.Time{}, false
	}
	at := func(t int64, off int32) time.Time { return time.Unix(t, 0).In(time.FixedZone("", int(off))) }
	return at(sp.first, sp.firstOff), at(sp.last, sp.lastOff), true
}
