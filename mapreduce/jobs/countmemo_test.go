package jobs

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

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
	memoUsed bool
}

// memoScript counts records by status in four Counters, merging them
// into one another both ways (the larger table into the smaller, and back),
// adding to a Counter merged away (when none spills), spilling with a budget of spillKeys
// keys (0: never), and replacing Counters by their partial read back:
// every place the table is read or moved, with the memo (memo) or
// without. The script is the same for the same seed.
func memoScript(t *testing.T, seed uint64, memo bool, spillKeys int) memoTrace {
	t.Helper()
	statuses := []int{200, 200, 200, 404, 0, 999, 1000, 12345, -1, 301, 500, 503, 418, 200, 304}
	sizes := []int64{-1, 0, 5, 1 << 40}
	var spills *spillFile
	if spillKeys > 0 {
		spills = &spillFile{}
		defer spills.close()
	}
	co := CountOptions{By: []CountField{ByStatus}, SpillKeys: spillKeys}
	mk := co.counters(spills)
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
				rec := logparse.Record{Status: statuses[rng.IntN(len(statuses))], Bytes: sizes[rng.IntN(len(sizes))]}
				cs[i].Add(&rec)
			}
			tr.memoUsed = tr.memoUsed || cs[i].status != nil
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

// A count by status alone, which remembers each status's tally, counts,
// orders, encodes and spills exactly as one that does not.
func TestCounterStatusMemo(t *testing.T) {
	for _, spillKeys := range []int{0, 3, 7} {
		for seed := range uint64(8) {
			t.Run(fmt.Sprintf("spill=%d/seed=%d", spillKeys, seed), func(t *testing.T) {
				got := memoScript(t, seed, true, spillKeys)
				want := memoScript(t, seed, false, spillKeys)
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
				if spillKeys > 0 && got.runs == 0 {
					t.Errorf("nothing spilled with a budget of %d keys", spillKeys)
				}
			})
		}
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
