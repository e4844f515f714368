package jobs

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A CountField is a key Count groups records by.
type CountField string

// The fields Count can group by.
const (
	ByHost        CountField = "host"         // the client host, canonical
	ByPath        CountField = "path"         // the target up to '?'
	ByStatus      CountField = "status"       // 404
	ByStatusClass CountField = "status_class" // 4xx
	ByMethod      CountField = "method"
	ByReferer     CountField = "referer"
	ByUserAgent   CountField = "user_agent"
	ByVHost       CountField = "vhost"
	ByHour        CountField = "hour" // 2026-11-22T06:00:00+01:00, in CountOptions.TZ
	ByDay         CountField = "day"  // 2026-11-22, in CountOptions.TZ
)

// CountFields lists every CountField, in the order help text gives them.
var CountFields = []CountField{ByHost, ByPath, ByStatus, ByStatusClass, ByMethod, ByReferer, ByUserAgent, ByVHost, ByHour, ByDay}

// CountOptions says what Count groups by, and which rows it returns in
// what order (see CountOrder, whose fields Top, Per and Sort are).
type CountOptions struct {
	By  []CountField // one or more; a record's key is its values of these
	Top int          // keep the Top keys with the most requests; 0 keeps all
	// Per, with Top, keeps the Top keys of each group of these fields, a
	// subset of By.
	Per  []CountField
	Sort CountSort // the order of the rows; SortAuto by default
	// Memory bounds the bytes the counts of all workers hold together:
	// past it, a worker writes its counts, sorted, to a temporary file in
	// os.TempDir and starts afresh, and the final step merges the files
	// (countspill.go). The process as a whole takes up to about twice as
	// much. 0 means DefaultCountMemory.
	Memory int64
	// SpillKeys, when not 0, also bounds the keys a worker holds in memory.
	SpillKeys int
	TZ        *time.Location // the zone of hour and day buckets; nil means UTC
}

// DefaultCountMemory is the Memory of a count that sets none: with what
// the Go runtime and the readers take besides, a count of any number of
// keys stays under 1 GiB, and 2 million hosts are counted without a spill.
const DefaultCountMemory = 192 << 20

// order is the final step co asks for.
func (co CountOptions) order() CountOrder {
	return CountOrder{Top: co.Top, Per: co.Per, Sort: co.Sort}
}

// A CountRow is one key and what its records add up to.
type CountRow struct {
	// Key holds the record's value of each By field, in order; Absent[i]
	// is set when the record had none ("-", no time, ...).
	Key      []string
	Absent   []bool
	Requests int64
	Bytes    int64 // Record.Bytes summed; "-" counts as 0
}

// CountResult is the answer of Count: its rows in the order
// CountOptions.Sort (and Per) says.
type CountResult struct {
	By    []CountField
	Stats logscan.Stats
	rows  []countEntry // sorted; their keys are decoded as they are read
	// Or the rows are records of table, in the order of recs.
	table *countTable
	recs  []uint32
	runs  *sortedRuns // or the counts spilled, and they are read back
	err   error       // the first error reading runs back
}

type countEntry struct {
	key string // appendKey's encoding
	t   *tally
}

// Len returns the number of rows.
func (r *CountResult) Len() int {
	switch {
	case r.runs != nil:
		return r.runs.rows
	case r.table != nil:
		return len(r.recs)
	}
	return len(r.rows)
}

// Err returns the error that cut an All short, if any: a count that
// spilled reads its rows back from a temporary file as All yields them.
func (r *CountResult) Err() error { return r.err }

// Close releases the temporary file of a count that spilled; the garbage
// collector does it too. All yields nothing after Close.
func (r *CountResult) Close() error {
	if r.runs == nil {
		return nil
	}
	err := r.runs.set.close()
	r.runs = &sortedRuns{set: &spillSet{file: &spillFile{}}}
	return err
}

