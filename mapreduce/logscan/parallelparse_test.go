package logscan

import (
	"context"
	"fmt"
	"github.com/logmr/logmr/logparse/filter"
	"reflect"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
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

	run := func(parsers int) scanned[*Counter] {
		newCounter := CountOptions{By: []CountField{ByHost, ByStatus}}.counters(&spillRegistry{})
		m, _ := filter.Filter{Paths: []string{"/robots.txt"}}.Compile()
		s := &logScanner[*Counter]{opts: ScanOptions{MaxExamples: 50}, filter: m, newAggregate: newCounter, fields: logparse.AllFields}
		sc := logparse.NewScanner(strings.NewReader(text.String()))
		sc.MaxLineBytes = 2000
		lines, err := newLineSource(sc, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		lines.parsers = parsers
		out := scanned[*Counter]{agg: newCounter()}
		if err := s.scanLines(context.Background(), "f.log", lines, &out); err != nil {
			t.Fatal(err)
		}
		return out
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
		values := func(c *Counter) map[string]tally {
			m := map[string]tally{}
			for k, v := range c.counts {
				m[k] = *v
			}
			return m
		}
		if !reflect.DeepEqual(values(got.agg), values(want.agg)) {
			t.Errorf("%d parsers: %d keys, want %d", parsers, len(got.agg.counts), len(want.agg.counts))
		}
	}
}
