package main

import (
	"strings"
	"testing"
)

// -v names the format detected for each file, JSON and W3C among them;
// with the format given, it does not repeat it per file.
func TestVerboseFormats(t *testing.T) {
	r := run(t, nil, "count", "-v", "--by", "status", "../../testdata/formats", "../../testdata/logs/access.log.1")
	for _, want := range []string{
		"file ../../testdata/formats/caddy/access.log: 41 lines, 1 malformed, 26784 bytes, format caddy,",
		"format traefik,", "format nginx_json,", "format w3c,",
		"file ../../testdata/logs/access.log.1: 7 lines, 0 malformed, 554 bytes, format common,",
		"5 files, 169 lines, 157 matched",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("count -v: stderr %q lacks %q", r.stderr, want)
		}
	}
	r = run(t, nil, "count", "-v", "--by", "host", "--format", "w3c", "../../testdata/formats/w3c")
	if r.code != 0 || strings.Contains(r.stderr, "format w3c") || !strings.Contains(r.stderr, "54 lines, 45 matched") {
		t.Errorf("count -v --format w3c: exit %d, stderr %q", r.code, r.stderr)
	}
}
