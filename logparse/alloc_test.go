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