// All yields the rows in order. The row it yields is reused: copy what
// must outlive the iteration step. Decoding as it goes keeps a result of
// millions of keys at about the size of its counts.
func (r *CountResult) All() iter.Seq[*CountRow] {
	return func(yield func(*CountRow) bool) {
		row := &CountRow{Key: make([]string, len(r.By)), Absent: make([]bool, len(r.By))}
		each := func(e countEntry) bool {
			decodeKey(e.key, r.By, row)
			row.Requests, row.Bytes = e.t.requests, e.t.bytes
			return yield(row)
		}
		if r.runs != nil {
			// Read back, a key aliases a buffer the next row is read into;
			// the values decoded from it must outlive the row.
			fromRuns := func(e countEntry) bool {
				e.key = strings.Clone(e.key)
				return each(e)
			}
			if err := r.runs.each(fromRuns); err != nil && r.err == nil {
				r.err = err
			}
			return
		}
		for _, i := range r.recs {
			if !each(r.table.entry(i)) {
				return
			}
		}
		for _, e := range r.rows {
			if !each(e) {
				return
			}
		}
	}
}

// Rows returns every row as a slice of its own.
func (r *CountResult) Rows() []CountRow {
	out := make([]CountRow, 0, len(r.rows))
	for row := range r.All() {
		out = append(out, CountRow{Key: slices.Clone(row.Key), Absent: slices.Clone(row.Absent), Requests: row.Requests, Bytes: row.Bytes})
	}
	return out
}

// Count groups the records of the inputs that paths name which pass
// opts.Filter by the fields of co.By and counts requests and bytes per
// key. Each input is counted into a table of its own, merged into one as
// inputs complete: counts are exact. Memory grows with the number of
// distinct keys up to co.Memory; past it, counts spill to temporary files
// (countspill.go), which the result reads back as it is iterated: Close it,
// or let the garbage collector, to release them. Errors are as for
// ScanLogs; a temporary file that cannot be written fails the count.
func Count(ctx context.Context, paths []string, co CountOptions, opts logscan.ScanOptions) (*CountResult, error) {
	if err := co.check(); err != nil {
		return nil, err
	}
	// Every run spilled, failed inputs' included, is in this file, closed
	// (and so gone: it is unlinked) when Count returns.
	spills := &spillFile{}
	defer spills.close()
	newCounter := co.counters(spills, opts.Workers)
	// With Top, merge partials as they finish: one waiting for a slow
	// earlier input would keep its keys in memory, past any budget.
	// Without, inputs merge in order, so that the stats (their examples of
	// malformed lines) come in input order: finished partials wait, within
	// the budget of the scan's queue.
	opts.AnyOrder = co.Top > 0
	counter, stats, err := logscan.ScanLogs(ctx, paths, newCounter, opts)
	if counter == nil {
		return nil, err
	}
	if counter.spill != nil && ctx.Err() != nil {
		return nil, cmp.Or(err, ctx.Err()) // cancelled: no use sorting what spilled
	}
	res, spillErr := counter.resultContext(ctx, co.order(), stats)
	if spillErr != nil {
		return nil, spillErr
	}
	return res, err
}

// result is the final step of a count: the rows o keeps, in its order.
func (c *Counter) result(o CountOrder, stats logscan.Stats) (*CountResult, error) {
	return c.resultContext(context.Background(), o, stats)
}

func (c *Counter) resultContext(ctx context.Context, o CountOrder, stats logscan.Stats) (*CountResult, error) {
	if err := o.check(c.by); err != nil {
		return nil, err
	}
	if c.spill == nil {
		t := &c.counts
		t.dropIndex() // read only from here on, unless merged into
		recs := applyOrder(o, t.numbers(), c.by, t.entry)
		return &CountResult{By: c.by, table: t, recs: recs, Stats: stats}, nil
	}
	c.spillOut()
	runs, err := c.spill.final(ctx, o, c.by, c.mem.limitOr(DefaultCountMemory))
	if err != nil {
		return nil, err
	}
	return &CountResult{By: c.by, runs: runs, Stats: stats}, nil
}

// Fields says what Add reads of a record beyond host, status and bytes.
func (c *Counter) Fields() logparse.Fields {
	var f logparse.Fields
	for _, by := range c.by {
		switch by {
		case ByPath, ByMethod:
			f |= logparse.FieldRequest
		case ByReferer:
			f |= logparse.FieldReferer
		case ByUserAgent:
			f |= logparse.FieldUserAgent
		case ByHour, ByDay:
			f |= logparse.FieldTime
		}
	}
	return f
}

