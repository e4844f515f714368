package logparse

import (
	"errors"
	"strings"
	"testing"
)

func TestDetectStructured(t *testing.T) {
	tests := []struct {
		path string
		want *Format
	}{
		{"../testdata/formats/caddy/access.log", CaddyJSON},
		{"../testdata/formats/traefik/access.log", TraefikJSON},
		{"../testdata/formats/nginx-json/access.log", NginxJSON},
		{"../testdata/formats/w3c/u_ex240115.log", W3C},
	}
	for _, tc := range tests {
		lines := readLines(t, tc.path)
		if got, ok := Detect(lines[:min(len(lines), DetectLines)]); !ok || got != tc.want {
			t.Errorf("Detect(%s) = %v, %v; want %s", tc.path, got, ok, tc.want.Name)
		}
	}
	for name, c := range map[string]struct {
		lines []string
		want  *Format
	}{
		"w3c header only":      {iisHeader, W3C},
		"one doc line each":    {[]string{caddyDocLine}, CaddyJSON},
		"traefik doc line":     {[]string{traefikDocLine}, TraefikJSON},
		"nginx doc line":       {[]string{nginxDocLine}, NginxJSON},
		"json beats a few clf": {[]string{nginxDocLine, nginxDocLine, combinedLine}, NginxJSON},
		"clf beats a few json": {[]string{combinedLine, combinedLine, nginxDocLine}, Combined},
	} {
		var lines [][]byte
		for _, l := range c.lines {
			lines = append(lines, []byte(l))
		}
		if got, ok := Detect(lines); !ok || got != c.want {
			t.Errorf("Detect(%s) = %v, %v; want %s", name, got, ok, c.want.Name)
		}
	}
}

func TestNearest(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  *Format
		line  int
		field string
	}{
		{"bad time in combined", []string{"", `192.0.2.1 - - [10/Oct/2000:25:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "x"`}, Combined, 2, "time"},
		{"json of an application", []string{`{"level":"info","msg":"started"}`}, JSON, 1, "line"},
		{"broken json", []string{`{"status":200,`}, JSON, 1, "line"},
		{"w3c without fields", []string{"#Software: x", "2024-01-15 08:00:01 GET /"}, W3C, 2, "line"},
		{"w3c with a bad date", append(append([]string{}, iisHeader...), "2024-01-99 08:00:01 10.0.0.4 GET / - 443 - 203.0.113.9 ua - 200 0 0 15"), W3C, 5, "time"},
	}
	for _, tc := range tests {
		var lines [][]byte
		for _, l := range tc.lines {
			lines = append(lines, []byte(l))
		}
		f, line, err := Nearest(lines)
		var se *SyntaxError
		if f != tc.want || line != tc.line || !errors.As(err, &se) || se.Field != tc.field {
			t.Errorf("Nearest(%s) = %v, %d, %v; want %s, %d, a %s error", tc.name, f, line, err, tc.want.Name, tc.line, tc.field)
		}
	}
	if f, _, err := Nearest([][]byte{{}, {}}); f != nil || err != nil {
		t.Errorf("Nearest(empty lines) = %v, %v; want nil, nil", f, err)
	}
	if !strings.Contains(strings.Join(structuredNames(), " "), "json:") {
		t.Error("structuredNames does not mention json: mappings")
	}
}
