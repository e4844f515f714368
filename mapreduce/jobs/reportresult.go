package jobs

import (
	"context"
	"time"

	"github.com/logmr/logmr/mapreduce/logscan"
)

// StatusClasses are the classes of a ReportHour's Requests, in order:
// 1xx to 5xx, then every other status (none, 0xx, 6xx and up).
var StatusClasses = [6]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"}

// ReportResult is the answer of RunReport.
type ReportResult struct {
	Zone     string         // the name of the zone of Hours, Days, First and Last: "UTC", "Europe/Paris", "Local"
	Location *time.Location // that zone
	Requests int64
	Bytes    int64 // Record.Bytes summed; "-" counts as 0
	// DistinctHosts is the number of distinct client hosts, canonical:
	// what Hosts returns.
	DistinctHosts int64
	// First and Last are the times of the earliest and latest records, in
	// Zone; zero when no record had a time.
	First, Last time.Time
	Tables      []ReportTableResult // in ReportTables order
	// Hours are the hours with requests, in time order (a DST fall-back's
	// two 01:00 hours are two); Untimed counts the requests without a time.
	Hours   []ReportHour
	Untimed int64
	Days    []ReportDay // the days with requests, in order
	Stats   logscan.Stats
}

// A ReportTableResult is one table: the Top rows with the most requests
// (ties in key order, as count --sort requests), of Distinct values.
type ReportTableResult struct {
	Name     ReportTable
	Distinct int64 // values, the absent one not counted
	Rows     []ReportRow
}

// A ReportRow is one value of a table and what its requests add up to.
type ReportRow struct {
	Key      string
	Absent   bool // the records had no value ("-"); Key is ""
	Requests int64
	Bytes    int64
}

// A ReportHour is one hour's requests per status class (StatusClasses)
// and bytes.
type ReportHour struct {
	Start    time.Time // in the zone's offset of that hour
	Requests [len(StatusClasses)]int64
	Bytes    int64
}

// A ReportDay is one day's requests and distinct client hosts.
type ReportDay struct {
	Day      string // 2026-11-22, in the report's zone
	Requests int64
	Hosts    int64
}

// result is the final step of a report: each table cut to ro.Top rows,
// the series read off in time order.
func (r *Report) result(ctx context.Context, ro ReportOptions, stats logscan.Stats) (*ReportResult, error) {
	top := ro.Top
	if top <= 0 {
		top = DefaultReportTop
	}
	res := &ReportResult{Zone: r.zone, Location: r.loc, Requests: r.requests, Bytes: r.bytes, Stats: stats}
	if r.timed {
		res.First, res.Last = time.Unix(r.first, 0).In(r.loc), time.Unix(r.last, 0).In(r.loc)
	}
	for i, c := range r.tables {
		t := ReportTableResult{Name: ReportTables[i]}
		err := eachRow(ctx, c, SortRequests, func(row *CountRow) {
			if !row.Absent[0] {
				t.Distinct++
			}
			if len(t.Rows) < top {
				t.Rows = append(t.Rows, ReportRow{Key: row.Key[0], Absent: row.Absent[0], Requests: row.Requests, Bytes: row.Bytes})
			}
		})
		if err != nil {
			return nil, err
		}
		if t.Name == TableHosts {
			res.DistinctHosts = t.Distinct
		}
		res.Tables = append(res.Tables, t)
	}
	err := eachRow(ctx, r.hourly, SortKey, func(row *CountRow) {
		if row.Absent[0] {
			res.Untimed += row.Requests
			return
		}
		start, err := time.Parse(time.RFC3339, row.Key[0])
		if err != nil {
			return // appendKey wrote it: cannot happen
		}
		n := len(res.Hours)
		if n == 0 || !res.Hours[n-1].Start.Equal(start) || res.Hours[n-1].Start.Format(time.RFC3339) != row.Key[0] {
			res.Hours = append(res.Hours, ReportHour{Start: start})
			n++
		}
		h := &res.Hours[n-1]
		h.Requests[statusClassIndex(row)] += row.Requests
		h.Bytes += row.Bytes
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, r.daily, SortKey, func(row *CountRow) {
		if row.Absent[0] {
			return
		}
		n := len(res.Days)
		if n == 0 || res.Days[n-1].Day != row.Key[0] {
			res.Days = append(res.Days, ReportDay{Day: row.Key[0]})
			n++
		}
		d := &res.Days[n-1]
		d.Requests += row.Requests
		if !row.Absent[1] {
			d.Hosts++
		}
	})
	return res, err
}

// statusClassIndex is the StatusClasses index of an hourly row.
func statusClassIndex(row *CountRow) int {
	if row.Absent[1] || len(row.Key[1]) != 3 || row.Key[1][0] < '1' || row.Key[1][0] > '5' {
		return len(StatusClasses) - 1
	}
	return int(row.Key[1][0] - '1')
}

// eachRow calls f with each row of c in order s, and leaves c read only.
func eachRow(ctx context.Context, c *Counter, s CountSort, f func(*CountRow)) error {
	res, err := c.resultContext(ctx, CountOrder{Sort: s}, logscan.Stats{})
	if err != nil {
		return err
	}
	defer res.Close()
	for row := range res.All() {
		f(row)
	}
	return res.Err()
}
