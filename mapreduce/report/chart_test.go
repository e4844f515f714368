package report

import (
	"testing"
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
)

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct {
		top                float64
		bytes              bool
		scale, step, max   float64
		firstTick, topTick string
	}{
		{0, false, 1, 1, 1, "0", "1"},
		{3, false, 1, 1, 3, "0", "3"},
		{137, false, 1, 50, 150, "0", "150"},
		{12345, false, 1, 5000, 15000, "0", "15k"},
		{2.6e9, false, 1, 1e9, 3e9, "0", "3G"},
		{900, true, 1, 200, 1000, "0 B", "1000 B"},
		{200 << 20, true, 1 << 20, 50 << 20, 200 << 20, "0 MiB", "200 MiB"},
		{1.5 * (1 << 30), true, 1 << 30, 0.5 * (1 << 30), 1.5 * (1 << 30), "0 GiB", "1.5 GiB"},
	} {
		scale, step, max := niceScale(tc.top, tc.bytes)
		if scale != tc.scale || step != tc.step || max != tc.max {
			t.Errorf("niceScale(%g, %v) = %g, %g, %g; want %g, %g, %g", tc.top, tc.bytes, scale, step, max, tc.scale, tc.step, tc.max)
		}
		if got := tickText(0, scale, tc.bytes); got != tc.firstTick {
			t.Errorf("tickText(0) for top %g = %q, want %q", tc.top, got, tc.firstTick)
		}
		if got := tickText(max, scale, tc.bytes); got != tc.topTick {
			t.Errorf("tickText(%g) = %q, want %q", max, got, tc.topTick)
		}
	}
}

// The day clocks go back in Paris has 25 hourly buckets, two of them
// 02:00; a span past a week is counted per day, past 400 days per month.
func TestSeriesSteps(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	hours := func(from time.Time, n int, every time.Duration) []jobs.ReportHour {
		var out []jobs.ReportHour
		for i := range n {
			h := jobs.ReportHour{Start: from.Add(time.Duration(i) * every).In(paris), Bytes: 10}
			h.Requests[1] = 1
			out = append(out, h)
		}
		return out
	}
	day := time.Date(2026, 10, 25, 0, 0, 0, 0, paris)
	for _, tc := range []struct {
		name    string
		hours   []jobs.ReportHour
		step    string
		buckets int
	}{
		{"fall back", hours(day, 25, time.Hour), "hour", 25},
		{"first and last of a day", []jobs.ReportHour{hours(day, 1, 0)[0], hours(day.Add(24*time.Hour), 1, 0)[0]}, "hour", 25},
		{"ten days", hours(day.AddDate(0, 0, 1), 10, 24*time.Hour), "day", 10},
		{"two years", hours(day, 3, 365*24*time.Hour), "month", 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSeries(&jobs.ReportResult{Hours: tc.hours}, paris)
			var total int64
			for _, b := range s.Traffic {
				total += b.Requests[1]
			}
			if s.Step != tc.step || len(s.Traffic) != tc.buckets || total != int64(len(tc.hours)) {
				t.Errorf("%d %s buckets of %d requests, want %d %s buckets of %d", len(s.Traffic), s.Step, total, tc.buckets, tc.step, len(tc.hours))
			}
		})
	}
}
