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
		{"json", nil, ErrUnknownFormat},
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
		{"no parseable line", repeat("this is not an access log line", 10), Combined},
		{"no lines", nil, Combined},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.lines); got != tc.want {
				t.Errorf("Detect(%s) = %s, want %s", tc.name, got.Name, tc.want.Name)
			}
		})
	}
}
