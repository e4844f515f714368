package main

import (
	"strconv"
	"strings"
	"time"
)

// now is the clock a run reads, once (parseFilter): --since and --until
// relative to one instant agree. Tests replace it.
var now = time.Now

// timeLayouts are the forms --since and --until take without an offset,
// read in --tz; RFC 3339 (with its offset or Z) is tried first.
var timeLayouts = []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// parseTimeFlag reads the value s of --name: an instant (RFC 3339), a
// wall-clock time in loc, or a time relative to start (parseRelative).
func parseTimeFlag(name, s string, loc *time.Location, start time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, ok := parseRelative(s, loc, start); ok {
		return t, nil
	}
	return time.Time{}, usagef("--%s %q: want RFC 3339 (2026-11-22T06:00:00Z), YYYY-MM-DD[THH:MM[:SS]] in --tz, "+
		"now, today, yesterday, or -N with s, m, h, d or w (-30m, -36h, -7d), also after today or yesterday (today-6d)", name, s)
}

// parseRelative reads [now|today|yesterday][-N{s,m,h,d,w}]: today and
// yesterday are midnight in loc; days and weeks are calendar days in loc
// (the same wall-clock time, 23 or 25 hours across DST), s, m and h are
// elapsed time. A bare -N counts from start.
func parseRelative(s string, loc *time.Location, start time.Time) (time.Time, bool) {
	start = start.In(loc)
	y, m, d := start.Date()
	base, offset := start, s
	for _, word := range []struct {
		name string
		days int
	}{{"now", -1}, {"today", 0}, {"yesterday", 1}} {
		if rest, ok := strings.CutPrefix(s, word.name); ok {
			if word.days >= 0 {
				base = time.Date(y, m, d-word.days, 0, 0, 0, 0, loc)
			}
			offset = rest
			break
		}
	}
	if offset == "" {
		return base, offset != s
	}
	digits, ok := strings.CutPrefix(offset[:len(offset)-1], "-")
	n, err := strconv.ParseUint(digits, 10, 64)
	if !ok || err != nil || n > 1e6 { // a million hours is 114 years: no Duration overflow
		return time.Time{}, false
	}
	switch offset[len(offset)-1] {
	case 's':
		return base.Add(-time.Duration(n) * time.Second), true
	case 'm':
		return base.Add(-time.Duration(n) * time.Minute), true
	case 'h':
		return base.Add(-time.Duration(n) * time.Hour), true
	case 'd':
		return base.AddDate(0, 0, -int(n)), true
	case 'w':
		return base.AddDate(0, 0, -7*int(n)), true
	}
	return time.Time{}, false
}
