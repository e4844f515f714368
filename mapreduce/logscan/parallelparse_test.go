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
	scan, err := logscan.ScanTextForTest(logscan.ScanOptions{MaxExamples: 50, Filter: filter.Filter{Paths: []string{"/robots.txt"}}}, newCounter, true)
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
	if want.stats.Malformed < 50 || want.stats.Matched < 3000 {
		t.Fatalf("one parser: %d malformed, %d matched; the text should give more", want.stats.Malformed, want.stats.Matched)
	}
	for _, parsers := range []int{2, 3, 8} {
		got := run(parsers)
		if !reflect.DeepEqual(got.stats, want.stats) {
			t.Errorf("%d parsers: stats %+v\nwant %+v", parsers, got.stats, want.stats)
		}
		// The encoded partials are the counts, key-sorted.
		gotCounts, _ := got.agg.AppendPartial(nil)
		wantCounts, _ := want.agg.AppendPartial(nil)
		if !bytes.Equal(gotCounts, wantCounts) {
			t.Errorf("%d parsers: counts differ (%d bytes encoded, want %d)", parsers, len(gotCounts), len(wantCounts))
		}
	}
}
