package logparse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// trickySeeds are lines near the edges of the policy.
var trickySeeds = []string{
	// A closing quote must be followed by a space or the end, in every
	// quoted field, needed or not (Parser.Need).
	`1.2.3.4 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1"x 200 5 "-" "ua"`,
	`1.2.3.4 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-"x "ua"`,
	`1.2.3.4 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "ua"x`,
	`1.2.3.4 - - [22/Nov/2026:06:00:00 +0000] "GET /\"a HTTP/1.1" 200 5 "r\"" "u\\"`,
	`1.2.3.4 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "ua\"`,
	`1.2.3.4 - - [31/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "ua"`,
	"",
	" ",
	"-",
	commonLine,
	combinedLine,
	combinedLine + ` 1234 "extra"`,
	commonLine + ` 1234`,
	commonLine + ` `,
	agentLine(`"\" "`),
	agentLine(`"C:\\"`),
	agentLine(`"\\\"\x41\q\x4"`),
	agentLine(`"unterminated\"`),
	requestLine(`"GET /annual report.pdf HTTP/1.1"`),
	requestLine(`"GET /robots.txt"`),
	requestLine(`"GET  HTTP/1.1"`),
	requestLine(`"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"`),
	requestLine(`""`),
	`- - - [` + stampText + `] "-" - - "-" "-"`,
	`192.0.2.1 - John Smith [` + stampText + `] ` + requestGET + ` 200 5120`,
	`192.0.2.1 - a[b [` + stampText + `] ` + requestGET + ` 200 5120`,
	`[2001:db8::2] - frank [` + stampText + `] ` + requestGET + ` 200 5120`,
	timeLine("30/Jun/2015:23:59:60 +0000"),
	timeLine("29/Feb/2100:00:00:00 +0000"),
	timeLine("31/Dec/9999:23:59:59 -2359"),
	lineHead + requestGET + ` 200 999999999999999999`,
	lineHead + requestGET + ` 200 1000000000000000000`,
	lineHead + requestGET + ` 2O0 5120`,
	"this is not an access log line",
}

// FuzzParse holds both formats to the reference parser and to invariants
// any parsed Record must meet; a malformed line must give a *SyntaxError.
//
// The reference's regexp and time.Parse are instrumented too and make
// executions slow, so minimizing a new input can take the default 60 s:
// run with -fuzzminimizetime=5s to spend the time fuzzing.
func FuzzParse(f *testing.F) {
	for _, s := range trickySeeds {
		f.Add([]byte(s))
	}
	for _, path := range append(rotatedLogFiles(f), vhostLog) {
		for _, line := range readLines(f, path) {
			f.Add(line)
		}
	}
	for _, line := range readLines(f, realLogs)[:200] {
		f.Add(line)
	}
	compiled := []*Parser{NewParser(mustCompile(f, Common.LogFormat)), NewParser(mustCompile(f, Combined.LogFormat))}
	olds := newOldDiffs()
	f.Fuzz(func(t *testing.T, line []byte) {
		orig := bytes.Clone(line)
		for _, d := range olds { // the parser before its rewrite, every Need
			if !d.check(t, "fuzz", line) {
				t.FailNow()
			}
		}
		for i, p := range []*Parser{NewParser(Common), NewParser(Combined)} {
			rec, err := checkAgainstRef(t, p, "fuzz", line)
			checkCompiled(t, compiled[i], "fuzz", line, &rec, err)
			var se *SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("%s Parse(%q) = %v, want a *SyntaxError", p.Format().Name, line, err)
			}
			if err == nil {
				checkRecord(t, p.Format(), line, &rec)
			}
			checkNeeds(t, p.Format(), line, &rec, err)
		}
		if !bytes.Equal(line, orig) {
			t.Fatalf("Parse changed its input %q to %q", orig, line)
		}
	})
}

// checkRecord checks what holds of every Record Parse returns.
func checkRecord(t *testing.T, f *Format, line []byte, rec *Record) {
	t.Helper()
	if rec.Status < -1 || rec.Status > 999 {
		t.Errorf("%s Parse(%q).Status = %d, want -1..999", f.Name, line, rec.Status)
	}
	if rec.Bytes < -1 {
		t.Errorf("%s Parse(%q).Bytes = %d, want >= -1", f.Name, line, rec.Bytes)
	}
	if (len(rec.Method) > 0) != (len(rec.Target) > 0) {
		t.Errorf("%s Parse(%q): Method %q, Target %q; want both empty or both not", f.Name, line, rec.Method, rec.Target)
	}
	if rec.Protocol != nil && (len(rec.Method) == 0 || !bytes.HasPrefix(rec.Protocol, []byte("HTTP/"))) {
		t.Errorf("%s Parse(%q).Protocol = %q with Method %q", f.Name, line, rec.Protocol, rec.Method)
	}
	if !bytes.HasPrefix(rec.Target, rec.Path()) || bytes.IndexByte(rec.Path(), '?') >= 0 {
		t.Errorf("%s Parse(%q).Path() = %q, want the Target %q up to '?'", f.Name, line, rec.Path(), rec.Target)
	}
	if len(rec.Host) == 0 && rec.Host != nil {
		t.Errorf("%s Parse(%q).Host is empty, want nil or text", f.Name, line)
	}
	if f == Common && (rec.Referer != nil || rec.UserAgent != nil) {
		t.Errorf("common Parse(%q): Referer %q, UserAgent %q; want nil", line, rec.Referer, rec.UserAgent)
	}
}

