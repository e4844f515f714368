package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// The known answers of ../../testdata/formats, one file per format, worked
// out from the records the files were written from (not by logmr).
var formatFiles = []struct {
	path, format     string
	lines, malformed int64
	matched          int64
	byStatus         string // status requests bytes, per row
}{
	{"../../testdata/formats/caddy/access.log", "caddy", 41, 1, 40,
		"200 14 373300, 301 11 355924, 304 6 135463, 404 6 92631, 500 3 85895"},
	{"../../testdata/formats/traefik/access.log", "traefik", 30, 0, 30,
		"200 14 330573, 301 3 58087, 304 6 119252, 404 2 24332, 500 5 155116"},
	// An empty line and the line with the time "garbage" are malformed.
	{"../../testdata/formats/nginx-json/access.log", "nginx_json", 37, 2, 35,
		"200 12 383780, 301 7 191364, 304 6 69771, 404 6 190078, 500 4 93480"},
	// 8 directive lines (two headers: #Fields changes midway), 1 line cut
	// short; the first part has no sc-bytes.
	{"../../testdata/formats/w3c/u_ex240115.log", "w3c", 54, 1, 45,
		"200 21 189346, 301 7 90848, 304 6 75472, 404 3 99946, 500 8 150534"},
}

var formatHosts = []string{"192.0.2.44", "198.51.100.2", "198.51.100.23", "203.0.113.7", "203.0.113.99", "2001:db8::5"}

func statusRows(res *CountResult) string {
	var rows []string
	for _, r := range res.Rows() {
		rows = append(rows, fmt.Sprintf("%s %d %d", r.Key[0], r.Requests, r.Bytes))
	}
	slices.Sort(rows)
	return strings.Join(rows, ", ")
}

