package logparse

import (
	"errors"
	"strings"
	"testing"
)

func TestLookupFormat(t *testing.T) {
	tests := []struct {
		name    string
		want    *Format
		wantErr error
	}{
		{"common", Common, nil},
		{"combined", Combined, nil},
		{"auto", nil, nil},
		{"", nil, nil},
		{"Combined", nil, ErrUnknownFormat},
		{"jsonl", nil, ErrUnknownFormat},
		{" common", nil, ErrUnknownFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LookupFormat(tc.name)
			if got != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("LookupFormat(%q) = %v, %v; want %v, %v", tc.name, got, err, tc.want, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.name) {
				t.Errorf("LookupFormat(%q) error %q does not name the format", tc.name, err)
			}
		})
	}
	for _, f := range []*Format{Common, Combined} {
		if NewParser(f).Format() != f {
			t.Errorf("NewParser(%s).Format() is not %s", f.Name, f.Name)
		}
	}
}

func TestDetect(t *testing.T) {
	apache := readLines(t, realLogs)[:DetectLines]
	rotated1 := readLines(t, "../testdata/logs/access.log.1")
	repeat := func(line string, n int) [][]byte {
		lines := make([][]byte, n)
		for i := range lines {
			lines[i] = []byte(line)
		}
		return lines
	}
	tests := []struct {
		name  string
		lines [][]byte
		want  *Format
	}{
		{"apache_logs", apache, Combined},
		{"common lines", repeat(commonLine, 10), Common},
		{"common rotated log", rotated1, Common},
		{"non-quoted trailers after bytes", repeat(commonLine+" 1234 www.example.com", 10), Common},
		{"quoted field alone after bytes", repeat(commonLine+` "-"`, 10), Common},
		{"combined with dashes", repeat(commonLine+` "-" "-"`, 10), Combined},
		{"combined with trailers", repeat(combinedLine+` 1234 "x"`, 10), Combined},
		{"half combined", append(repeat(commonLine, 5), repeat(combinedLine, 5)...), Combined},
		{"mostly common", append(repeat(commonLine, 6), repeat(combinedLine, 4)...), Common},
		{"malformed lines do not vote", append(repeat("garbage", 50), repeat(commonLine, 2)...), Common},
		{"vhost_combined", readLines(t, "../testdata/realdata/vhost_combined.log"), VHostCombined},
		{"vhost_combined with users", repeat("www.example.com:443 "+`192.0.2.1 id bob [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl"`, 3), Combined},
		{"vhost prefix, IPv6 client", repeat("www.example.com:80 "+`2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl"`, 3), VHostCombined},
		{"nginx combined", repeat(`203.0.113.9 - - [22/Nov/2026:06:25:14 +0000] "GET /robots.txt HTTP/1.1" 200 67 "-" "Mozilla/5.0 (compatible; bingbot/2.0)"`, 4), Combined},
		{"empty lines only", repeat("", 5), Combined},
		{"no lines", nil, Combined},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Detect(tc.lines)
			if !ok || got != tc.want {
				t.Errorf("Detect(%s) = %v, %v; want %s, true", tc.name, got, ok, tc.want.Name)
			}
		})
	}
	notLogs := map[string][][]byte{
		"prose":      repeat("this is not an access log line", 10),
		"error log":  repeat("[Sun Nov 22 06:25:14.123456 2026] [core:error] [pid 1234] [client 192.0.2.1:5678] AH00126: Invalid URI in request", 10),
		"binary":     repeat("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 3),
		"json lines": repeat(`{"host":"192.0.2.1","status":200}`, 10),
	}
	for name, lines := range notLogs {
		if got, ok := Detect(lines); ok {
			t.Errorf("Detect(%s) = %s, true; want not an access log", name, got)
		}
	}
}
