package jobs

import (
	"time"

	"github.com/logmr/logmr/logparse"
)

// A count by one small field has few keys, met again and again: building
// each record's key and finding it in the table was a quarter of the hot
// path of count --by status, and formatting the time most of the Add of
// --by hour. So a Counter by status alone remembers, per status 0..999,
// the tally the table holds for it; one by hour or by day alone, the
// tally of the last bucket it met and the span of times that fall in it
// (logs come about in time order). Add counts a record the memo knows by
// that pointer alone.
//
// The table stays the one place counts are: a memo holds no counts of its
// own, so that whatever reads, merges, spills or encodes the table (and
// its memory, insertion order and spill points) is as without it. A memo
// entry is only a shortcut to a tally of c.counts; nil (not met yet, out
// of range, absent) takes the normal way, which fills it. Whatever lets
// go of c.counts' records (spillOut, Merge) forgets the memo.
type statusMemo [1000]*tally

// memoState says which memo a Counter keeps; a Counter made by a literal
// decides at its first Add.
type memoState uint8

const (
	memoUndecided memoState = iota
	memoNone
	memoStatus
	memoSpan
)

// A spanMemo is the tally of the records whose time is in [lo, hi).
type spanMemo struct {
	lo, hi int64
	t      *tally
}

// addMemo counts rec by the memo; false when it holds no tally for rec's
// key.
func (c *Counter) addMemo(rec *logparse.Record) bool {
	var t *tally
	switch c.memo {
	case memoStatus:
		if uint(rec.Status) < uint(len(c.status)) {
			t = c.status[rec.Status]
		}
	case memoSpan:
		if rec.HasTime() && rec.Time >= c.span.lo && rec.Time < c.span.hi {
			t = c.span.t
		}
	}
	if t == nil {
		return false
	}
	t.requests++
	if rec.Bytes > 0 {
		t.bytes += rec.Bytes
	}
	return true
}

// remember notes t, the tally in c.counts of rec's key, in the memo, if c
// keeps one. Call it before anything can spill c.counts.
func (c *Counter) remember(rec *logparse.Record, t *tally) {
	if c.memo == memoUndecided {
		c.memo = memoNone
		switch {
		case len(c.by) != 1:
		case c.by[0] == ByStatus:
			c.memo, c.status = memoStatus, new(statusMemo)
		case c.by[0] == ByHour || c.by[0] == ByDay:
			c.memo = memoSpan
		}
	}
	if int64(c.counts.n) == 1<<32-1 { // int64: a 32-bit int never gets there
		return // a full table hands out a tally that is not in it (countTable.add)
	}
	switch c.memo {
	case memoStatus:
		if uint(rec.Status) < uint(len(c.status)) {
			c.status[rec.Status] = t
		}
	case memoSpan:
		if rec.HasTime() {
			c.span = spanOf(rec.Time, c.loc, c.by[0] == ByDay)
			c.span.t = t
		}
	}
}

// spanOf returns the times of the hour (or day) bucket of sec that have
// its offset from UTC: within them every time's key is sec's. A zone
// change cuts a bucket short, whether it moves the local clock by an hour
// or by 30 minutes.
func spanOf(sec int64, loc *time.Location, day bool) spanMemo {
	t := time.Unix(sec, 0).In(loc)
	into, size := int64(t.Minute()*60+t.Second()), int64(3600)
	if day {
		into, size = into+int64(t.Hour()*3600), 86400
	}
	m := spanMemo{lo: sec - into, hi: sec - into + size}
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		m.lo = max(m.lo, start.Unix())
	}
	if !end.IsZero() {
		m.hi = min(m.hi, end.Unix())
	}
	return m
}

// forget drops the memo's pointers into c.counts, which is let go of.
func (c *Counter) forget() {
	if c.status != nil {
		clear(c.status[:])
	}
	c.span = spanMemo{}
}
