package logparse

import (
	"errors"
	"testing"
)

// FuzzJSON holds the JSON reader to never panic and to fail only with a
// *SyntaxError, whatever the line, in every key set; and to the reference
// (parseJSONSlow) on every line that is valid JSON. (The reader accepts
// more: what it skips is checked only for closed strings and brackets.)
func FuzzJSON(f *testing.F) {
	for _, path := range []string{"../testdata/formats/caddy/access.log", "../testdata/formats/traefik/access.log", "../testdata/formats/nginx-json/access.log"} {
		for _, line := range readLines(f, path)[:8] {
			f.Add(line)
		}
	}
	for _, s := range []string{caddyDocLine, traefikDocLine, nginxDocLine, `{}`, `{"status":"\ud83d"}`, `{"a":[[[[`, `{"ts":1e999}`} {
		f.Add([]byte(s))
	}
	parsers := []*Parser{NewParser(CaddyJSON), NewParser(TraefikJSON), NewParser(NginxJSON), NewParser(JSON)}
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec Record
		for _, p := range parsers {
			err := p.Parse(line, &rec)
			var se *SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("%s: Parse(%q) = %v, want a *SyntaxError", p.Format().Name, line, err)
			}
			var slow Record
			switch ok := parseJSONSlow(p.Format(), line, &slow); {
			case ok && err != nil:
				t.Fatalf("%s: Parse(%q) = %v, the reference parses it", p.Format().Name, line, err)
			case ok:
				if a, b, ok := sameJSON(p.Format(), &rec, &slow); !ok {
					t.Fatalf("%s: Parse(%q) = %s, the reference %s", p.Format().Name, line, a, b)
				}
			}
		}
	})
}

// FuzzW3C does the same for W3C lines after a header.
func FuzzW3C(f *testing.F) {
	for _, line := range readLines(f, "../testdata/formats/w3c/u_ex240115.log") {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p := NewParser(W3C)
		var rec Record
		for _, d := range iisHeader {
			p.Parse([]byte(d), &rec)
		}
		err := p.Parse(line, &rec)
		var se *SyntaxError
		if err != nil && !errors.Is(err, ErrNotRecord) && !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v", line, err)
		}
		if err == nil {
			AppendJSON(nil, W3C, &rec)
		}
	})
}
