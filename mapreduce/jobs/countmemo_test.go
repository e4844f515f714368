package jobs

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// memoTrace is what a run of memoScript leaves behind: everything a
// count by status shows of its table.
type memoTrace struct {
	partials [][]byte   // each partial encoded on the way
	order    []string   // the final table's keys, in insertion order
	runs     int        // runs spilled
	rows     []CountRow // the result
	memoUsed bool       // a memo was kept
}

// memoScript counts records by one field in four Counters, merging them
// into one another both ways (the larger table into the smaller, and back),
// adding to a Counter merged away (when none spills), spilling with a budget of spillKeys
// keys (0: never), and replacing Counters by their partial read back:
// every place the table is read or moved, with the memo (memo) or
// without. The script is the same for the same seed.
func memoScript(t *testing.T, seed uint64, memo bool, spillKeys int, by CountField, loc *time.Location, start int64) memoTrace {
	t.Helper()
	statuses := []int{200, 200, 200, 404, 0, 999, 1000, 12345, -1, 301, 500, 503, 418, 200, 304}
	sizes := []int64{-1, 0, 5, 1 << 40}
	timed := *parseLine(t, logparse.Common, `h - - [22/Nov/2026:06:30:00 +0100] "GET / HTTP/1.1" 200 5`)
	now := start
	var spills *spillFile
	if spillKeys > 0 {
		spills = &spillFile{}
		defer spills.close()
	}
	co := CountOptions{By: []CountField{by}, SpillKeys: spillKeys, TZ: loc}
	mk := co.counters(spills, 1)
	newC := func() *Counter {
		c := mk()
		if !memo {
			c.memo = memoNone
		}
		return c
	}
	cs := []*Counter{newC(), newC(), newC(), newC()}
	rng := rand.New(rand.NewPCG(seed, 1))
	var tr memoTrace
	for range 400 {
		i, j := rng.IntN(len(cs)), rng.IntN(len(cs))
		switch op := rng.IntN(10); {
		case op < 6:
			for range 1 + rng.IntN(60) {
				rec := logparse.Record{Status: statuses[rng.IntN(len(statuses))]}
				// Times mostly forward, by up to 4 minutes, at times
				// back by up to 2 hours (logs of several servers, or
				// out of order); one in 20 absent.
				now += int64(rng.IntN(260)) - 20
				if rng.IntN(40) == 0 {
					now -= int64(rng.IntN(7200))
				}
				if rng.IntN(20) > 0 {
					rec = timed
					rec.Time = now
				}
				rec.Bytes = sizes[rng.IntN(len(sizes))]
				cs[i].Add(&rec)
			}
			tr.memoUsed = tr.memoUsed || cs[i].memo > memoNone
		case op < 9:
			if i == j {
				continue
			}
			cs[i].Merge(cs[j])
			if spillKeys > 0 {
				// Merge leaves the runs spilled with both: a
				// Counter merged away is done with.
				cs[j] = newC()
			}
		default:
			data, ok := cs[i].AppendPartial(nil)
			if !ok {
				continue // spilled: not cached
			}
			tr.partials = append(tr.partials, data)
			c := newC()
			if err := c.ReadPartial(data); err != nil {
				t.Fatal(err)
			}
			cs[i] = c
		}
	}
	for _, c := range cs[1:] {
		cs[0].Merge(c)
	}
	c := cs[0]
	for _, e := range entries(&c.counts) {
		tr.order = append(tr.order, e.key)
	}
	if c.spill != nil {
		tr.runs = len(c.spill.runs)
	}
	res, err := c.result(CountOrder{}, logscan.Stats{})
	if err != nil {
		t.Fatal(err)
	}
	tr.rows = res.Rows()
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	res.Close()
	return tr
}

// A count by status, hour or day alone, which remembers tallies, counts,
// orders, encodes and spills exactly as one that does not: hour and day
// buckets around changes of DST, of an hour and of 30 minutes, and in a
// zone 5:45 from UTC.
func TestCounterMemo(t *testing.T) {
	type zoned struct {
		zone  string
		start string // in the zone; the script's times begin there
	}
	cases := map[CountField][]zoned{
		ByStatus: {{"UTC", "2026-11-22 06:00"}},
		ByHour: {
			{"America/New_York", "2026-10-31 20:00"}, {"America/New_York", "2026-03-07 20:00"},
			{"Australia/Lord_Howe", "2026-04-04 20:00"}, {"Australia/Lord_Howe", "2026-10-03 20:00"},
			{"Asia/Kathmandu", "2026-11-22 06:00"}, {"UTC", "2026-11-22 06:00"},
		},
		ByDay: {
			{"America/New_York", "2026-10-31 20:00"}, {"America/New_York", "2026-03-07 20:00"},
			{"Australia/Lord_Howe", "2026-10-03 20:00"}, {"Asia/Kathmandu", "2026-11-22 06:00"},
		},
	}
	for by, zs := range cases {
		for _, z := range zs {
			loc, err := time.LoadLocation(z.zone)
			if err != nil {
				t.Fatal(err)
			}
			start, err := time.ParseInLocation("2006-01-02 15:04", z.start, loc)
			if err != nil {
				t.Fatal(err)
			}
			for _, spillKeys := range []int{0, 2, 7} {
				for seed := range uint64(4) {
					name := fmt.Sprintf("%s/%s/%s/spill=%d/seed=%d", by, z.zone, z.start, spillKeys, seed)
					t.Run(name, func(t *testing.T) {
						testMemo(t, seed, spillKeys, by, loc, start.Unix())
					})
				}
			}
		}
	}
}

