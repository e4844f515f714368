package logscan_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// TestParallelParseAsOne: parsing one input on several goroutines gives
// what one gives: hosts, counts, and the first malformed lines with their
// numbers, on text with malformed, over-long and CRLF lines, and chunks
// that end mid-way.
func TestParallelParseAsOne(t *testing.T) {
	var text strings.Builder
	for i := range 40000 {
		switch {
		case i%997 == 0:
			text.WriteString("malformed line\n")
		case i%4001 == 0:
			fmt.Fprintf(&text, "10.1.0.%d - - [22/Nov/2026:06:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 1 \"-\" \"%s\"\n",
				i%250, strings.Repeat("x", 3000)) // longer than MaxLineBytes
		case i%13 == 0:
			fmt.Fprintf(&text, "10.2.%d.%d - - [22/Nov/2026:06:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 404 1 \"-\" \"a\"\r\n", i/250%250, i%250)
		default:
			fmt.Fprintf(&text, "10.0.%d.%d - - [22/Nov/2026:06:%02d:00 +0000] \"GET /p%d HTTP/1.1\" 200 %d \"-\" \"agent\"\n",
				i/250%250, i%250, i%60, i%50, i)
		}
	}
	text.WriteString("10.9.9.9 - - [22/Nov/2026:06:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 1 \"-\" \"last, no newline\"")

	type scanned struct {
		agg   *jobs.Counter
		stats logscan.Stats
	}
	newCounter, err := jobs.NewCounterFunc(jobs.CountOptions{By: []jobs.CountField{jobs.ByHost, jobs.ByStatus}})
	if err != nil {
		t.Fatal(err)
	}
	// The prefilter's search (of /robots.txt) takes the same lines and
	// sample on each parser's chunks as on one parser's blocks.
	for _, checkAll := range []bool{true, false} {
		opts := logscan.ScanOptions{MaxExamples: 50, Filter: filter.Filter{Paths: []string{"/robots.txt"}}, CheckAllLines: checkAll}
		scan, err := logscan.ScanTextForTest(opts, newCounter, true)
		if err != nil {
			t.Fatal(err)
		}
		run := func(parsers int) scanned {
			agg, st, err := scan(strings.NewReader(text.String()), "f.log", parsers, 2000)
			if err != nil {
				t.Fatal(err)
			}
			return scanned{agg, st}
		}
		want := run(1)
		if want.stats.Matched < 3000 || checkAll && want.stats.Malformed < 50 || !checkAll && want.stats.Sampled == 0 {
			t.Fatalf("one parser, CheckAllLines %v: %d malformed, %d matched, %d sampled; the text should give more",
				checkAll, want.stats.Malformed, want.stats.Matched, want.stats.Sampled)
		}
		for _, parsers := range []int{2, 3, 8} {
			got := run(parsers)
			if !reflect.DeepEqual(got.stats, want.stats) {
				t.Errorf("%d parsers, CheckAllLines %v: stats %+v\nwant %+v", parsers, checkAll, got.stats, want.stats)
			}
			// The encoded partials are the counts, key-sorted.
			gotCounts, _ := got.agg.AppendPartial(nil)
			wantCounts, _ := want.agg.AppendPartial(nil)
			if !bytes.Equal(gotCounts, wantCounts) {
				t.Errorf("%d parsers, CheckAllLines %v: counts differ (%d bytes encoded, want %d)", parsers, checkAll, len(gotCounts), len(wantCounts))
			}
		}
	}
}
