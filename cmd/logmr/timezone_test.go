package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLog writes one common-format line per instant, in UTC, to a file.
func writeLog(t *testing.T, at []time.Time) string {
	t.Helper()
	var b strings.Builder
	for i, ts := range at {
		fmt.Fprintf(&b, "192.0.2.%d - - [%s] \"GET /p%d HTTP/1.1\" 200 1\n", i%200+1, ts.UTC().Format("02/Jan/2006:15:04:05 -0700"), i%3)
	}
	path := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvRows runs a count with -O csv and returns its rows, header dropped.
func csvRows(t *testing.T, r result, what string) [][]string {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: exit %d, stderr %q", what, r.code, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: CSV %q: %v", what, r.stdout, err)
	}
	return rows[1:]
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no zone database:", err)
	}
	return loc
}

// One zone for the window and the buckets: a one-day window counted by
// day is that one day, in the local zone ($TZ) by default, in --tz when
// given; by hour, its 24 hours in time order.
func TestOneZoneForWindowAndBuckets(t *testing.T) {
	var at []time.Time // every hour, 2026-11-20 00:00Z to 2026-11-23 00:00Z
	for ts := time.Date(2026, 11, 20, 0, 30, 0, 0, time.UTC); ts.Before(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)); ts = ts.Add(time.Hour) {
		at = append(at, ts)
	}
	log := writeLog(t, at)
	tests := []struct {
		name      string
		env, args []string
		firstHour string
	}{
		{"TZ=Europe/Paris", []string{"TZ=Europe/Paris"}, nil, "2026-11-21T00:00:00+01:00"},
		{"TZ=America/New_York", []string{"TZ=America/New_York"}, nil, "2026-11-21T00:00:00-05:00"},
		{"TZ=Europe/Paris --tz UTC", []string{"TZ=Europe/Paris"}, []string{"--tz", "UTC"}, "2026-11-21T00:00:00Z"},
		{"TZ=UTC --tz Asia/Kolkata", []string{"TZ=UTC"}, []string{"--tz", "Asia/Kolkata"}, "2026-11-21T00:00:00+05:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"count", "-O", "csv", "--since", "2026-11-21", "--until", "2026-11-22"}, tc.args...)
			days := csvRows(t, runEnv(t, tc.env, append(args, "--by", "day", log)...), "count --by day")
			if len(days) != 1 || days[0][0] != "2026-11-21" || days[0][1] != "24" {
				t.Errorf("count --by day %q = %q, want one row: 2026-11-21 with 24 requests", tc.args, days)
			}
			hours := csvRows(t, runEnv(t, tc.env, append(args, "--by", "hour", log)...), "count --by hour")
			if len(hours) != 24 || hours[0][0] != tc.firstHour {
				t.Fatalf("count --by hour %q: %d rows from %q, want 24 from %s", tc.args, len(hours), hours, tc.firstHour)
			}
			for i := 1; i < len(hours); i++ {
				prev, _ := time.Parse(time.RFC3339, hours[i-1][0])
				cur, _ := time.Parse(time.RFC3339, hours[i][0])
				if cur.Sub(prev) != time.Hour {
					t.Errorf("count --by hour row %d is %s after %s: want time order", i, hours[i][0], hours[i-1][0])
				}
			}
		})
	}
}

