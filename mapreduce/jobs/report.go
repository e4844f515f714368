package jobs

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A ReportTable names one of the tables of a Report.
type ReportTable string

// The tables of a Report, in the order a page shows them.
const (
	TablePaths      ReportTable = "paths"       // the target up to '?'
	TableNotFound   ReportTable = "not_found"   // paths of the 404 responses
	TableHosts      ReportTable = "hosts"       // client hosts, canonical
	TableReferers   ReportTable = "referers"    // Referer headers
	TableUserAgents ReportTable = "user_agents" // User-Agent headers
	TableStatus     ReportTable = "status"      // status codes
	TableMethods    ReportTable = "methods"     // request methods
	TableVHosts     ReportTable = "vhosts"      // virtual hosts
)

// ReportTables lists every ReportTable in page order.
var ReportTables = []ReportTable{TablePaths, TableNotFound, TableHosts, TableReferers, TableUserAgents, TableStatus, TableMethods, TableVHosts}

// hostsIndex is TableHosts' index in ReportTables.
const hostsIndex = 2

// reportTableBy is the count field each table groups by.
var reportTableBy = []CountField{ByPath, ByPath, ByHost, ByReferer, ByUserAgent, ByStatus, ByMethod, ByVHost}

// ReportOptions configure a report. The zero value keeps the 10 rows with
// the most requests per table, buckets times in UTC and holds up to
// DefaultCountMemory of counts in memory.
type ReportOptions struct {
	Top int            // rows per table; 0 means DefaultReportTop
	TZ  *time.Location // the zone of the hour and day buckets; nil means UTC
	// Memory bounds the bytes the counts behind every table and series
	// hold together, as CountOptions.Memory does: past it, they spill to
	// temporary files. 0 means DefaultCountMemory.
	Memory int64
}

// DefaultReportTop is the rows per table of a report that asks for none.
const DefaultReportTop = 10

func (ro ReportOptions) zone() *time.Location { return cmp.Or(ro.TZ, time.UTC) }

// A Report is the Aggregate of the report job: totals, the period
// covered, exact counts per path, 404 path, host, referer, user agent,
// status, method and vhost, and the series per hour and status class and
// per day and host. Every table is a Counter, so that its numbers are
// those of Count by the same field, and memory is bounded as a Count's is:
// all the Counters of one report share one budget, past which they spill
// to one temporary file. Memory grows with the distinct values of each
// table and with the distinct (day, host) pairs.
type Report struct {
	tables   [8]*Counter // in ReportTables order
	hourly   *Counter    // by hour, status_class
	daily    *Counter    // by day, host
	requests int64
	bytes    int64
	timed    bool // first and last hold a time
	first    int64
	last     int64
	zone     string // the name of the zone of the buckets, for the page
	loc      *time.Location
	hour     bucketKey // the last hour's key, for hourly
	day      bucketKey // the last day's key, for daily
}

// A bucketKey is the encoded key (appendKey) of the last hour or day bucket
// a record fell in, and the times that share it: formatting a time per
// line would cost more than all the other tables together.
type bucketKey struct {
	span  spanMemo
	key   []byte
	valid bool
}

// absentKey is appendKey's key of an absent value. Read only.
var absentKey = []byte{1}

// of returns the key of rec's bucket of field f (ByHour or ByDay) in c's zone.
func (k *bucketKey) of(c *Counter, f CountField, rec *logparse.Record) []byte {
	if !rec.HasTime() {
		return absentKey
	}
	if k.valid && rec.Time >= k.span.lo && rec.Time < k.span.hi {
		return k.key
	}
	k.key = c.appendKey(k.key[:0], f, rec)
	k.span, k.valid = spanOf(rec.Time, c.loc, f == ByDay), true
	return k.key
}

// addAfter counts rec under the key prefix, then rec's value of f: Add for
// a Counter by (a time bucket, f) whose first part is known.
func (c *Counter) addAfter(prefix []byte, f CountField, rec *logparse.Record) {
	c.key = c.appendKey(append(c.key[:0], prefix...), f, rec)
	c.addKey(c.key, rec)
}

// addKey counts rec under key, encoded as appendKey encodes c's fields.
func (c *Counter) addKey(key []byte, rec *logparse.Record) {
	t := c.counts.add(key)
	t.requests++
	if rec.Bytes > 0 {
		t.bytes += rec.Bytes
	}
	if c.counts.mem != c.reported || c.budget > 0 && c.counts.n > c.budget {
		c.account()
	}
}

