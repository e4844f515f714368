package logparse

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// bs is a non-nil []byte, even for "": the spec says so of conversions.
func bs(s string) []byte { return []byte(s) }

// commonRecord is what commonLine parses to, changed by edit.
func commonRecord(t *testing.T, edit func(r *Record)) Record {
	unix, off := clfTime(t, stampText)
	r := Record{
		Host: bs("192.0.2.1"), Time: unix, Offset: off,
		Request: bs("GET /index.html HTTP/1.1"), Method: bs("GET"), Target: bs("/index.html"), Protocol: bs("HTTP/1.1"),
		Status: 200, Bytes: 5120,
	}
	if edit != nil {
		edit(&r)
	}
	return r
}

// combinedRecord is what combinedLine parses to, changed by edit.
func combinedRecord(t *testing.T, edit func(r *Record)) Record {
	return commonRecord(t, func(r *Record) {
		r.Referer, r.UserAgent = bs("http://example.com/"), bs("Mozilla/5.0 (X11; Linux x86_64)")
		if edit != nil {
			edit(r)
		}
	})
}

// agentLine is commonLine with referer "-" and the quoted agent ua.
func agentLine(ua string) string { return commonLine + ` "-" ` + ua }

func agentRecord(t *testing.T, ua string) Record {
	return commonRecord(t, func(r *Record) { r.UserAgent = bs(ua) })
}

// requestLine is a common line whose quoted request is req.
func requestLine(req string) string { return lineHead + req + ` 200 5120` }

