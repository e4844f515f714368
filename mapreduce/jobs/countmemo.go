package jobs

import "github.com/logmr/logmr/logparse"

// A count by status alone has few keys, met again and again: building
// each record's key and finding it in the table was a quarter of the hot
// path. A Counter by status alone remembers, per status 0..999, the tally
// the table holds for it, and Add counts a status it has met by that
// pointer alone. The table stays the one place counts are: a statusMemo
// holds no counts of its own, so that whatever reads, merges, spills or
// encodes the table (and its memory, insertion order and spill points)
// is as without it. An entry is only a shortcut to a tally of c.counts;
// nil (not met yet, out of range, absent) takes the normal way, which
// fills it. Whatever lets go of c.counts' records (spillOut, Merge)
// forgets the memo.
type statusMemo [1000]*tally

// memoState says whether a Counter keeps a statusMemo; a Counter made by
// a literal decides at its first Add.
type memoState uint8

const (
	memoUndecided memoState = iota
	memoNone
	memoStatus
)

// addMemo counts rec by the memo; false when it holds no tally for rec's
// status.
func (c *Counter) addMemo(rec *logparse.Record) bool {
	if uint(rec.Status) >= uint(len(c.status)) {
		return false
	}
	t := c.status[rec.Status]
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
		if len(c.by) == 1 && c.by[0] == ByStatus {
			c.memo, c.status = memoStatus, new(statusMemo)
		}
	}
	// A full table hands out a tally that is not in it (countTable.add).
	if c.memo == memoStatus && uint(rec.Status) < uint(len(c.status)) && c.counts.n < 1<<32-1 {
		c.status[rec.Status] = t
	}
}

// forget drops the memo's pointers into c.counts, which is let go of.
func (c *Counter) forget() {
	if c.status != nil {
		clear(c.status[:])
	}
}
