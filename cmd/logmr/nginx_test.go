package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// --format takes a pasted nginx log_format directive: parse prints its
// fields by their Apache names, and count gives the same rows with and
// without --cache, the second cached run served from the cache (which
// keeps the format by its string and looks it up again).
func TestNginxFormatFlag(t *testing.T) {
	conf, err := os.ReadFile("../../testdata/nginx/main_ext.conf")
	if err != nil {
		t.Fatal(err)
	}
	format := string(conf)
	logs := []string{"../../testdata/nginx/access.log", "../../testdata/nginx/access.log.1.gz"}

	p := run(t, nil, append([]string{"parse", "-O", "jsonl", "--format", format}, logs[0])...)
	first, _, _ := strings.Cut(p.stdout, "\n")
	var rec map[string]any
	if p.code != 0 || json.Unmarshal([]byte(first), &rec) != nil {
		t.Fatalf("parse --format main_ext: exit %d, stderr %q, first line %q", p.code, p.stderr, first)
	}
	want := map[string]any{"host": "203.0.113.7", "vhost": "api.example.com", "duration_us": 1667000.0,
		"upstream_response_time": "0.821", "status": 200.0, "user_agent": "curl/8.4.0", "header_x_forwarded_for": nil}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("parse --format main_ext: %s = %v, want %v", k, rec[k], v)
		}
	}

	count := append([]string{"count", "--by", "vhost,status", "--format", format}, logs...)
	plain := run(t, nil, count...)
	if plain.code != 0 || !strings.Contains(plain.stdout, "www.example.org") {
		t.Fatalf("count --format main_ext: exit %d, stdout %q, stderr %q", plain.code, plain.stdout, plain.stderr)
	}
	cache := t.TempDir()
	for _, step := range []string{"cold cache", "warm cache"} {
		c := run(t, nil, append(count, "--cache", cache, "-v")...)
		if c.code != 0 || c.stdout != plain.stdout {
			t.Errorf("%s: count --cache exit %d, printed\n%s\nwithout --cache\n%s", step, c.code, c.stdout, plain.stdout)
		}
		if step == "warm cache" && !strings.Contains(c.stderr, "2 files from the cache") {
			t.Errorf("%s: -v says %q, want both files from the cache", step, c.stderr)
		}
	}
}

// An invalid nginx format is a usage error that names the column.
func TestNginxFormatFlagInvalid(t *testing.T) {
	r := run(t, nil, "hosts", "--format", "log_format main '$remote_addr ${status';", "../../testdata/nginx/access.log")
	if r.code != 2 || !strings.Contains(r.stderr, "--format: column 31: ${ without its closing }") {
		t.Errorf("hosts --format with ${status: exit %d, stderr %q; want 2 naming column 31", r.code, r.stderr)
	}
}