func requestRecord(t *testing.T, req, method, target, proto []byte) Record {
	return commonRecord(t, func(r *Record) {
		r.Request, r.Method, r.Target, r.Protocol = req, method, target, proto
	})
}

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		format *Format
		line   string
		want   Record
	}{
		{"combined", Combined, combinedLine, combinedRecord(t, nil)},
		{"common line under combined", Combined, commonLine, commonRecord(t, nil)},
		{"common line under common", Common, commonLine, commonRecord(t, nil)},
		{"combined line under common", Common, combinedLine, commonRecord(t, nil)},
		{"fields after agent ignored", Combined, combinedLine + ` 1234 "extra"`, combinedRecord(t, nil)},
		{"space after agent", Combined, combinedLine + ` `, combinedRecord(t, nil)},
		{"text after bytes under common", Common, commonLine + ` 1234 extra`, commonRecord(t, nil)},
		{"space after bytes under common", Common, commonLine + ` `, commonRecord(t, nil)},
		{"unterminated agent after bytes under common", Common, commonLine + ` "-" "Mozi`, commonRecord(t, nil)},
		{
			"every field dash", Combined, `- - - [` + stampText + `] "-" - - "-" "-"`,
			commonRecord(t, func(r *Record) { *r = Record{Time: r.Time, Offset: r.Offset, Status: -1, Bytes: -1} }),
		},
		{
			"empty quoted fields", Combined, lineHead + `"" 400 0 "" ""`,
			commonRecord(t, func(r *Record) {
				*r = Record{Host: r.Host, Time: r.Time, Request: bs(""), Status: 400, Bytes: 0, Referer: bs(""), UserAgent: bs("")}
			}),
		},
		{"escaped quotes in agent", Combined, agentLine(`"Mozilla/5.0 \"quoted\" agent"`), agentRecord(t, `Mozilla/5.0 "quoted" agent`)},
		{"escaped quote then space", Combined, agentLine(`"\" "`), agentRecord(t, `" `)},
		{"escaped quote alone", Combined, agentLine(`"\""`), agentRecord(t, `"`)},
		{"escaped backslash before closing quote", Combined, agentLine(`"C:\\"`), agentRecord(t, `C:\`)},
		{"escaped backslash then escaped quote", Combined, agentLine(`"a\\\"b"`), agentRecord(t, `a\"b`)},
		{"quote after escaped backslash closes", Combined, agentLine(`"a\\" x"`), agentRecord(t, `a\`)},
		{"control escapes", Combined, agentLine(`"a\tb\nc\rd"`), agentRecord(t, "a\tb\nc\rd")},
		{"unknown and short escapes kept", Combined, agentLine(`"\q\x4\xzz"`), agentRecord(t, `\q\x4\xzz`)},
		{
			"hex escapes in referer", Combined, commonLine + ` "http://example.com/caf\xc3\xA9?q=\x22" "-"`,
			commonRecord(t, func(r *Record) { r.Referer = bs(`http://example.com/café?q="`) }),
		},
		{
			"escapes in every quoted field", Combined, lineHead + `"GET /a\"b HTTP/1.1" 200 5120 "\x41" "\\"`,
			commonRecord(t, func(r *Record) {
				r.Request, r.Target, r.Referer, r.UserAgent = bs(`GET /a"b HTTP/1.1`), bs(`/a"b`), bs("A"), bs(`\`)
			}),
		},
		{
			"request without protocol", Common, requestLine(`"GET /robots.txt"`),
			requestRecord(t, bs("GET /robots.txt"), bs("GET"), bs("/robots.txt"), nil),
		},
		{
			"raw spaces in target", Common, requestLine(`"GET /annual report.pdf HTTP/1.1"`),
			requestRecord(t, bs("GET /annual report.pdf HTTP/1.1"), bs("GET"), bs("/annual report.pdf"), bs("HTTP/1.1")),
		},
		{
			"query string kept in target", Common, requestLine(`"GET /search?q=a+b&x=/y HTTP/2.0"`),
			requestRecord(t, bs("GET /search?q=a+b&x=/y HTTP/2.0"), bs("GET"), bs("/search?q=a+b&x=/y"), bs("HTTP/2.0")),
		},
		{"request dash", Common, requestLine(`"-"`), requestRecord(t, nil, nil, nil, nil)},
		{"request empty", Common, requestLine(`""`), requestRecord(t, bs(""), nil, nil, nil)},
		{
			"TLS junk request", Common, requestLine(`"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"`),
			requestRecord(t, bs("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), nil, nil, nil),
		},
		{"method only", Common, requestLine(`"GET"`), requestRecord(t, bs("GET"), nil, nil, nil)},
		{"method and protocol only", Common, requestLine(`"GET  HTTP/1.1"`), requestRecord(t, bs("GET  HTTP/1.1"), nil, nil, nil)},
		{"method not a token", Common, requestLine(`"GE(T / HTTP/1.1"`), requestRecord(t, bs("GE(T / HTTP/1.1"), nil, nil, nil)},
		{
			"last token not a protocol", Common, requestLine(`"GET / x"`),
			requestRecord(t, bs("GET / x"), bs("GET"), bs("/ x"), nil),
		},
		{
			"user with spaces", Combined, `192.0.2.1 - John Smith [` + stampText + `] ` + requestGET + ` 200 5120`,
			commonRecord(t, func(r *Record) { r.User = bs("John Smith") }),
		},
		{
			"empty user", Combined, `192.0.2.1 -  [` + stampText + `] ` + requestGET + ` 200 5120`,
			commonRecord(t, func(r *Record) { r.User = bs("") }),
		},
		{
			"IPv6 host", Combined, `2001:db8::1 - - [` + stampText + `] ` + requestGET + ` 200 5120`,
			commonRecord(t, func(r *Record) { r.Host = bs("2001:db8::1") }),
		},
		{
			"bracketed IPv6 host and user", Combined, `[2001:db8::2] - frank [` + stampText + `] ` + requestGET + ` 200 5120`,
			commonRecord(t, func(r *Record) { r.Host, r.User = bs("[2001:db8::2]"), bs("frank") }),
		},
		{"negative offset", Common, timeLine("20/Nov/2026:23:59:59 -0700"), timeRecord(t, "20/Nov/2026:23:59:59 -0700")},
		{"positive offset", Common, timeLine("01/Jan/2027:05:29:59 +0530"), timeRecord(t, "01/Jan/2027:05:29:59 +0530")},
		{"offset +1400", Common, timeLine("29/Feb/2028:00:00:00 +1400"), timeRecord(t, "29/Feb/2028:00:00:00 +1400")},
		{"offset -0000", Common, timeLine("31/Dec/1999:23:59:59 -0000"), timeRecord(t, "31/Dec/1999:23:59:59 -0000")},
		{
			"status 408 and bytes dash", Common, lineHead + `"-" 408 -`,
			commonRecord(t, func(r *Record) {
				r.Request, r.Method, r.Target, r.Protocol, r.Status, r.Bytes = nil, nil, nil, nil, 408, -1
			}),
		},
		{"zero bytes", Common, lineHead + requestGET + ` 304 0`, commonRecord(t, func(r *Record) { r.Status, r.Bytes = 304, 0 })},
		{
			"18-digit bytes", Common, lineHead + requestGET + ` 200 999999999999999999`,
			commonRecord(t, func(r *Record) { r.Bytes = 999999999999999999 }),
		},
		{"status 000", Common, lineHead + requestGET + ` 000 5120`, commonRecord(t, func(r *Record) { r.Status = 0 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			line := []byte(tc.line)
			if err := NewParser(tc.format).Parse(line, &rec); err != nil {
				t.Fatalf("%s Parse(%q) = %v, want nil", tc.format.Name, tc.line, err)
			}
			for _, d := range diffRecord(&rec, &tc.want) {
				t.Errorf("%s Parse(%q).%s", tc.format.Name, tc.line, d)
			}
			if string(line) != tc.line {
				t.Errorf("Parse changed its input to %q", line)
			}
		})
	}
}

func timeLine(stamp string) string {
	return `192.0.2.1 - - [` + stamp + `] ` + requestGET + ` 200 5120`
}

func timeRecord(t *testing.T, stamp string) Record {
	unix, off := clfTime(t, stamp)
	return commonRecord(t, func(r *Record) { r.Time, r.Offset = unix, off })
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name   string
		format *Format
		line   string
		field  string // the SyntaxError's Field
	}{
		{"empty line", Combined, "", "line"},
		{"empty line under common", Common, "", "line"},
		{"garbage", Combined, "this is not an access log line", "time"},
		{"one word", Combined, "garbage", "host"},
		{"only spaces", Combined, "   ", "host"},
		{"vhost prefix", Combined, `www.example.com:443 203.0.113.7 - - [` + stampText + `] ` + requestGET + ` 200 68 "-" "Bot"`, "user"},
		{"torn line glued to the next", Combined, `192.0.2.2 - 198.51.100.10 - - [` + stampText + `] ` + requestGET + ` 200 68 "-" "Bot"`, "user"},
		{"syslog prefix", Combined, `Oct 10 13:55:38 web1 nginx: 198.51.100.11 - - [` + stampText + `] ` + requestGET + ` 200 68`, "user"},
		{"no user before time", Combined, `192.0.2.1 - [` + stampText + `] ` + requestGET + ` 200 5120`, "user"},
		{"unterminated request", Combined, lineHead + `"GET /index.html HTTP/1.1 200 5120`, "request"},
		{"request quote escaped at end", Combined, lineHead + `"GET /\" 200 5120`, "request"},
		{"request not quoted", Combined, lineHead + `GET / HTTP/1.1 200 5120`, "request"},
		{"unterminated referer", Combined, commonLine + ` "http://example.com/`, "referer"},
		{"unterminated agent", Combined, commonLine + ` "-" "Mozilla/5.0 (X11`, "user_agent"},
		{"agent quote escaped at end", Combined, commonLine + ` "-" "Mozilla\"`, "user_agent"},
		{"referer without agent", Combined, commonLine + ` "-"`, "user_agent"},
		{"two spaces before agent", Combined, commonLine + ` "-"  "UA"`, "user_agent"},
		{"text glued to request", Combined, lineHead + `"GET / HTTP/1.1"x 200 5120`, "line"},
		{"text glued to agent", Combined, commonLine + ` "-" "UA"x`, "line"},
		{"non-quoted trailer under combined", Combined, commonLine + ` 1234`, "referer"},
		{"space after bytes under combined", Combined, commonLine + ` `, "referer"},
		{"bad day 32", Combined, timeLine("32/Nov/2026:10:00:05 +0000"), "time"},
		{"day 00", Combined, timeLine("00/Nov/2026:10:00:05 +0000"), "time"},
		{"Feb 30", Combined, timeLine("30/Feb/2024:10:00:05 +0000"), "time"},
		{"bad month", Combined, timeLine("21/Foo/2026:10:00:05 +0000"), "time"},
		{"lower-case month", Combined, timeLine("21/nov/2026:10:00:05 +0000"), "time"},
		{"hour 24", Combined, timeLine("21/Nov/2026:24:00:00 +0000"), "time"},
		{"minute 60", Combined, timeLine("21/Nov/2026:10:60:00 +0000"), "time"},
		{"second 61", Combined, timeLine("21/Nov/2026:10:00:61 +0000"), "time"},
		{"offset without sign", Combined, timeLine("21/Nov/2026:10:00:00 0000"), "time"},
		{"offset hour 24", Combined, timeLine("21/Nov/2026:10:00:00 +2400"), "time"},
		{"one-digit hour", Combined, `192.0.2.1 - - [21/Nov/2026:1:00:00 +0000] ` + requestGET + ` 200 5120`, "time"},
		{"missing ]", Combined, `192.0.2.1 - - [` + stampText + ` ` + requestGET + ` 200 5120`, "time"},
		{"missing time", Combined, `192.0.2.1 - - ` + requestGET + ` 200 5120`, "time"},
		{"line ends after time", Combined, `192.0.2.1 - - [` + stampText + `]`, "time"},
		{"status 2O0", Combined, lineHead + requestGET + ` 2O0 5120`, "status"},
		{"4-digit status", Combined, lineHead + requestGET + ` 2000 5120`, "status"},
		{"2-digit status", Combined, lineHead + requestGET + ` 20 5120`, "status"},
		{"negative status", Combined, lineHead + requestGET + ` -20 5120`, "status"},
		{"missing status", Combined, lineHead + requestGET, "status"},
		{"bytes 12a", Combined, lineHead + requestGET + ` 200 12a`, "bytes"},
		{"bytes 12a under common", Common, lineHead + requestGET + ` 200 12a`, "bytes"},
		{"negative bytes", Combined, lineHead + requestGET + ` 200 -5`, "bytes"},
		{"plus bytes", Combined, lineHead + requestGET + ` 200 +5`, "bytes"},
		{"19-digit bytes", Combined, lineHead + requestGET + ` 200 1000000000000000000`, "bytes"},
		{"missing bytes", Combined, lineHead + requestGET + ` 200`, "bytes"},
		{"two spaces before bytes", Combined, lineHead + requestGET + ` 200  5120`, "bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			err := NewParser(tc.format).Parse([]byte(tc.line), &rec)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%s Parse(%q) = %v, want a *SyntaxError", tc.format.Name, tc.line, err)
			}
			if se.Field != tc.field {
				t.Errorf("%s Parse(%q).Field = %q (%v), want %q", tc.format.Name, tc.line, se.Field, err, tc.field)
			}
			if !strings.HasPrefix(err.Error(), tc.field+": ") || se.Msg == "" {
				t.Errorf("%s Parse(%q) error = %q, want %q and a message", tc.format.Name, tc.line, err, tc.field+": ...")
			}
		})
	}
}

func TestParseAliasing(t *testing.T) {
	p := NewParser(Combined)
	var rec Record
	line := []byte(commonLine + ` "-" "plain agent"`)
	if err := p.Parse(line, &rec); err != nil {
		t.Fatal(err)
	}
	// within reports whether b starts inside line (pointers have no order).
	within := func(b, line []byte) bool {
		for i := range line {
			if len(b) > 0 && &line[i] == &b[0] {
				return true
			}
		}
		return false
	}
	for name, f := range map[string][]byte{"Host": rec.Host, "Request": rec.Request, "Target": rec.Target, "UserAgent": rec.UserAgent} {
		if !within(f, line) {
			t.Errorf("Parse(%q).%s = %q does not alias the line", line, name, f)
		}
	}

	// Unescaped fields live in the Parser's scratch buffer, not in the line,
	// which Parse must leave alone; each field survives the next ones.
	escaped := []byte(lineHead + `"GET /\"a HTTP/1.1" 200 1 "\x41\x42" "` + strings.Repeat(`\"`, 5000) + `"`)
	orig := bytes.Clone(escaped)
	if err := p.Parse(escaped, &rec); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(escaped, orig) {
		t.Errorf("Parse changed its input")
	}
	if string(rec.Request) != `GET /"a HTTP/1.1` || string(rec.Referer) != "AB" || string(rec.UserAgent) != strings.Repeat(`"`, 5000) {
		t.Errorf("Parse(escaped) = Request %q, Referer %q, UserAgent of %d bytes; want GET /\"a HTTP/1.1, AB, 5000 quotes",
			rec.Request, rec.Referer, len(rec.UserAgent))
	}
	if within(rec.Referer, escaped) {
		t.Errorf("Parse(escaped).Referer aliases the line, want the scratch buffer")
	}

	// A record stays valid while another Parser parses.
	var other Record
	if err := NewParser(Combined).Parse([]byte(agentLine(`"\x43"`)), &other); err != nil {
		t.Fatal(err)
	}
	if string(rec.Referer) != "AB" {
		t.Errorf("Referer = %q after another Parser's Parse, want AB", rec.Referer)
	}

	// The same Parser reuses its scratch: the next Parse is still correct.
	if err := p.Parse([]byte(agentLine(`"\x43\x44"`)), &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.UserAgent) != "CD" || rec.Referer != nil {
		t.Errorf("second Parse = UserAgent %q, Referer %s; want CD, nil", rec.UserAgent, showText(rec.Referer))
	}
}

func TestParseResetsRecord(t *testing.T) {
	p := NewParser(Combined)
	var rec Record
	if err := p.Parse([]byte(combinedLine), &rec); err != nil {
		t.Fatal(err)
	}
	if err := p.Parse([]byte(`- - - [`+stampText+`] "-" - -`), &rec); err != nil {
		t.Fatal(err)
	}
	want := Record{Time: rec.Time, Status: -1, Bytes: -1}
	for _, d := range diffRecord(&rec, &want) {
		t.Errorf("Parse after Parse: %s", d)
	}
}

func TestRecordPath(t *testing.T) {
	tests := []struct{ target, want string }{
		{"/index.html", "/index.html"},
		{"/search?q=1", "/search"},
		{"/a?b?c", "/a"},
		{"?only", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			r := Record{Target: bs(tc.target)}
			if got := r.Path(); string(got) != tc.want {
				t.Errorf("Record{Target: %q}.Path() = %q, want %q", tc.target, got, tc.want)
			}
		})
	}
}

func TestRecordTimestamp(t *testing.T) {
	for _, stamp := range []string{stampText, "20/Nov/2026:23:59:59 -0700", "01/Jan/2027:05:29:59 +0530"} {
		t.Run(stamp, func(t *testing.T) {
			var rec Record
			if err := NewParser(Common).Parse([]byte(timeLine(stamp)), &rec); err != nil {
				t.Fatal(err)
			}
			want, err := time.Parse(clfLayout, stamp)
			if err != nil {
				t.Fatal(err)
			}
			got := rec.Timestamp()
			_, gotOff := got.Zone()
			_, wantOff := want.Zone()
			if !got.Equal(want) || gotOff != wantOff || got.Format(clfLayout) != stamp {
				t.Errorf("Parse(%q).Timestamp() = %v, want %v", stamp, got, want)
			}
		})
	}
}

func TestLineError(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name, line, want string
	}{
		{"short line", "2O0", `access.log:7: status: not a 3-digit code or -: "2O0"`},
		{"long line cut", long, `access.log:7: status: not a 3-digit code or -: "` + long[:80] + `"...`},
		{"control bytes quoted", "a\tb", `access.log:7: status: not a 3-digit code or -: "a\tb"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := NewLineError("access.log", 7, []byte(tc.line), errStatus)
			if got := err.Error(); got != tc.want {
				t.Errorf("NewLineError(%q).Error() = %q, want %q", tc.line, got, tc.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Field != "status" || !errors.Is(err, errStatus) {
				t.Errorf("NewLineError(%q) does not unwrap to the status SyntaxError", tc.line)
			}
		})
	}
	var se *SyntaxError
	if !errors.As(ErrLineTooLong, &se) || se.Field != "line" {
		t.Errorf("ErrLineTooLong = %v, want a line SyntaxError", ErrLineTooLong)
	}
}