// Relative times against one fixed start; today and yesterday are
// midnights in the zone, so a DST day is 23 or 25 hours long.
func TestParseTimeFlagRelative(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	start := at("2026-11-22T10:15:30+01:00")
	tests := []struct {
		name, value string
		start       time.Time
		want        time.Time
	}{
		{"now", "now", start, start},
		{"today", "today", start, at("2026-11-22T00:00:00+01:00")},
		{"yesterday", "yesterday", start, at("2026-11-21T00:00:00+01:00")},
		{"-36h", "-36h", start, start.Add(-36 * time.Hour)},
		{"-30m", "-30m", start, start.Add(-30 * time.Minute)},
		{"-90s", "-90s", start, start.Add(-90 * time.Second)},
		{"-7d", "-7d", start, at("2026-11-15T10:15:30+01:00")},
		{"-2w", "-2w", start, at("2026-11-08T10:15:30+01:00")},
		{"now-1h", "now-1h", start, start.Add(-time.Hour)},
		{"today-6d", "today-6d", start, at("2026-11-16T00:00:00+01:00")},
		{"a bare date in --tz", "2026-11-21", start, at("2026-11-21T00:00:00+01:00")},
		{"RFC 3339 keeps its offset", "2026-11-21T06:00:00Z", start, at("2026-11-21T06:00:00Z")},
		// DST: spring forward on 2026-03-29, fall back on 2026-10-25.
		{"today on the spring day", "today", at("2026-03-29T15:00:00+02:00"), at("2026-03-29T00:00:00+01:00")},
		{"yesterday after the spring day", "yesterday", at("2026-03-30T08:00:00+02:00"), at("2026-03-29T00:00:00+01:00")},
		{"yesterday after the autumn day", "yesterday", at("2026-10-26T08:00:00+01:00"), at("2026-10-25T00:00:00+02:00")},
		{"-1d across spring forward keeps the wall clock", "-1d", at("2026-03-29T12:00:00+02:00"), at("2026-03-28T12:00:00+01:00")},
		{"-24h across spring forward is elapsed time", "-24h", at("2026-03-29T12:00:00+02:00"), at("2026-03-28T11:00:00+01:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTimeFlag("since", tc.value, paris, tc.start)
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("parseTimeFlag(%q) at %s = %s, %v; want %s", tc.value, tc.start, got, err, tc.want)
			}
		})
	}
	// Yesterday to today is one calendar day: 23 hours after spring
	// forward, 25 after fall back.
	for _, day := range []struct {
		start string
		hours time.Duration
	}{{"2026-03-30T08:00:00+02:00", 23}, {"2026-10-26T08:00:00+01:00", 25}, {"2026-11-22T08:00:00+01:00", 24}} {
		y, _ := parseTimeFlag("since", "yesterday", paris, at(day.start))
		d, _ := parseTimeFlag("until", "today", paris, at(day.start))
		if d.Sub(y) != day.hours*time.Hour {
			t.Errorf("at %s, yesterday to today is %s, want %dh", day.start, d.Sub(y), day.hours)
		}
	}
}

func TestParseTimeFlagErrors(t *testing.T) {
	for _, value := range []string{"tomorrow", "-7x", "-", "now-", "7d", "-1.5h", "today+1d", "-d", "--7d", "-99999999h", "nowish", "2026-13-01"} {
		t.Run(value, func(t *testing.T) {
			_, err := parseTimeFlag("until", value, time.UTC, time.Now())
			if !isUsage(err) || !strings.Contains(err.Error(), `--until "`+value+`"`) || !strings.Contains(err.Error(), "yesterday, or -N with s, m, h, d or w") {
				t.Errorf("parseTimeFlag(%q) = %v, want a usage error naming --until and the accepted forms", value, err)
			}
		})
	}
}

// --since yesterday --until today, against the real clock: exactly
// yesterday's records, midnight included and the next excluded, in the
// child's $TZ; and --since -36h.
func TestRelativeWindowRealClock(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	for attempt := 0; ; attempt++ {
		start := time.Now().In(paris)
		y, m, d := start.Date()
		midnight := func(days int) time.Time { return time.Date(y, m, d+days, 0, 0, 0, 0, paris) }
		var at []time.Time
		for days := -2; days <= 0; days++ { // the day before yesterday, yesterday, today
			day := midnight(days)
			at = append(at, day, day.Add(time.Second), time.Date(y, m, d+days, 12, 0, 0, 0, paris), midnight(days+1).Add(-time.Second))
		}
		log := writeLog(t, at)
		env := []string{"TZ=Europe/Paris"}
		days := csvRows(t, runEnv(t, env, "count", "-O", "csv", "--by", "day", "--since", "yesterday", "--until", "today", log), "--since yesterday --until today")
		around := writeLog(t, []time.Time{start.Add(-37 * time.Hour), start.Add(-35 * time.Hour), start.Add(-35 * time.Hour)})
		recent := csvRows(t, runEnv(t, env, "count", "-O", "csv", "--by", "method", "--since", "-36h", around), "--since -36h")
		if time.Now().In(paris).Day() != d && attempt == 0 {
			continue // midnight passed during the run: once more
		}
		if want := midnight(-1).Format(time.DateOnly); len(days) != 1 || days[0][0] != want || days[0][1] != "4" {
			t.Errorf("--since yesterday --until today at %s = %q, want one row: %s with 4 requests", start, days, want)
		}
		if len(recent) != 1 || recent[0][1] != "2" {
			t.Errorf("--since -36h at %s = %q, want the 2 requests of 35 hours ago", start, recent)
		}
		return
	}
}
