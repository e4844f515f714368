package report

import (
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
)

// The caps on the series: hourly traffic up to a week, daily up to
// maxDays, monthly beyond; at most maxBuckets buckets and maxDays days
// (the latest), so that the charts stay small for any span of times.
const (
	maxHours   = 7*24 + 1
	maxDays    = 400
	maxBuckets = 600
)

// newSeries buckets the result's hours by the step their span calls for,
// every step from the first to the last shown, empty ones included.
func newSeries(res *jobs.ReportResult, loc *time.Location) Series {
	s := Series{Classes: jobs.StatusClasses[:], Traffic: []Bucket{}, Days: []Day{}}
	hours := res.Hours
	s.Step = "hour"
	if n := len(hours); n > 0 {
		span := hours[n-1].Start.Sub(hours[0].Start)
		switch {
		case span >= maxDays*24*time.Hour:
			s.Step = "month"
		case span >= maxHours*time.Hour:
			s.Step = "day"
		}
	}
	var omitted int
	s.Traffic, omitted = bucketTraffic(hours, s.Step, loc)
	s.Days, s.Omitted = fillDays(res.Days, loc)
	s.Omitted += omitted
	return s
}

// bucketTraffic adds the hours up per step; steps without requests
// between the first and the last are there as zeros.
func bucketTraffic(hours []jobs.ReportHour, step string, loc *time.Location) ([]Bucket, int) {
	out := []Bucket{}
	if len(hours) == 0 {
		return out, 0
	}
	start := func(t time.Time) time.Time {
		t = t.In(loc)
		switch step {
		case "day":
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		case "month":
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		}
		return t
	}
	next := func(t time.Time) time.Time {
		switch step {
		case "day":
			return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case "month":
			return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		}
		return t.Add(time.Hour)
	}
	last := start(hours[len(hours)-1].Start)
	first := start(hours[0].Start)
	omitted := 0
	// Count the buckets, and leave out the earliest past maxBuckets.
	var starts []time.Time
	for t := first; !t.After(last); t = next(t) {
		starts = append(starts, t) // months from year 1 to 9999 at worst: 120,000
	}
	if len(starts) > maxBuckets {
		omitted += len(starts) - maxBuckets
		starts = starts[len(starts)-maxBuckets:]
	}
	index := make(map[int64]int, len(starts))
	for i, t := range starts {
		out = append(out, Bucket{Start: t.Format(time.RFC3339), Requests: make([]int64, len(jobs.StatusClasses))})
		index[t.Unix()] = i
	}
	for _, h := range hours {
		i, ok := index[start(h.Start).Unix()]
		if !ok {
			continue // left out
		}
		for c, n := range h.Requests {
			out[i].Requests[c] += n
		}
		out[i].Bytes += h.Bytes
	}
	return out, omitted
}

// fillDays lists every day from the first to the last of days, at most the
// latest maxDays.
func fillDays(days []jobs.ReportDay, loc *time.Location) ([]Day, int) {
	out := []Day{}
	if len(days) == 0 {
		return out, 0
	}
	parse := func(s string) time.Time {
		t, _ := time.ParseInLocation(time.DateOnly, s, time.UTC)
		return t
	}
	first, last := parse(days[0].Day), parse(days[len(days)-1].Day)
	omitted := 0
	if n := int(last.Sub(first)/(24*time.Hour)) + 1; n > maxDays {
		omitted = n - maxDays
		first = last.AddDate(0, 0, -(maxDays - 1))
	}
	byDay := make(map[string]jobs.ReportDay, len(days))
	for _, d := range days {
		byDay[d.Day] = d
	}
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		key := t.Format(time.DateOnly)
		d := byDay[key]
		out = append(out, Day{Day: key, Requests: d.Requests, Hosts: d.Hosts})
	}
	return out, omitted
}
