package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportJSON runs logmr report -O json and returns its object, less the
// time it was generated.
func reportJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	r := run(t, nil, append([]string{"report", "-O", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("logmr report %q: exit %d: %s", args, r.code, r.stderr)
	}
	return dropGenerated(t, r.stdout)
}

func dropGenerated(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("report JSON: %v: %.200s", err, s)
	}
	delete(m, "generated")
	return m
}

// A report's shards merged are one run's report, in HTML and JSON; a
// second run from the cache is the first; -o report.html writes the page.
func TestReportPartialMergeAndCache(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{"../../testdata/logs", "../../testdata/realdata/apache_logs.gz"}
	want := reportJSON(t, append([]string{"--tz", "UTC", "--top", "5"}, inputs...)...)
	if want["requests"].(float64) < 10000 || want["distinct_hosts"].(float64) < 1000 {
		t.Fatalf("report of %v: %v requests, %v hosts", inputs, want["requests"], want["distinct_hosts"])
	}
	var parts []string
	for _, shard := range []string{"0/2", "1/2"} {
		p := filepath.Join(dir, "shard"+shard[:1]+".partial")
		args := append([]string{"report", "--tz", "UTC", "--partial", "--shard", shard, "-o", p}, inputs...)
		if r := run(t, nil, args...); r.code != 0 {
			t.Fatalf("logmr %q: exit %d: %s", args, r.code, r.stderr)
		}
		parts = append(parts, p)
	}
	r := run(t, nil, append([]string{"merge", "-O", "json", "--top", "5"}, parts...)...)
	if r.code != 0 {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	if got := dropGenerated(t, r.stdout); !equalJSON(got, want) {
		t.Errorf("merged report differs from one run's:\n%v\nwant\n%v", got, want)
	}
	page := filepath.Join(dir, "merged.html")
	if r := run(t, nil, append([]string{"merge", "-o", page}, parts...)...); r.code != 0 {
		t.Fatalf("merge -o %s: exit %d: %s", page, r.code, r.stderr)
	}
	if b, err := os.ReadFile(page); err != nil || !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Errorf("merge -o merged.html: %v: %.100s", err, b)
	}
	cache := filepath.Join(dir, "cache")
	for range 2 {
		if got := reportJSON(t, append([]string{"--tz", "UTC", "--top", "5", "--cache", cache}, inputs...)...); !equalJSON(got, want) {
			t.Errorf("report with --cache differs from one without")
		}
	}
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// report refuses what it cannot write, before reading anything.
func TestReportUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"csv", []string{"report", "-O", "csv", "../../testdata/logs"}, "a report is html or json"},
		{"top", []string{"report", "--top", "1000", "-o", "x.html", "../../testdata/logs"}, "--top 1000"},
		{"html from count", []string{"count", "--by", "status", "-O", "html", "../../testdata/logs"}, "only logmr report"},
		{"title of a partial", []string{"report", "--partial", "--title", "x", "-o", "x.partial", "../../testdata/logs"}, "--title applies to logmr merge"},
		{"long title", []string{"report", "--title", strings.Repeat("t", 201), "-o", "x.html", "../../testdata/logs"}, "--title: 201 characters; at most 200"},
		{"long title, merge", []string{"merge", "--title", strings.Repeat("t", 201), "-o", "x.html", "x.partial"}, "--title: 201 characters; at most 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("logmr %q: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
			}
		})
	}
}

// A report made of shards is titled by merge --title, as one run is by
// report --title, and merge --top past 100 is refused as report's is; a
// count partial has no title to take.
func TestReportMergeTitle(t *testing.T) {
	dir := t.TempDir()
	var parts []string
	for _, shard := range []string{"0/2", "1/2"} {
		p := filepath.Join(dir, "shard"+shard[:1]+".partial")
		args := []string{"report", "--tz", "UTC", "--partial", "--shard", shard, "-o", p, "../../testdata/logs"}
		if r := run(t, nil, args...); r.code != 0 {
			t.Fatalf("logmr %q: exit %d: %s", args, r.code, r.stderr)
		}
		parts = append(parts, p)
	}
	r := run(t, nil, append([]string{"merge", "-O", "json", "--title", "www.example.com"}, parts...)...)
	if got := dropGenerated(t, r.stdout)["title"]; r.code != 0 || got != "www.example.com" {
		t.Errorf("merge --title www.example.com: exit %d, title %q; stderr %s", r.code, got, r.stderr)
	}
	count := filepath.Join(dir, "count.partial")
	if r := run(t, nil, "count", "--by", "status", "--partial", "-o", count, "../../testdata/logs"); r.code != 0 {
		t.Fatalf("count --partial: exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, nil, append([]string{"merge", "-O", "json", "--top", "101"}, parts...)...); r.code != 2 || !strings.Contains(r.stderr, "--top 101") {
		t.Errorf("merge --top 101 of report partials: exit %d, stderr %q; want 2 naming --top, as report --top 101", r.code, r.stderr)
	}
	if r := run(t, nil, "merge", "--title", "x", count); r.code != 2 || !strings.Contains(r.stderr, "--title") {
		t.Errorf("merge --title of a count partial: exit %d, stderr %q; want 2 naming --title", r.code, r.stderr)
	}
}
