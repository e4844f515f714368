package logscan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
)

// testRecords keeps every record added, as text: an aggregate whose
// answer is the records themselves, for comparing two scans.
type testRecords []string

func newTestRecords() *testRecords { return &testRecords{} }

func (r *testRecords) Add(rec *logparse.Record) {
	*r = append(*r, fmt.Sprintf("%s %d %q %d %q %q %q", rec.Host, rec.Time, rec.Request, rec.Status, rec.Referer, rec.UserAgent, rec.VHost))
}

func (r *testRecords) Merge(o *testRecords) { *r = append(*r, *o...) }

// trickyLog is combined-format text where a record holds text its line
// does not (escapes), in cases and forms that fold (the Kelvin sign, the
// long s), with CRLF endings, malformed lines, and no final newline.
func trickyLog() string {
	var b strings.Builder
	agents := []string{"Mozilla/5.0", "Googlebot/2.1", "Googl\\x65bot/2.1", "Googlebot\\\\x65", "GOOGLEBOT", "\u212aibana-crawler", "\\x42ingbot", "Mo\\\"zilla", "curl/8.0", "-"}
	paths := []string{"/", "/robots.txt", "/r\\x6fbots.txt", "/ROBOTS.TXT", "/robots.txt?x=1", "/a/robots.txt", "/index.html", "/static/app.js", "/\\\"quoted", "\\x2frobots.txt", "/robots.tx\\x74", "/robots\\\\.txt"}
	for i := range 3000 {
		ending := "\n"
		if i%7 == 0 {
			ending = "\r\n"
		}
		if i%97 == 0 {
			b.WriteString("not a log line at all" + ending)
			continue
		}
		fmt.Fprintf(&b, "10.0.%d.%d - - [22/Nov/2026:06:%02d:00 +0000] \"GET %s HTTP/1.1\" %d %d \"http://ex.com/%d\" \"%s\"%s",
			i/250%250, i%250, i%60, paths[i%len(paths)], 200+i%3*100, i, i%5, agents[i/3%len(agents)], ending)
	}
	b.WriteString(`10.9.9.9 - - [22/Nov/2026:06:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 1 "-" "last, no newline"`)
	return b.String()
}