// NewCounterFunc returns a function that makes empty Counters by co.By:
// the newAggregate of logscan.ScanLogs. Its Counters never spill (co.Top,
// Per and Sort apply to a CountResult, not to a Counter). It fails as
// Count does on bad fields.
func NewCounterFunc(co CountOptions) (func() *Counter, error) {
	if err := co.check(); err != nil {
		return nil, err
	}
	co.Top, co.Per = 0, nil
	return co.counters(nil, 0), nil
}

// counters returns a maker of the Counters of one count. With spills,
// they share a memory budget and spill into that file; without, they
// never spill. workers is the scan's (0: GOMAXPROCS).
func (co CountOptions) counters(spills *spillFile, workers int) func() *Counter {
	loc := co.TZ
	if loc == nil {
		loc = time.UTC
	}
	var mem *memBudget
	budget := 0
	if spills != nil {
		mem = newMemBudget(cmp.Or(co.Memory, DefaultCountMemory), workers)
		budget = co.SpillKeys
	}
	return func() *Counter {
		c := &Counter{by: co.By, loc: loc, budget: budget, mem: mem, spills: spills}
		if mem != nil {
			// logscan drops the aggregate of a reading that failed (and
			// may read the input again): its bytes go back to the budget
			// when it is collected.
			c.share = new(atomic.Int64)
			runtime.AddCleanup(c, func(share *atomic.Int64) { mem.add(-share.Swap(0)) }, c.share)
		}
		return c
	}
}

func (co CountOptions) check() error {
	if len(co.By) == 0 {
		return fmt.Errorf("%w: count needs at least one field to group by", logscan.ErrInvalidOptions)
	}
	seen := map[CountField]bool{}
	for _, f := range co.By {
		if !slices.Contains(CountFields, f) {
			return fmt.Errorf("%w: unknown count field %q (want one of %v)", logscan.ErrInvalidOptions, f, CountFields)
		}
		if seen[f] {
			return fmt.Errorf("%w: count field %q given twice", logscan.ErrInvalidOptions, f)
		}
		seen[f] = true
	}
	return co.order().check(co.By)
}

// A Counter is the Aggregate of Count: requests and bytes per key.
type Counter struct {
	by       []CountField
	loc      *time.Location
	counts   countTable    // encoded key (appendKey) -> counts
	key      []byte        // scratch for the key of the record being added
	budget   int           // keys held before spilling; 0: no bound in keys
	mem      *memBudget    // shared by the Counters of a Count; nil: never spills by memory
	reported int64         // counts.mem as last added to mem
	share    *atomic.Int64 // reported, for the cleanup that gives it back when c is dropped
	spill    *spillSet     // nil until the first spill
	spills   *spillFile    // where spill writes its runs
	esc      []byte        // scratch for escaping a value
	memo     memoState     // which of status and span is kept (countmemo.go)
	status   *statusMemo   // by status alone: status -> its tally in counts
	span     spanMemo      // by hour or day alone: the last bucket's tally
}

type tally struct{ requests, bytes int64 }

// Add counts rec under its key. It allocates only when the table grows: a
// chunk of keys or tallies, or its index.
func (c *Counter) Add(rec *logparse.Record) {
	if c.memo > memoNone && c.addMemo(rec) {
		return // a key met before: its tally is known
	}
	c.key = c.key[:0]
	for _, f := range c.by {
		c.key = c.appendKey(c.key, f, rec)
	}
	t := c.counts.add(c.key)
	c.remember(rec, t)
	t.requests++
	if rec.Bytes > 0 {
		t.bytes += rec.Bytes
	}
	if c.counts.mem != c.reported || c.budget > 0 && c.counts.n > c.budget {
		c.account()
	}
}

// account tells c.mem how much c's table has grown, and spills c's counts
// when they are past the budget.
func (c *Counter) account() {
	used := c.mem.add(c.counts.mem - c.reported)
	c.setReported(c.counts.mem)
	if c.budget > 0 && c.counts.n > c.budget || c.mem.over(used, c.counts.mem) {
		c.spillOut()
	}
}