// newReports returns a maker of the empty Reports of one report job. With
// spills, their Counters share a memory budget and spill into that file;
// without, they never spill.
func (ro ReportOptions) newReports(spills *spillFile, workers int) func() *Report {
	loc := ro.zone()
	var mem *memBudget
	if spills != nil {
		mem = newMemBudget(cmp.Or(ro.Memory, DefaultCountMemory), workers)
	}
	counter := func(by ...CountField) *Counter {
		c := &Counter{by: by, loc: loc, mem: mem, spills: spills}
		if mem != nil {
			c.share = new(atomic.Int64)
			runtime.AddCleanup(c, func(share *atomic.Int64) { mem.add(-share.Swap(0)) }, c.share)
		}
		return c
	}
	zone := zoneName(loc)
	return func() *Report {
		r := &Report{zone: zone, loc: loc}
		for i, by := range reportTableBy {
			r.tables[i] = counter(by)
		}
		r.hourly = counter(ByHour, ByStatusClass)
		r.daily = counter(ByDay, ByHost)
		return r
	}
}

// NewReportFunc returns a function that makes empty Reports: the
// newAggregate of logscan.ScanLogs. Its Reports never spill.
func NewReportFunc(ro ReportOptions) func() *Report { return ro.newReports(nil, 0) }

// Add counts rec in every table and series; a 404 counts in not_found too.
func (r *Report) Add(rec *logparse.Record) {
	r.requests++
	if rec.Bytes > 0 {
		r.bytes += rec.Bytes
	}
	if rec.HasTime() {
		if !r.timed || rec.Time < r.first {
			r.first = rec.Time
		}
		if !r.timed || rec.Time > r.last {
			r.last = rec.Time
		}
		r.timed = true
	}
	for i, c := range r.tables {
		switch ReportTables[i] {
		case TableHosts:
			continue // below
		case TableNotFound:
			if rec.Status != 404 {
				continue
			}
		}
		c.Add(rec)
	}
	r.hourly.addAfter(r.hour.of(r.hourly, ByHour, rec), ByStatusClass, rec)
	// The host's key, costly to make (an address is parsed), serves the
	// hosts table and, after the day's, the daily one.
	hosts := r.tables[hostsIndex]
	hosts.key = hosts.appendKey(hosts.key[:0], ByHost, rec)
	hosts.addKey(hosts.key, rec)
	r.daily.key = append(append(r.daily.key[:0], r.day.of(r.daily, ByDay, rec)...), hosts.key...)
	r.daily.addKey(r.daily.key, rec)
}

// Merge adds other's counts to r and leaves other empty.
func (r *Report) Merge(other *Report) {
	r.requests += other.requests
	r.bytes += other.bytes
	if other.timed {
		if !r.timed || other.first < r.first {
			r.first = other.first
		}
		if !r.timed || other.last > r.last {
			r.last = other.last
		}
		r.timed = true
	}
	for i := range r.tables {
		r.tables[i].Merge(other.tables[i])
	}
	r.hourly.Merge(other.hourly)
	r.daily.Merge(other.daily)
}

// Fields: the request line, referer, user agent and time besides host,
// status and bytes.
func (r *Report) Fields() logparse.Fields {
	var f logparse.Fields
	for _, c := range r.counters() {
		f |= c.Fields()
	}
	return f
}

func (r *Report) counters() []*Counter {
	return append(r.tables[:len(r.tables):len(r.tables)], r.hourly, r.daily)
}

// spilled reports whether any of r's counts went to a temporary file.
func (r *Report) spilled() bool {
	for _, c := range r.counters() {
		if c.spill != nil {
			return true
		}
	}
	return false
}

// Report runs the report job over the inputs that paths name, taking the
// records that pass opts.Filter, and returns its result: totals, the
// ro.Top rows with the most requests of each table (exact: every count is
// kept until the end), the series. Memory is as for Count, with
// ro.Memory; temporary files are gone when it returns. Errors are as for
// ScanLogs: with a *mapreduce.FailedInputs the result covers the other
// inputs.
func RunReport(ctx context.Context, paths []string, ro ReportOptions, opts logscan.ScanOptions) (*ReportResult, error) {
	spills := &spillFile{}
	defer spills.close()
	opts.AnyOrder = true // a report's merge is commutative
	r, stats, err := logscan.ScanLogs(ctx, paths, ro.newReports(spills, opts.Workers), opts)
	if r == nil {
		return nil, err
	}
	if r.spilled() && ctx.Err() != nil {
		return nil, cmp.Or(err, ctx.Err())
	}
	res, rerr := r.result(ctx, ro, stats)
	if rerr != nil {
		return nil, rerr
	}
	return res, err
}

// ReportPartial is RunReport stopped before its final step, for a
// partial-result file (see HostsPartial). Its kind is "report".
func ReportPartial(ctx context.Context, paths []string, ro ReportOptions, opts logscan.ScanOptions) (*Partial, logscan.Stats, error) {
	return ScanPartial(ctx, paths, "report", ro.newReports(nil, 0), opts)
}

// ReportResult is the final answer of a merged report partial, with
// ro.Top rows per table (ro.TZ is the partial's: it is part of its
// query).
func (p *Partial) ReportResult(ctx context.Context, ro ReportOptions) (*ReportResult, error) {
	r, ok := p.agg.(*Report)
	if !ok {
		return nil, fmt.Errorf("a %s partial has no report result", p.Header.Kind)
	}
	return r.result(ctx, ro, p.Stats())
}
