package jobs

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// Counting lines in two Counters and merging them equals counting them in
// one; rows come most requests first, then by key, an absent key first.
func TestCounterMergeAndOrder(t *testing.T) {
	lines := []string{
		`10.0.0.2 - - [22/Nov/2026:23:30:00 -0200] "GET /a HTTP/1.1" 200 5`,
		`10.0.0.10 - - [23/Nov/2026:01:30:00 +0000] "GET /a HTTP/1.1" 200 -`,
		`010.000.000.002 - - [23/Nov/2026:01:31:00 +0000] "GET /b HTTP/1.1" 404 7`,
		`::ffff:10.0.0.10 - - [23/Nov/2026:01:32:00 +0000] "-" 400 1`,
		`host.example - - [23/Nov/2026:01:33:00 +0000] "GET /c HTTP/1.1" - 2`,
	}
	var recs []*logparse.Record
	for _, l := range lines {
		recs = append(recs, parseLine(t, logparse.Common, l))
	}
	by := []CountField{ByHost, ByDay, ByPath}
	newC := func() *Counter { return &Counter{by: by, loc: time.UTC} }
	whole, a, b := newC(), newC(), newC()
	for i, r := range recs {
		whole.Add(r)
		if i%2 == 0 {
			a.Add(r)
		} else {
			b.Add(r)
		}
	}
	a.Merge(b)
	rowsOf := func(c *Counter, top int) []CountRow {
		return (&CountResult{By: by, rows: CountOrder{Top: top, Sort: SortRequests}.apply(entries(&c.counts), by)}).Rows()
	}
	rows := rowsOf(whole, 0)
	if merged := rowsOf(a, 0); !slices.EqualFunc(rows, merged, rowEqual) {
		t.Fatalf("merged rows %v, want %v", merged, rows)
	}
	want := []CountRow{
		{Key: []string{"10.0.0.2", "2026-11-23", "/a"}, Absent: []bool{false, false, false}, Requests: 1, Bytes: 5},
		{Key: []string{"10.0.0.2", "2026-11-23", "/b"}, Absent: []bool{false, false, false}, Requests: 1, Bytes: 7},
		{Key: []string{"10.0.0.10", "2026-11-23", ""}, Absent: []bool{false, false, true}, Requests: 1, Bytes: 1},
		{Key: []string{"10.0.0.10", "2026-11-23", "/a"}, Absent: []bool{false, false, false}, Requests: 1, Bytes: 0},
		{Key: []string{"host.example", "2026-11-23", "/c"}, Absent: []bool{false, false, false}, Requests: 1, Bytes: 2},
	}
	if !slices.EqualFunc(rows, want, rowEqual) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}
	if top := rowsOf(whole, 2); !slices.EqualFunc(top, want[:2], rowEqual) {
		t.Errorf("top 2 = %v", top)
	}
}

func rowEqual(a, b CountRow) bool {
	return slices.Equal(a.Key, b.Key) && slices.Equal(a.Absent, b.Absent) && a.Requests == b.Requests && a.Bytes == b.Bytes
}

// Counter.Add allocates only for a key it has not seen.
func TestCounterAllocs(t *testing.T) {
	rec := parseLine(t, logparse.Combined, `2001:db8::1 - - [22/Nov/2026:06:30:00 +0100] "GET /a?b HTTP/1.1" 200 5 "-" "curl"`)
	c := &Counter{by: CountFields, loc: time.UTC}
	c.Add(rec)
	if n := testing.AllocsPerRun(100, func() { c.Add(rec) }); n != 0 {
		t.Errorf("Counter.Add allocates %v times for a known key, want 0", n)
	}
}

func TestCountOptionErrors(t *testing.T) {
	for name, co := range map[string]CountOptions{
		"no field":      {},
		"unknown field": {By: []CountField{"size"}},
		"twice":         {By: []CountField{ByHost, ByHost}},
		"negative top":  {By: []CountField{ByHost}, Top: -1},
	} {
		if _, err := Count(context.Background(), []string{"../../testdata/logs"}, co, logscan.ScanOptions{}); !errors.Is(err, logscan.ErrInvalidOptions) {
			t.Errorf("%s: %v, want logscan.ErrInvalidOptions", name, err)
		}
	}
}

// With --top and a tiny budget, counts spill to disk and come back
// partition by partition: the top rows equal the full count's, for any
// number of workers, and no temporary file is left.
func TestCountTopSpills(t *testing.T) {
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 1 << 20, Seed: 17, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	by := []CountField{ByHost, ByStatus}
	full, err := Count(context.Background(), []string{dir}, CountOptions{By: by}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if full.Len() < 1000 {
		t.Fatalf("only %d keys: too few to spill", full.Len())
	}
	for _, workers := range []int{1, 3} {
		for _, top := range []int{1, 25, full.Len() + 10} {
			res, err := Count(context.Background(), []string{dir}, CountOptions{By: by, Top: top, SpillKeys: 50}, logscan.ScanOptions{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			want := full.Rows()[:min(top, full.Len())]
			if got := res.Rows(); !slices.EqualFunc(got, want, rowEqual) {
				t.Errorf("-j %d --top %d with spilling: %d rows, first %v; want %d, first %v", workers, top, len(got), got[0], len(want), want[0])
			}
		}
	}
	// Sorting comes after the top is chosen: spilled or not, the same rows.
	for _, sort := range []CountSort{SortKey, SortBytes} {
		co := CountOptions{By: by, Top: 25, Sort: sort}
		want, err := Count(context.Background(), []string{dir}, co, logscan.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		co.SpillKeys = 50
		res, err := Count(context.Background(), []string{dir}, co, logscan.ScanOptions{Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Rows(); !slices.EqualFunc(got, want.Rows(), rowEqual) || slices.EqualFunc(got, full.Rows()[:25], rowEqual) {
			t.Errorf("--top 25 --sort %s with spilling: %v, want %v (not the requests order)", sort, got, want.Rows())
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}

// The two 01:00 hours of a DST fall-back are two buckets, each with its
// own offset; a +05:45 zone buckets at its local hour.
func TestCountHourBuckets(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	lines := []string{ // 2026-11-01: New York falls back from -04:00 to -05:00 at 06:00Z
		`192.0.2.1 - - [01/Nov/2026:05:30:00 +0000] "GET / HTTP/1.1" 200 1`,
		`192.0.2.1 - - [01/Nov/2026:06:30:00 +0000] "GET / HTTP/1.1" 200 1`,
		`192.0.2.1 - - [01/Nov/2026:06:40:00 +0000] "GET / HTTP/1.1" 200 1`,
	}
	c := &Counter{by: []CountField{ByHour}, loc: ny}
	for _, l := range lines {
		c.Add(parseLine(t, logparse.Common, l))
	}
	got := (&CountResult{By: c.by, rows: CountOrder{Sort: SortRequests}.apply(entries(&c.counts), c.by)}).Rows()
	if len(got) != 2 || got[0].Key[0] != "2026-11-01T01:00:00-05:00" || got[0].Requests != 2 || got[1].Key[0] != "2026-11-01T01:00:00-04:00" {
		t.Errorf("fall-back hours = %v, want 01:00-05:00 (2) and 01:00-04:00 (1)", got)
	}
}