// TestFormatsKnownAnswers reads each format's file, detected and named,
// through hosts and count, then twice with a cache: the second run is
// answered from the cache (the format stored by name, looked up again)
// with the same answer.
func TestFormatsKnownAnswers(t *testing.T) {
	ctx := context.Background()
	for _, ff := range formatFiles {
		t.Run(ff.format, func(t *testing.T) {
			named, err := logparse.LookupFormat(ff.format)
			if err != nil {
				t.Fatal(err)
			}
			store, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
			if err != nil {
				t.Fatal(err)
			}
			// The file is copied so that the cache may key it by its own identity.
			path := filepath.Join(t.TempDir(), filepath.Base(ff.path))
			data, err := os.ReadFile(ff.path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for run, opts := range []logscan.ScanOptions{{}, {Format: named}, {Cache: store}, {Cache: store}, {Cache: store, Format: named}, {Cache: store, Format: named}} {
				hosts, err := Hosts(ctx, []string{path}, opts)
				if err != nil {
					t.Fatalf("run %d: Hosts: %v", run, err)
				}
				if !slices.Equal(hosts.Hosts, formatHosts) {
					t.Errorf("run %d: Hosts = %q, want %q", run, hosts.Hosts, formatHosts)
				}
				st := hosts.Stats
				if st.Lines != ff.lines || st.Malformed != ff.malformed || st.Matched != ff.matched {
					t.Errorf("run %d: Hosts.Stats lines, malformed, matched = %d, %d, %d; want %d, %d, %d",
						run, st.Lines, st.Malformed, st.Matched, ff.lines, ff.malformed, ff.matched)
				}
				if len(st.Files) != 1 || st.Files[0].Format != ff.format {
					t.Errorf("run %d: Hosts.Stats.Files = %+v, want one in format %s", run, st.Files, ff.format)
				}
				if fromCache := run == 3 || run == 5; fromCache != (st.Cache.Hits == 1) {
					t.Errorf("run %d: cache %+v", run, st.Cache)
				}
				count, err := Count(ctx, []string{path}, CountOptions{By: []CountField{ByStatus}}, opts)
				if err != nil {
					t.Fatalf("run %d: Count: %v", run, err)
				}
				if got := statusRows(count); got != ff.byStatus {
					t.Errorf("run %d: Count by status = %s, want %s", run, got, ff.byStatus)
				}
			}
		})
	}
}

// TestFormatsFilter checks that a filter's text search, which JSON \u
// escapes and W3C directives would defeat, is not used on these formats:
// the answer is that of every line parsed.
func TestFormatsFilter(t *testing.T) {
	ctx := context.Background()
	f := filter.Filter{Paths: []string{"/café/menu"}}
	for _, ff := range formatFiles[:3] {
		all, err := Count(ctx, []string{ff.path}, CountOptions{By: []CountField{ByStatus}}, logscan.ScanOptions{Filter: f, CheckAllLines: true})
		if err != nil {
			t.Fatal(err)
		}
		searched, err := Count(ctx, []string{ff.path}, CountOptions{By: []CountField{ByStatus}}, logscan.ScanOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		if all.Stats.Matched == 0 || statusRows(all) != statusRows(searched) {
			t.Errorf("%s: /café/menu by status = %s (%d matched), without --check-all-lines %s", ff.format, statusRows(all), all.Stats.Matched, statusRows(searched))
		}
	}
}

// TestW3CGrownNotResumed checks that a W3C file that grew since the cache
// saw it is read again in full, not resumed: the lines appended mean what
// the last #Fields before them says, which a resumed read would not know.
func TestW3CGrownNotResumed(t *testing.T) {
	ctx := context.Background()
	store, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "u_ex.log")
	data, err := os.ReadFile(formatFiles[3].path)
	if err != nil {
		t.Fatal(err)
	}
	// Longer than what detection samples: a shorter file is never resumed.
	data = append(data, strings.Repeat("2024-01-15 09:59:00 www.example.com 192.0.2.44 GET / 200 1 1 5 curl/8\r\n", logparse.DetectLines)...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	co := CountOptions{By: []CountField{ByStatus}}
	if _, err := Count(ctx, []string{path}, co, logscan.ScanOptions{Cache: store}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("2024-01-15 10:00:00 www.example.com 192.0.2.44 GET / 418 100 1 5 curl/8\r\n")
	f.Close()
	want, err := Count(ctx, []string{path}, co, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Count(ctx, []string{path}, co, logscan.ScanOptions{Cache: store})
	if err != nil {
		t.Fatal(err)
	}
	if got.Stats.Cache.Resumed != 0 || statusRows(got) != statusRows(want) || !strings.Contains(statusRows(got), "418 1 100") {
		t.Errorf("grown W3C file: %s (cache %+v), want %s read in full", statusRows(got), got.Stats.Cache, statusRows(want))
	}
}

// TestJSONResumedFilter checks that the lines a cache resume reads of a
// JSON file are all parsed: a path filter's text search would miss a
// path written with \u escapes.
func TestJSONResumedFilter(t *testing.T) {
	ctx := context.Background()
	store, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "access.log")
	line := `{"ts":1705305600,"status":200,"size":1,"request":{"client_ip":"192.0.2.1","method":"GET","uri":"/other"}}` + "\n"
	if err := os.WriteFile(path, []byte(strings.Repeat(line, 2*logparse.DetectLines)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := logscan.ScanOptions{Cache: store, Filter: filter.Filter{Paths: []string{"/café"}}}
	if _, err := Hosts(ctx, []string{path}, opts); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"ts":1705305601,"status":200,"size":1,"request":{"client_ip":"198.51.100.9","method":"GET","uri":"/caf\u00e9"}}` + "\n")
	f.Close()
	res, err := Hosts(ctx, []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Cache.Resumed != 1 || !slices.Equal(res.Hosts, []string{"198.51.100.9"}) {
		t.Errorf("resumed: hosts %q (cache %+v), want 198.51.100.9 from the appended line", res.Hosts, res.Stats.Cache)
	}
}