// TestPrefilterSameAnswer: with the prefilter (the default) and with
// CheckAllLines, many filters give the same records and line counts on
// the real logs of testdata and on text made to trip it; the prefilter
// parses fewer lines where the filter implies text.
func TestPrefilterSameAnswer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tricky.log"), []byte(trickyLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	vhosts := "Example.COM:80 10.0.0.1 - - [22/Nov/2026:06:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n" +
		"\u017Fhop.example.com:443 10.0.0.2 - - [22/Nov/2026:06:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n" +
		"shop.example.com:443 10.0.0.3 - - [22/Nov/2026:06:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n" +
		"www.example.org:80 10.0.0.4 - - [22/Nov/2026:06:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n"
	if err := os.WriteFile(filepath.Join(dir, "vhosts.log"), []byte(strings.Repeat(vhosts, 50)), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{"../../testdata/logs", "../../testdata/realdata/apache_logs.gz", "../../testdata/realdata/vhost_combined.log", dir}
	filters := []filter.Filter{
		{Paths: []string{"/robots.txt"}},
		{Paths: []string{"/robots.txt", "/favicon.ico"}},
		{PathPrefixes: []string{"/presentations/"}},
		{PathPrefixes: []string{"/static"}, Statuses: []string{"2xx"}},
		{PathRegexps: []string{`\.png$`}},
		{PathRegexps: []string{`(?i)/ROBOTS\.txt`}},
		{PathRegexps: []string{`^/(robots|favicon)\.`}},
		{PathRegexps: []string{`kibana|logstash`}},
		{PathRegexps: []string{`^/$|index`}}, // matches text without a literal: no prefilter
		{UserAgentRegexps: []string{`(?i)bot|crawler|spider`}},
		{UserAgentRegexps: []string{`Googlebot`}},
		{UserAgentRegexps: []string{`(?i)kibana`}},
		{UserAgentRegexps: []string{`Bingbot|bingbot`}},
		{UserAgentRegexps: []string{`(?i)mozilla.*(chrome|safari)`}},
		{UserAgentRegexps: []string{`Mo"zilla`}},
		{RefererRegexps: []string{`semicomplete\.com`}},
		{RefererRegexps: []string{`ex\.com/[0-3]`}},
		{VHosts: []string{"example.com"}},
		{VHosts: []string{"shop.example.com"}},
		{VHosts: []string{"SHOP.EXAMPLE.COM", "www.example.org"}},
		{Paths: []string{"/robots.txt"}, UserAgentRegexps: []string{`(?i)googlebot`}},
		{Paths: []string{"/robots.txt"}, Hosts: []string{"10.0.0.0/8"}},
	}
	for i, f := range filters {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var want *testRecords
			var wantStats Stats
			for _, checkAll := range []bool{true, false} {
				for _, workers := range []int{1, 3} {
					opts := ScanOptions{Filter: f, CheckAllLines: checkAll, Workers: workers}
					got, st, err := ScanLogs(context.Background(), paths, newTestRecords, opts)
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(*got)
					if want == nil {
						want, wantStats = got, st
						if st.Parsed != st.Lines || st.Sampled != 0 {
							t.Errorf("CheckAllLines: %d of %d lines parsed, %d sampled; want all, none", st.Parsed, st.Lines, st.Sampled)
						}
						continue
					}
					if !slices.Equal(*got, *want) {
						t.Errorf("%+v, CheckAllLines %v, -j %d: %d records, want %d:\n%s", f, checkAll, workers, len(*got), len(*want), firstDiff(*got, *want))
					}
					if st.Lines != wantStats.Lines || st.Matched != wantStats.Matched || st.Malformed > wantStats.Malformed || st.Parsed > st.Lines {
						t.Errorf("CheckAllLines %v, -j %d: %d lines, %d matched, %d malformed, %d parsed; want %d, %d, at most %d, at most all",
							checkAll, workers, st.Lines, st.Matched, st.Malformed, st.Parsed, wantStats.Lines, wantStats.Matched, wantStats.Malformed)
					}
					m, _ := f.Compile()
					if prefiltered := len(m.Required().Any) > 0; !checkAll && prefiltered != (st.Parsed < st.Lines) {
						t.Errorf("%d of %d lines parsed; want fewer exactly when the filter requires text (%v)", st.Parsed, st.Lines, m.Required())
					}
				}
			}
		})
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("got  %s\nwant %s", got[i], want[i])
		}
	}
	return "(one is a prefix of the other)"
}

