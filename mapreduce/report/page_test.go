package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// hostile are log lines whose path, referer and user agent try to end the
// page's scripts and start their own.
var hostile = []string{
	`192.0.2.1 - - [18/May/2015:06:25:24 +0100] "GET /</script><script>alert(1)</script> HTTP/1.1" 404 12 "-" "<script>alert('ua')</script>"`,
	`192.0.2.2 - - [18/May/2015:07:25:24 +0100] "GET /x?<img src=x onerror=alert(2)> HTTP/1.1" 200 5120 "javascript:alert(3)" "Mozilla/5.0 </script><!--"`,
	`192.0.2.3 - - [19/May/2015:09:00:00 +0100] "GET /a&b<c>\u2028 HTTP/1.1" 500 1 "http://e.example/\"onmouseover=alert(4)" "curl/8"`,
}

// render runs the report job over lines and returns its page and data.
func render(t *testing.T, lines []string, o Options) (page []byte, d *Data) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return renderPaths(t, []string{path}, o)
}

func renderPaths(t *testing.T, paths []string, o Options) ([]byte, *Data) {
	t.Helper()
	res, err := jobs.RunReport(context.Background(), paths, jobs.ReportOptions{Top: 100, TZ: time.UTC}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := NewData(res, o)
	var b bytes.Buffer
	if err := WriteHTML(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), d
}

// embedded returns the JSON of the page's logmr-data element, as written.
func embedded(t *testing.T, page []byte) []byte {
	t.Helper()
	const open = `<script type="application/json" id="logmr-data">`
	_, rest, ok := bytes.Cut(page, []byte(open))
	if !ok {
		t.Fatal("no logmr-data element in the page")
	}
	raw, _, ok := bytes.Cut(rest, []byte("</script>"))
	if !ok {
		t.Fatal("logmr-data element not closed")
	}
	return raw
}

// A <script> or </script> in a path, referer or user agent stays text:
// in the HTML, in the tooltips, in the embedded JSON.
func TestPageEscapesLogText(t *testing.T) {
	page, d := render(t, hostile, Options{Title: "<b>title</b>"})
	if n := bytes.Count(page, []byte("<script")); n != 2 {
		t.Errorf("page has %d <script elements, want 2 (the data and the sort script)", n)
	}
	markup := bytes.Replace(page, embedded(t, page), nil, 1) // in JSON, \" is a quote in a string
	for _, bad := range []string{"<script>alert", "<img", "<!--", `"onmouseover`, "<b>title"} {
		if bytes.Contains(markup, []byte(bad)) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	raw := embedded(t, page)
	if bytes.ContainsAny(raw, "<>&") || bytes.Contains(raw, []byte("\u2028")) {
		t.Errorf("embedded JSON holds < > & or U+2028 unescaped: %.200s", raw)
	}
	var back Data
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("embedded JSON: %v", err)
	}
	agents := back.Tables[string(jobs.TableUserAgents)].Rows
	found := false
	for _, r := range agents {
		found = found || r.Value == "<script>alert('ua')</script>"
	}
	if !found {
		t.Errorf("user agents in the data = %+v, want the <script> one as text", agents)
	}
	if back.Requests != d.Requests || back.Requests != 3 || back.DistinctHosts != 3 {
		t.Errorf("embedded requests %d, hosts %d; want 3 and 3", back.Requests, back.DistinctHosts)
	}
	if !bytes.Contains(page, []byte("&lt;script&gt;alert(&#39;ua&#39;)&lt;/script&gt;")) {
		t.Error("the user agent is not shown as escaped text")
	}
}

// WriteJSON writes the object the page embeds.
func TestJSONIsEmbeddedData(t *testing.T) {
	page, d := render(t, hostile, Options{})
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromPage map[string]any
	if err := json.Unmarshal(b.Bytes(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(embedded(t, page), &fromPage); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"requests", "bytes", "distinct_hosts", "malformed", "tables", "series"} {
		if _, ok := fromJSON[key]; !ok {
			t.Errorf("-O json lacks %q", key)
		}
	}
	if a, e := mustJSON(t, fromJSON), mustJSON(t, fromPage); a != e {
		t.Errorf("-O json and the embedded data differ:\n%s\n%s", a, e)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A page stays under 2 MiB whatever the logs hold: 100 rows per table of
// 20 KB values that escaping makes six times longer, and times spread over
// 9,000 years.
func TestPageSizeBounded(t *testing.T) {
	var lines []string
	long := strings.Repeat("<", 20000) // escaped to 4 (HTML) or 6 (JSON) bytes each
	for i := range 300 {
		year := 1000 + i*30
		lines = append(lines, strings.ReplaceAll(
			`192.0.2.`+itoa(i%250)+` - - [22/Nov/YEAR:06:25:24 +0100] "GET /`+itoa(i)+long+` HTTP/1.1" 404 12 "http://r/`+itoa(i)+long+`" "agent `+itoa(i)+long+`"`,
			"YEAR", itoa(year)))
	}
	// A title of 1 MB, of characters HTML and JSON escape, is cut too.
	title := strings.Repeat("é<", 500_000)
	page, d := render(t, lines, Options{Top: MaxTop, Title: title})
	if want := string([]rune(title)[:MaxTitle-1]) + "…"; d.Title != want {
		t.Errorf("title of %d characters, want %d ending in …", utf8.RuneCountInString(d.Title), MaxTitle)
	}
	t.Logf("page of %d requests of 20 KB values over 9,000 years: %d bytes", len(lines), len(page))
	if len(page) > 2<<20 {
		t.Errorf("page is %d bytes, want at most 2 MiB", len(page))
	}
	if n := len(d.Series.Traffic); n > maxBuckets || d.Series.Step != "month" || d.Series.Omitted == 0 {
		t.Errorf("%d %s buckets, %d omitted; want at most %d months and some omitted", n, d.Series.Step, d.Series.Omitted, maxBuckets)
	}
	for _, r := range d.Tables[string(jobs.TablePaths)].Rows {
		if len(r.Value) > MaxValue || !r.Truncated {
			t.Fatalf("path of %d bytes (truncated %v), want at most %d", len(r.Value), r.Truncated, MaxValue)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
