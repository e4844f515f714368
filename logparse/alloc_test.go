package logparse

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseAllocs(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"combined", combinedLine},
		{"escapes", lineHead + `"GET /a\"b HTTP/1.1" 200 5120 "http://example.com/caf\xc3\xa9" "Mozilla/5.0 \"x\" \\"`},
		{"common", commonLine},
		{"malformed time", timeLine("32/Nov/2026:10:00:05 +0000")},
		{"malformed status", lineHead + requestGET + ` 2O0 5120`},
		{"unterminated agent", commonLine + ` "-" "Mozilla`},
		{"empty", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(Combined)
			var rec Record
			line := []byte(tc.line)
			if n := testing.AllocsPerRun(100, func() { _ = p.Parse(line, &rec) }); n != 0 {
				t.Errorf("Parse(%q) allocates %v times a call on a warm Parser, want 0", tc.line, n)
			}
		})
	}
}

// Compiled formats, the parse and the JSON and CSV encoding, allocate
// nothing per line once warm either.
func TestCompiledAllocs(t *testing.T) {
	tests := []struct{ format, line string }{
		{Combined.LogFormat, lineHead + `"GET /a\"b HTTP/1.1" 200 5120 "http://example.com/" "Mozilla/5.0 \"x\""`},
		{VHostCombined.LogFormat, "www.example.com:443 " + combinedLine},
		{`%h %l %u [%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t] "%r" %>s %b %D %{X-Forwarded-For}i`,
			`192.0.2.1 - - [10/Oct/2000:13:55:36.123 -0700] "GET / HTTP/1.1" 200 5 1234 10.0.0.1, 10.0.0.2`},
		{`%h %m %U%q %H %>s %{ms}T`, `192.0.2.1 GET /search?q=x HTTP/1.1 200 15`},
		{Combined.LogFormat, lineHead + requestGET + ` 2O0 5120`},
	}
	for _, tc := range tests {
		f := mustCompile(t, tc.format)
		p := NewParser(f)
		table := NewTable(ColumnsOf(f), false)
		var rec Record
		var buf []byte
		line := []byte(tc.line)
		if n := testing.AllocsPerRun(100, func() {
			if p.Parse(line, &rec) == nil {
				buf = AppendJSON(buf[:0], f, &rec)
				buf = table.AppendRow(buf, f, &rec)
			}
		}); n != 0 {
			t.Errorf("%q: Parse and encode %q allocate %v times a call, want 0", tc.format, tc.line, n)
		}
	}
}

func TestScannerAllocs(t *testing.T) {
	text := []byte(strings.Repeat(combinedLine+"\r\n", 20000)) // several buffers' worth
	r := bytes.NewReader(text)
	s := NewScanner(r)
	for range 10 { // warm-up: the buffer is allocated on the first Scan
		s.Scan()
	}
	if n := testing.AllocsPerRun(10000, func() {
		if !s.Scan() {
			r.Reset(text)
			s.Reset(r)
		}
	}); n != 0 {
		t.Errorf("Scanner.Scan allocates %v times a line after warm-up, want 0", n)
	}
}