// FuzzScanner checks the exact invariant wantLines states: splitting the
// input on "\n" gives the lines, except that a final "\n" ends the last
// line, a line with more than MaxLineBytes bytes before its "\n" comes out
// as its first MaxLineBytes bytes with Truncated set, and any other line
// loses one trailing "\r"; Line numbers them from 1. So the lines joined with
// "\n" give back the input, less those CRs and the cut tails of long lines.
// Every reader is checked with the default and with a small limit.
func FuzzScanner(f *testing.F) {
	f.Add([]byte("a\nb\r\nc"), uint16(0))
	f.Add([]byte("\r\n\r\r\n\n"), uint16(0))
	f.Add([]byte("ab\r\r\n\n"), uint16(1))
	f.Add([]byte(strings.Repeat("x", 600)+"\r\n"+strings.Repeat("y", 40)), uint16(99))
	f.Add([]byte(strings.Repeat("x", 100)+"\r\nz"), uint16(99))
	for _, path := range rotatedLogFiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint16(60))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		small := 1 + int(limit%512)
		check := func(what string, s *Scanner, maxLine int) {
			want := wantLines(data, maxLine)
			var got []scanned
			for s.Scan() {
				got = append(got, scanned{string(s.Bytes()), s.Truncated(), s.Line()})
			}
			if s.Err() != nil || len(got) != len(want) {
				t.Fatalf("Scan(%q) over %s: %d lines, Err() %v; want %d lines", data, what, len(got), s.Err(), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("Scan(%q) over %s: line %d = %v, want %v", data, what, i+1, got[i], want[i])
				}
			}
		}
		readers := map[string]func() io.Reader{
			"OneByteReader": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			"bytes.Reader":  func() io.Reader { return bytes.NewReader(data) },
			"HalfReader":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		}
		for name, reader := range readers {
			check(name, NewScanner(reader()), 0)
			s := NewScanner(reader())
			s.MaxLineBytes = small
			check(name+" with a small limit", s, small)
		}
	})
}

// checkNeeds holds Parsers that need fewer fields (Parser.Need) to the full
// parse of line, rec and err: the same verdict on every line, and the same
// values for the fields they need.
func checkNeeds(t *testing.T, f *Format, line []byte, rec *Record, err error) {
	t.Helper()
	for _, need := range []Fields{0, FieldTime, FieldRequest, FieldReferer, FieldUserAgent} {
		p := NewParser(f)
		p.Need(need)
		var got Record
		gerr := p.Parse(line, &got)
		if fmt.Sprint(gerr) != fmt.Sprint(err) {
			t.Fatalf("%s Need(%b).Parse(%q) = %v; with every field %v", f.Name, need, line, gerr, err)
		}
		if err != nil {
			continue
		}
		type view struct {
			host, ident, user, request, method, target, proto, referer, agent string
			time                                                              int64
			offset                                                            int32
			status                                                            int
			bytes                                                             int64
			hasTime                                                           bool
		}
		see := func(r *Record, need Fields) view {
			v := view{host: string(r.Host), ident: string(r.Ident), user: string(r.User),
				status: r.Status, bytes: r.Bytes, hasTime: r.HasTime()}
			if need&FieldTime != 0 {
				v.time, v.offset = r.Time, r.Offset
			}
			if need&FieldRequest != 0 {
				v.request, v.method, v.target, v.proto = string(r.Request), string(r.Method), string(r.Target), string(r.Protocol)
			}
			if need&FieldReferer != 0 {
				v.referer = string(r.Referer)
			}
			if need&FieldUserAgent != 0 {
				v.agent = string(r.UserAgent)
			}
			return v
		}
		// rec was filled by another Parser, whose scratch still holds it.
		if g, w := see(&got, need), see(rec, need); g != w {
			t.Fatalf("%s Need(%b).Parse(%q) = %+v; with every field %+v", f.Name, need, line, g, w)
		}
	}
}