func testMemo(t *testing.T, seed uint64, spillKeys int, by CountField, loc *time.Location, start int64) {
	got := memoScript(t, seed, true, spillKeys, by, loc, start)
	want := memoScript(t, seed, false, spillKeys, by, loc, start)
	if !got.memoUsed || want.memoUsed {
		t.Fatalf("memo used %v and %v, want true and false", got.memoUsed, want.memoUsed)
	}
	if !slices.EqualFunc(got.partials, want.partials, bytes.Equal) {
		t.Errorf("partials differ:\n%q\nwant\n%q", got.partials, want.partials)
	}
	if !slices.Equal(got.order, want.order) {
		t.Errorf("table order %q, want %q", got.order, want.order)
	}
	if got.runs != want.runs {
		t.Errorf("%d runs spilled, want %d", got.runs, want.runs)
	}
	if !slices.EqualFunc(got.rows, want.rows, rowEqual) {
		t.Errorf("rows\n%v\nwant\n%v", got.rows, want.rows)
	}
	if spillKeys > 0 && len(want.rows) > spillKeys && got.runs == 0 {
		t.Errorf("nothing spilled with a budget of %d keys", spillKeys)
	}
}

// Counting a status met before allocates nothing.
func TestCounterStatusMemoAllocs(t *testing.T) {
	c := &Counter{by: []CountField{ByStatus}}
	rec := logparse.Record{Status: 404, Bytes: 10}
	c.Add(&rec)
	if n := testing.AllocsPerRun(100, func() { c.Add(&rec) }); n != 0 {
		t.Errorf("Counter.Add by status allocates %v times for a known status, want 0", n)
	}
	if c.counts.Len() != 1 || *c.counts.entry(0).t != (tally{102, 1020}) {
		t.Errorf("table %v, want one key with 102 requests of 1020 bytes (AllocsPerRun runs once more)", entries(&c.counts))
	}
}

// Every time in the span spanOf gives has the key of the time it was
// asked for, over changes of DST (by an hour and by 30 minutes) and in a
// zone 5:45 from UTC; checked a minute apart and at the span's last second.
func TestSpanOf(t *testing.T) {
	timed := *parseLine(t, logparse.Common, `h - - [22/Nov/2026:06:30:00 +0100] "GET / HTTP/1.1" 200 5`)
	for _, z := range []struct{ zone, start string }{
		{"America/New_York", "2026-03-07"}, {"America/New_York", "2026-10-31"},
		{"Australia/Lord_Howe", "2026-04-03"}, {"Australia/Lord_Howe", "2026-10-02"},
		{"Asia/Kathmandu", "1986-01-01"}, {"UTC", "2026-11-22"},
	} {
		loc, err := time.LoadLocation(z.zone)
		if err != nil {
			t.Fatal(err)
		}
		start, err := time.ParseInLocation(time.DateOnly, z.start, loc)
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range []CountField{ByHour, ByDay} {
			c := &Counter{by: []CountField{by}, loc: loc}
			keyAt := func(sec int64) string {
				rec := timed
				rec.Time = sec
				return string(c.appendKey(nil, by, &rec))
			}
			for sec := start.Unix(); sec < start.Unix()+3*86400; sec += 23*60 + 7 {
				m := spanOf(sec, loc, by == ByDay)
				if sec < m.lo || sec >= m.hi {
					t.Fatalf("%s %s: spanOf(%d) = [%d, %d), which leaves it out", z.zone, by, sec, m.lo, m.hi)
				}
				want := keyAt(sec)
				for u := m.lo; u < m.hi; u = min(u+60, max(u+1, m.hi-1)) {
					if got := keyAt(u); got != want {
						t.Fatalf("%s %s: spanOf(%d) = [%d, %d), but the key of %d is %q, not %q", z.zone, by, sec, m.lo, m.hi, u, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkCounterAdd counts a day of records, a second apart, by one
// field, with the memo and without (plain): what the memo saves of Add.
func BenchmarkCounterAdd(b *testing.B) {
	var t testing.T
	timed := *parseLine(&t, logparse.Common, `h - - [22/Nov/2026:06:30:00 +0100] "GET / HTTP/1.1" 200 5`)
	statuses := []int{200, 200, 200, 304, 404, 200, 301, 500}
	recs := make([]logparse.Record, 86400)
	for i := range recs {
		recs[i] = timed
		recs[i].Time += int64(i)
		recs[i].Status = statuses[i%len(statuses)]
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	for _, by := range []CountField{ByStatus, ByHour, ByDay} {
		for _, memo := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/memo=%v", by, memo), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c := &Counter{by: []CountField{by}, loc: ny}
					if !memo {
						c.memo = memoNone
					}
					for i := range recs {
						c.Add(&recs[i])
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/rec")
			})
		}
	}
}