// appendKey appends one field of rec's key so that keys order bytewise as
// rows should: 0x01 for an absent value; else 0x02, the value with each
// 0x00 written 0x00 0xFF, and the terminator 0x00 0x01, which sorts before
// any longer value. A host is written as its sort key
// (logparse.AppendHostSortKey), which ends with its canonical text.
func (c *Counter) appendKey(dst []byte, f CountField, rec *logparse.Record) []byte {
	start := len(dst)
	dst = append(dst, 2)
	valueStart := len(dst)
	ok := true
	switch f {
	case ByHost:
		if addr, isAddr := logparse.ParseHostAddr(rec.Host); isAddr {
			dst = logparse.AppendAddrSortKey(dst, addr)
		} else if ok = rec.Host != nil; ok {
			dst = logparse.AppendNameSortKey(dst, rec.Host)
		}
	case ByPath:
		dst, ok = append(dst, rec.Path()...), rec.Target != nil
	case ByStatus:
		dst, ok = strconv.AppendInt(dst, int64(rec.Status), 10), rec.Status >= 0
	case ByStatusClass:
		dst, ok = append(dst, byte('0'+rec.Status/100%10), 'x', 'x'), rec.Status >= 0
	case ByMethod:
		dst, ok = append(dst, rec.Method...), rec.Method != nil
	case ByReferer:
		dst, ok = append(dst, rec.Referer...), rec.Referer != nil
	case ByUserAgent:
		dst, ok = append(dst, rec.UserAgent...), rec.UserAgent != nil
	case ByVHost:
		dst, ok = append(dst, rec.VHost...), rec.VHost != nil
	case ByHour, ByDay:
		ok = rec.HasTime()
		if ok {
			t := time.Unix(rec.Time, 0).In(c.loc)
			if f == ByDay {
				dst = t.AppendFormat(dst, time.DateOnly)
			} else {
				// The local hour, whatever the zone's offset (+05:45 too),
				// keeping the instant's own offset: the two 01:00 hours of
				// a DST fall-back stay two buckets.
				t = t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second)
				dst = t.AppendFormat(dst, time.RFC3339)
			}
		}
	}
	if !ok {
		return append(dst[:start], 1)
	}
	if bytes.IndexByte(dst[valueStart:], 0) >= 0 { // every address: escape
		c.esc = append(c.esc[:0], dst[valueStart:]...)
		dst = dst[:valueStart]
		for _, b := range c.esc {
			if dst = append(dst, b); b == 0 {
				dst = append(dst, 0xff)
			}
		}
	}
	return append(dst, 0, 1)
}

// decodeKey reads a key appendKey wrote into row's Key and Absent.
func decodeKey(key string, by []CountField, row *CountRow) {
	for i, f := range by {
		present := key[0] == 2
		key = key[1:]
		row.Absent[i], row.Key[i] = !present, ""
		if !present {
			continue
		}
		end := strings.Index(key, "\x00\x01")
		value := key[:end]
		key = key[end+2:]
		if strings.Contains(value, "\x00\xff") {
			value = strings.ReplaceAll(value, "\x00\xff", "\x00")
		}
		if f == ByHost {
			value = logparse.HostOfSortKey(value)
		}
		row.Key[i] = value
	}
}

// Merge adds other's counts to c, spilled ones included, and leaves
// other empty.
func (c *Counter) Merge(other *Counter) {
	if other.spill != nil {
		if c.spill == nil {
			c.spill = &spillSet{file: c.spills}
		}
		c.spill.adopt(other.spill)
	}
	if other.counts.n > c.counts.n {
		c.counts, other.counts = other.counts, c.counts
		r := c.reported
		c.setReported(other.reported)
		other.setReported(r)
		c.status, other.status = other.status, c.status // each still points into its table
		c.span, other.span = other.span, c.span
		c.memo, other.memo = other.memo, c.memo
	}
	other.forget()             // its table is drained
	c.mem.add(-other.reported) // drain lets go of other's table as it goes
	other.setReported(0)
	other.counts.drain(&c.counts, func(key []byte, o tally) {
		t := c.counts.add(key)
		t.requests += o.requests
		t.bytes += o.bytes
		if c.counts.mem != c.reported || c.budget > 0 && c.counts.n > c.budget {
			c.account()
		}
	})
}

// spillOut writes c's counts, sorted, to its spill file and starts an
// empty table.
func (c *Counter) spillOut() {
	if c.spill == nil {
		c.spill = &spillSet{file: c.spills}
	}
	c.spill.writeTable(&c.counts)
	c.mem.add(-c.reported)
	c.counts = countTable{}
	c.setReported(0)
	c.forget()
}

// setReported records that mem holds v bytes of c's.
func (c *Counter) setReported(v int64) {
	c.reported = v
	if c.share != nil {
		c.share.Store(v)
	}
}
