package logparse

import (
	"errors"
	"testing"
)

// iisHeader is IIS's default W3C header (Microsoft's "W3C Logging" page).
var iisHeader = []string{
	"#Software: Microsoft Internet Information Services 10.0",
	"#Version: 1.0",
	"#Date: 2024-01-15 08:00:00",
	"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
}

func TestParseW3C(t *testing.T) {
	p := NewParser(W3C)
	var rec Record
	for _, d := range iisHeader {
		if err := p.Parse([]byte(d), &rec); !errors.Is(err, ErrNotRecord) {
			t.Fatalf("Parse(%q) = %v, want ErrNotRecord", d, err)
		}
	}
	line := "2024-01-15 08:00:01 10.0.0.4 GET /default.htm q=1&r=2 443 CONTOSO\\alice 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://www.bing.com/ 200 0 0 15"
	if err := p.Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	check := func(name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("Parse(%q).%s = %q, want %q", line, name, got, want)
		}
	}
	check("Host", string(rec.Host), "203.0.113.9")
	check("User", string(rec.User), `CONTOSO\alice`)
	check("Method", string(rec.Method), "GET")
	check("Target", string(rec.Target), "/default.htm?q=1&r=2")
	check("UserAgent", string(rec.UserAgent), "Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
	check("Referer", string(rec.Referer), "https://www.bing.com/")
	check("server_ip", string(rec.extra[w3cExtraServerIP]), "10.0.0.4")
	if rec.Time != 1705305601 || rec.Offset != 0 || rec.Status != 200 || rec.Port != 443 || rec.Duration != 15000 || rec.Bytes != -1 {
		t.Errorf("Parse(%q) = time %d %+d, status %d, port %d, duration %d, bytes %d", line, rec.Time, rec.Offset, rec.Status, rec.Port, rec.Duration, rec.Bytes)
	}

	// The fields change midway, as when IIS's logging is reconfigured;
	// this log has no date field, which #Date then gives.
	for _, d := range []string{"#Date: 2024-01-16 00:00:00", "#Fields: time c-ip cs-method cs-uri cs-host sc-status sc-bytes cs-bytes time-taken cs-version"} {
		if err := p.Parse([]byte(d), &rec); !errors.Is(err, ErrNotRecord) {
			t.Fatalf("Parse(%q) = %v, want ErrNotRecord", d, err)
		}
	}
	line = "09:30:00.250\t2001:db8::7\tPOST\t/api/items?id=3\twww.example.com\t201\t512\t2048\t0.125\tHTTP/2"
	if err := p.Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	check("Host", string(rec.Host), "2001:db8::7")
	check("Target", string(rec.Target), "/api/items?id=3")
	check("VHost", string(rec.VHost), "www.example.com")
	check("Protocol", string(rec.Protocol), "HTTP/2")
	check("bytes_in", string(rec.extra[w3cExtraBytesIn]), "2048")
	if rec.Time != 1705397400 || rec.Nsec != 250000000 || rec.Status != 201 || rec.Bytes != 512 || rec.Duration != 125000 || rec.UserAgent != nil {
		t.Errorf("Parse(%q) = time %d.%09d, status %d, bytes %d, duration %d, agent %q", line, rec.Time, rec.Nsec, rec.Status, rec.Bytes, rec.Duration, rec.UserAgent)
	}
}

func TestParseW3CErrors(t *testing.T) {
	var rec Record
	if err := NewParser(W3C).Parse([]byte("2024-01-15 08:00:01 10.0.0.4 GET / - 80"), &rec); err != errW3CNoFields {
		t.Errorf("a line before #Fields: %v, want %v", err, errW3CNoFields)
	}
	tests := []struct {
		name, line string
		want       error
	}{
		{"too few values", "2024-01-15 08:00:01 10.0.0.4 GET /", errW3CCount},
		{"too many values", "2024-01-15 08:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 200 0 0 15 extra", errW3CCount},
		{"bad date", "2024-13-15 08:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 200 0 0 15", errW3CDate},
		{"bad time", "2024-01-15 8:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 200 0 0 15", errW3CDate},
		{"bad status", "2024-01-15 08:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 2O0 0 0 15", errW3CStatus},
		{"bad port", "2024-01-15 08:00:01 10.0.0.4 GET / - 99999 - 203.0.113.9 ua - 200 0 0 15", errW3CPort},
		{"bad time-taken", "2024-01-15 08:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 200 0 0 1.2.3", errW3CTaken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(W3C)
			for _, d := range iisHeader {
				p.Parse([]byte(d), &rec)
			}
			if err := p.Parse([]byte(tc.line), &rec); err != tc.want {
				t.Errorf("Parse(%q) = %v, want %v", tc.line, err, tc.want)
			}
		})
	}
}

// Some Windows tools start a file with a UTF-8 byte order mark.
func TestW3CByteOrderMark(t *testing.T) {
	lines := [][]byte{[]byte("\xef\xbb\xbf#Software: Microsoft Internet Information Services 10.0"),
		[]byte("#Fields: date time c-ip sc-status"), []byte("2024-01-15 08:00:01 203.0.113.9 200"), []byte("\xef\xbb\xbf")}
	if f, ok := Detect(lines); f != W3C || !ok {
		t.Errorf("Detect(W3C with a BOM) = %v, %v; want w3c", f, ok)
	}
	p := NewParser(W3C)
	var rec Record
	for i, want := range []error{ErrNotRecord, ErrNotRecord, nil, errEmpty} {
		if err := p.Parse(lines[i], &rec); err != want {
			t.Errorf("Parse(%q) = %v, want %v", lines[i], err, want)
		}
	}
	var jrec Record
	if err := NewParser(CaddyJSON).Parse([]byte("\xef\xbb\xbf"+`{"status":200}`), &jrec); err != nil || jrec.Status != 200 {
		t.Errorf("Parse(JSON with a BOM) = %v, status %d", err, jrec.Status)
	}
}

func TestW3CAllocs(t *testing.T) {
	p := NewParser(W3C)
	var rec Record
	for _, d := range iisHeader {
		p.Parse([]byte(d), &rec)
	}
	line := []byte("2024-01-15 08:00:01 10.0.0.4 GET /default.htm q=1 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15")
	var buf []byte
	if n := testing.AllocsPerRun(100, func() {
		if err := p.Parse(line, &rec); err != nil {
			t.Fatal(err)
		}
		buf = AppendJSON(buf[:0], W3C, &rec)
	}); n != 0 {
		t.Errorf("W3C Parse and AppendJSON allocate %v times a line, want 0", n)
	}
}