// A format that joins the target from %U and %q can make a path that its
// line does not hold in one piece: no path prefilter there.
func TestPrefilterJoinedTarget(t *testing.T) {
	format, err := logparse.Compile(`%h %U %q %>s`)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&text, "10.0.0.%d /rob ots.txt 200\n", i%250)
	}
	path := filepath.Join(t.TempDir(), "joined.log")
	if err := os.WriteFile(path, text.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, st, err := ScanLogs(context.Background(), []string{path}, newTestRecords,
		ScanOptions{Format: format, Filter: filter.Filter{Paths: []string{"/robots.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(*recs) != 200 || st.Parsed != st.Lines {
		t.Errorf("%d records, %d of %d lines parsed; want 200, all", len(*recs), st.Parsed, st.Lines)
	}
}

// The malformed share of a prefiltered scan is estimated from its sample:
// MaxMalformed fails an input whose malformed lines lack the literal.
func TestPrefilterMaxMalformed(t *testing.T) {
	var text strings.Builder
	for i := range 6400 {
		if i%3 == 0 { // lines 1, 4, 7...: 34 of the 100 sampled (64, 128...)
			text.WriteString("junk\n")
			continue
		}
		fmt.Fprintf(&text, "10.0.0.1 - - [22/Nov/2026:06:00:00 +0000] \"GET /p%d HTTP/1.1\" 200 1 \"-\" \"a\"\n", i%3)
	}
	path := filepath.Join(t.TempDir(), "half.log")
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, MaxMalformed: 0.2}
	_, st, err := ScanLogs(context.Background(), []string{path}, newTestRecords, opts)
	if err == nil || !strings.Contains(err.Error(), "estimated from a 1 in 64 sample") {
		t.Errorf("err = %v, want too malformed, estimated", err)
	}
	opts.MaxMalformed = 0.6
	_, st, err = ScanLogs(context.Background(), []string{path}, newTestRecords, opts)
	if err != nil {
		t.Fatal(err)
	}
	if est := st.MalformedEstimate(); st.Sampled != 100 || est != 2176 {
		t.Errorf("%d sampled, MalformedEstimate() = %v; want 100, 34/100 of 6400", st.Sampled, est)
	}
}

// The parsers of one input (scanLinesParallel) search their chunks as one
// parser searches its blocks: the same records and stats.
func TestPrefilterParallelSameAnswer(t *testing.T) {
	text := trickyLog()
	for _, f := range []filter.Filter{
		{Paths: []string{"/robots.txt"}},
		{UserAgentRegexps: []string{`(?i)bot|crawler`}},
		{PathPrefixes: []string{"/static"}},
	} {
		var want *testRecords
		var wantStats Stats
		for _, checkAll := range []bool{true, false} {
			scan, err := ScanTextForTest(ScanOptions{Filter: f, CheckAllLines: checkAll}, newTestRecords, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, parsers := range []int{1, 3} {
				got, st, err := scan(strings.NewReader(text), "tricky.log", parsers, 4096)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(*got)
				if want == nil {
					want, wantStats = got, st
					continue
				}
				if !slices.Equal(*got, *want) || st.Lines != wantStats.Lines || st.Matched != wantStats.Matched {
					t.Errorf("%+v, CheckAllLines %v, %d parsers: %d records, %d lines, %d matched; want %d, %d, %d",
						f, checkAll, parsers, len(*got), st.Lines, st.Matched, len(*want), wantStats.Lines, wantStats.Matched)
				}
				if !checkAll && st.Parsed >= st.Lines {
					t.Errorf("%+v, %d parsers: %d of %d lines parsed; want fewer", f, parsers, st.Parsed, st.Lines)
				}
			}
		}
	}
}

// A cached input answers with the stats of the run that saved it: a
// prefiltered run's from a prefiltered run's entry, never CheckAllLines'
// (its query differs), whose counts cover every line.
func TestPrefilterCached(t *testing.T) {
	cache, err := logcache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"../../testdata/realdata/apache_logs.gz"}
	var first [2]Stats
	for run := range 2 {
		for i, checkAll := range []bool{false, true} {
			opts := ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, CheckAllLines: checkAll, Cache: cache}
			res, err := testHosts(context.Background(), paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stats
			if run == 0 {
				first[i] = st
				if st.Cache.Hits != 0 || checkAll != (st.Parsed == st.Lines) {
					t.Errorf("first run, CheckAllLines %v: %d hits, %d of %d lines parsed", checkAll, st.Cache.Hits, st.Parsed, st.Lines)
				}
				continue
			}
			want := first[i]
			if st.Cache.Hits != 1 || st.Parsed != want.Parsed || st.Sampled != want.Sampled || st.Malformed != want.Malformed || st.Matched != want.Matched {
				t.Errorf("cached run, CheckAllLines %v: %d hits, %d parsed, %d sampled, %d malformed, %d matched; want 1 and the first run's %d, %d, %d, %d",
					checkAll, st.Cache.Hits, st.Parsed, st.Sampled, st.Malformed, st.Matched, want.Parsed, want.Sampled, want.Malformed, want.Matched)
			}
			if f := st.Files[0]; f.Parsed != want.Parsed || f.Lines != want.Lines {
				t.Errorf("cached run, CheckAllLines %v: FileStats %d of %d lines parsed, want %d of %d", checkAll, f.Parsed, f.Lines, want.Parsed, want.Lines)
			}
		}
	}
}

// WriteRecords writes the same records, in the same order, with the
// prefilter as without; with malformed lines asked for, it parses every
// line.
func TestPrefilterWriteRecords(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tricky.log"), []byte(trickyLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{"../../testdata/logs", "../../testdata/realdata/apache_logs.gz", dir}
	for _, f := range []filter.Filter{
		{Paths: []string{"/robots.txt"}},
		{UserAgentRegexps: []string{`(?i)googlebot`}},
		{PathPrefixes: []string{"/presentations/"}, Statuses: []string{"200"}},
	} {
		var outs [2]bytes.Buffer
		var stats [2]Stats
		for i, checkAll := range []bool{true, false} {
			st, err := WriteRecords(context.Background(), paths, &outs[i], jsonOutput, ScanOptions{Filter: f, CheckAllLines: checkAll, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			stats[i] = st
		}
		if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) || outs[0].Len() == 0 {
			t.Errorf("%+v: %d bytes written with the prefilter, %d without; want the same, some", f, outs[1].Len(), outs[0].Len())
		}
		if stats[1].Parsed >= stats[1].Lines || stats[1].Lines != stats[0].Lines {
			t.Errorf("%+v: %d of %d lines parsed, want fewer of %d", f, stats[1].Parsed, stats[1].Lines, stats[0].Lines)
		}
		malformed := jsonOutput
		malformed.Malformed = func(dst []byte, e *logparse.LineError, line []byte) []byte { return append(dst, "malformed\n"...) }
		st, err := WriteRecords(context.Background(), paths, io.Discard, malformed, ScanOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if st.Parsed != st.Lines {
			t.Errorf("%+v, malformed lines written: %d of %d lines parsed, want all", f, st.Parsed, st.Lines)
		}
	}
}

// readPlan.everyLine parses every line of its input, prefilter or not:
// its Parsed is its Lines, and its time span is complete.
func TestPrefilterEveryLine(t *testing.T) {
	m, err := filter.Filter{Paths: []string{"/robots.txt"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	s := &logScanner[*testRecords]{filter: m, newAggregate: newTestRecords, prefilter: newPrefilter(m), fields: logparse.AllFields}
	in := Input{Path: "../../testdata/realdata/apache_logs.gz", Size: -1}
	var parsed [2]int64
	var spans [2]string
	for i, everyLine := range []bool{false, true} {
		plan := readPlan{everyLine: everyLine}
		out, err := s.mapInputOnce(context.Background(), in, plan)
		if err != nil {
			t.Fatal(err)
		}
		st := out.stats
		if len(*out.agg) != 180 || st.Lines != 10000 {
			t.Fatalf("everyLine %v: %d records, %d lines; want 180, 10000", everyLine, len(*out.agg), st.Lines)
		}
		parsed[i] = st.Parsed
		first, last, _ := st.Span()
		spans[i] = first.String() + " … " + last.String()
	}
	if parsed[0] >= 10000 || parsed[1] != 10000 {
		t.Errorf("parsed %d lines with the prefilter, %d with everyLine; want fewer, all 10000", parsed[0], parsed[1])
	}
	if want := "2015-05-17 10:05:00 +0000 +0000 … 2015-05-20 21:05:59 +0000 +0000"; spans[1] != want {
		t.Errorf("everyLine: span %s, want %s", spans[1], want)
	}
}

// FuzzBlockLines holds blockLines to a slow, plain reading of its
// contract: every line handed out, and how, and the count of the others.
func FuzzBlockLines(f *testing.F) {
	f.Add([]byte("a /robots.txt b\nx\n\\x2f\n"), uint8(0), uint16(0))
	f.Add([]byte(strings.Repeat("GET /ROBOTS.txt\r\nnothing\n", 70)), uint8(1), uint16(62))
	f.Add([]byte(trickyLog()[:4000]+"\n"), uint8(2), uint16(0))
	f.Add([]byte(strings.Repeat("a line of some length, longer than most, without the text\n", 300)+"/robots.txt\n"), uint8(0), uint16(100))
	filters := []filter.Filter{
		{Paths: []string{"/robots.txt"}},
		{UserAgentRegexps: []string{`(?i)robots|Bingbot`}},
		{VHosts: []string{"Shop.example"}},
	}
	f.Fuzz(func(t *testing.T, text []byte, which uint8, first uint16) {
		if i := bytes.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i+1] // whole lines, as a block holds
		} else {
			return
		}
		m, err := filters[int(which)%len(filters)].Compile()
		if err != nil {
			t.Fatal(err)
		}
		pf := newPrefilter(m)
		bl := newBlockLines(pf)
		bl.reset(text, int64(first)+1)
		var st Stats
		var got []string
		for {
			line, no, sampled, ok := bl.line(&st)
			if !ok {
				break
			}
			got = append(got, fmt.Sprintf("%d %v %q", no, sampled, line))
		}
		var want []string
		var passed int64
		for i, line := range bytes.SplitAfter(text, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			no := int64(first) + int64(i+1)
			line = trimCR(line[:len(line)-1])
			if holds(m.Required(), line) {
				want = append(want, fmt.Sprintf("%d %v %q", no, false, line))
			} else if no%SampleEvery == 0 {
				want = append(want, fmt.Sprintf("%d %v %q", no, true, line))
			} else {
				passed++
			}
		}
		if !slices.Equal(got, want) || st.Lines != passed {
			t.Errorf("blockLines: %d passed over, lines %q\nwant %d, %q", st.Lines, got, passed, want)
		}
	})
}

// holds is the slow reading of a candidate line: one of the literals, in
// its case or any ASCII case when folded, or an escape decoding to one of
// their bytes.
func holds(req filter.Required, line []byte) bool {
	for _, l := range req.Any {
		if !l.Fold && bytes.Contains(line, l.Text) || l.Fold && bytes.Contains(bytes.ToLower(asciiOnly(line)), l.Text) {
			return true
		}
	}
	for i, c := range line {
		if c == '\\' {
			if d, n := logparse.DecodeEscape(line[i+1:]); n > 0 {
				for _, l := range req.Any {
					if bytes.IndexByte(l.Text, d) >= 0 || l.Fold && bytes.IndexByte(l.Text, d|0x20) >= 0 && 'A' <= d && d <= 'Z' {
						return true
					}
				}
			}
		}
	}
	return false
}

// asciiOnly replaces every byte beyond ASCII, which ToLower would fold as
// UTF-8, by a NUL.
func asciiOnly(b []byte) []byte {
	out := bytes.Clone(b)
	for i, c := range out {
		if c >= 0x80 {
			out[i] = 0
		}
	}
	return out
}

// A cancelled scan stops in the prefilter's search too, and returns the
// context's error.
func TestPrefilterCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &logScanner[*testRecords]{newAggregate: newTestRecords, fields: logparse.AllFields}
	m, err := filter.Filter{Paths: []string{"/robots.txt"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	s.filter, s.prefilter = m, newPrefilter(m)
	for _, maxLine := range []int{0, 100} { // large blocks; blocks of a line or so
		sc := logparse.NewScanner(strings.NewReader(strings.Repeat("10.0.0.1 - - [22/Nov/2026:06:00:00 +0000] \"GET /a HTTP/1.1\" 200 1\n", 100000)))
		sc.MaxLineBytes = maxLine
		lines, err := newLineSource(sc, logparse.Common, false)
		if err != nil {
			t.Fatal(err)
		}
		out := scanned[*testRecords]{agg: newTestRecords()}
		if err := s.scanLines(ctx, "f", lines, &out); err != context.Canceled {
			t.Errorf("MaxLineBytes %d: scanLines with ctx cancelled = %v after %d lines, want %v", maxLine, err, out.stats.Lines, context.Canceled)
		}
	}
}
