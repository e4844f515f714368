package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// catLine is a combined-format line of host at t, in t's offset.
func catLine(host string, t time.Time, path string) string {
	return fmt.Sprintf(`%s - - [%s] "GET %s HTTP/1.1" 200 5 "-" "test"`, host, t.Format("02/Jan/2006:15:04:05 -0700"), path)
}

// writeCatLog writes lines as a file, gzip when the name ends in .gz.
func writeCatLog(t *testing.T, path string, lines []string) {
	t.Helper()
	data := []byte(strings.Join(lines, "\n") + "\n")
	if strings.HasSuffix(path, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The recipe: everything one client did across four servers, each with
// a rotated chain and its own UTC offset, in order.
func TestCatSortTimeAcrossServers(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	type want struct {
		at   time.Time
		line string
	}
	var client []want
	var servers []string
	for s := range 4 {
		zone := time.FixedZone("", (s-2)*3*3600) // -0600, -0300, +0000, +0300
		server := filepath.Join(dir, fmt.Sprintf("web%d", s+1))
		servers = append(servers, server)
		for k, name := range []string{"access.log.2.gz", "access.log.1", "access.log"} {
			var lines []string
			for j := range 100 {
				at := base.Add(time.Duration(k*1000+j*10+s) * time.Second)
				host := "198.51.100.1"
				if j%3 == 0 {
					host = "192.0.2.7"
				}
				line := catLine(host, at.In(zone), fmt.Sprintf("/web%d/%s/%d", s+1, name, j))
				lines = append(lines, line)
				if host == "192.0.2.7" {
					client = append(client, want{at, line})
				}
			}
			writeCatLog(t, filepath.Join(server, name), lines)
		}
	}
	sort.SliceStable(client, func(i, j int) bool { return client[i].at.Before(client[j].at) })
	r := run(t, nil, append([]string{"cat", "--sort", "time", "--host", "192.0.2.7"}, servers...)...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("cat --sort time: exit %d, stderr %q", r.code, r.stderr)
	}
	got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(got) != len(client) {
		t.Fatalf("%d lines, want %d", len(got), len(client))
	}
	for i := range got {
		if got[i] != client[i].line {
			t.Fatalf("line %d = %q, want %q", i+1, got[i], client[i].line)
		}
	}

	r = run(t, nil, "cat", "--sort", "time", "--label", "--path-prefix", "/web2/access.log.1/", servers[1])
	if first := strings.SplitN(r.stdout, "\n", 2)[0]; r.code != 0 || !strings.HasPrefix(first, filepath.Join(servers[1], "access.log.1")+": 192.0.2.7 ") {
		t.Errorf("cat --label: exit %d, first line %q, want it prefixed with its file's name", r.code, first)
	}
}

func TestCatInputOrder(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	var a, b []string
	for j := range 5000 {
		a = append(a, catLine("192.0.2.1", base.Add(time.Duration(j)*time.Second), fmt.Sprintf("/a/%d", j)))
		b = append(b, catLine("192.0.2.2", base.Add(time.Duration(j)*time.Second-time.Hour), fmt.Sprintf("/b/%d", j)))
	}
	writeCatLog(t, filepath.Join(dir, "a.log.gz"), a)
	writeCatLog(t, filepath.Join(dir, "b.log"), b)
	want := strings.Join(append(slices.Clip(a), b...), "\n") + "\n"
	for _, j := range []string{"1", "4"} {
		r := run(t, nil, "cat", "-j", j, filepath.Join(dir, "a.log.gz"), filepath.Join(dir, "b.log"))
		if r.code != 0 || r.stdout != want {
			t.Errorf("cat -j %s: exit %d, %d bytes; want a then b, as logged, %d bytes", j, r.code, len(r.stdout), len(want))
		}
	}
	r := run(t, nil, "cat", "--sort", "time", filepath.Join(dir, "a.log.gz"), filepath.Join(dir, "b.log"))
	if got := strings.SplitN(r.stdout, "\n", 2)[0]; got != b[0] {
		t.Errorf("cat --sort time: first line %q, want b's first, an hour earlier", got)
	}
	r = run(t, []byte(b[0]+"\n"+b[1]+"\n"), "cat", "--sort", "time", "--label", "-", filepath.Join(dir, "a.log.gz"))
	if lines := strings.SplitN(r.stdout, "\n", 3); r.code != 0 || lines[0] != "-: "+b[0] || lines[1] != "-: "+b[1] {
		t.Errorf("cat --label - a.log.gz: exit %d, %q; want standard input's lines first, labelled -", r.code, lines[:2])
	}
	r = run(t, nil, "cat", "-O", "json", "--label", "--status", "200", filepath.Join(dir, "b.log"))
	var records []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &records); err != nil || len(records) != 5000 || records[0]["source"] != filepath.Join(dir, "b.log") || records[0]["target"] != "/b/0" {
		t.Errorf("cat -O json --label: %v, %d records, first %v", err, len(records), records[0])
	}
}

func TestCatKeepMalformed(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	a := filepath.Join(dir, "a.log")
	writeCatLog(t, a, []string{catLine("192.0.2.1", base, "/a0"), "not a \x1b[31mlog line", catLine("192.0.2.1", base.Add(2*time.Second), "/a2")})
	b := filepath.Join(dir, "b.log")
	writeCatLog(t, b, []string{catLine("192.0.2.2", base.Add(time.Second), "/b1")})

	r := run(t, nil, "cat", "--sort", "time", a, b)
	if n := strings.Count(r.stdout, "\n"); r.code != 0 || n != 3 || strings.Contains(r.stdout, "not a") {
		t.Errorf("cat: exit %d, %d lines: %q; want the 3 records, the malformed line left out", r.code, n, r.stdout)
	}
	r = run(t, nil, "cat", "-v", "--sort", "time", a, b)
	if !strings.Contains(r.stderr, "malformed: "+a+":2:") || !strings.Contains(r.stderr, "1 malformed") {
		t.Errorf("cat -v: stderr %q, want the malformed line named and counted", r.stderr)
	}
	r = run(t, nil, "cat", "--sort", "time", "--keep-malformed", a, b)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 4 || lines[1] != "not a \x1b[31mlog line" || !strings.Contains(lines[2], "/b1") {
		t.Errorf("cat --keep-malformed: exit %d, %q; want the malformed line in its place, as logged", r.code, lines)
	}
	r = run(t, nil, "cat", "-O", "jsonl", "--keep-malformed", a)
	var bad struct {
		Source, Error, Text string
		Line                int
	}
	lines = strings.Split(r.stdout, "\n")
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.Source != a || bad.Line != 2 || bad.Error == "" || bad.Text != "not a \x1b[31mlog line" {
		t.Errorf("cat -O jsonl --keep-malformed: line 2 %q (%v), want its source, line, error and text", lines[1], err)
	}
	if r := run(t, nil, "cat", "-O", "csv", "--keep-malformed", a); r.code != 2 || !strings.Contains(r.stderr, "--keep-malformed") {
		t.Errorf("cat -O csv --keep-malformed: exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
}

func TestCatLateLine(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	path := filepath.Join(dir, "a.log")
	writeCatLog(t, path, []string{catLine("192.0.2.1", at(0), "/0"), catLine("192.0.2.1", at(10), "/10"),
		catLine("192.0.2.1", at(30), "/30"), catLine("192.0.2.1", at(3), "/3-late"), catLine("192.0.2.1", at(31), "/31")})
	paths := func(out string) string {
		var p []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			p = append(p, strings.Fields(l)[6])
		}
		return strings.Join(p, " ")
	}
	r := run(t, nil, "cat", "-v", "--sort", "time", path)
	if got := paths(r.stdout); r.code != 0 || got != "/0 /10 /3-late /30 /31" || !strings.Contains(r.stderr, "out of order: "+path+":4: 7s earlier") ||
		!strings.Contains(r.stderr, "the latest came 27s after one (--sort-window 28s would order them)") {
		t.Errorf("cat --sort time, a line 27s late: exit %d, order %s, stderr %q; want it printed as soon as read and named", r.code, got, r.stderr)
	}
	r = run(t, nil, "cat", "--sort", "time", "--sort-window", "1m", path)
	if got := paths(r.stdout); got != "/0 /3-late /10 /30 /31" {
		t.Errorf("cat --sort-window 1m: order %s, want the late line in its place", got)
	}
}

func TestCatFailuresAndUsage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	writeCatLog(t, good, []string{catLine("192.0.2.1", time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), "/ok")})
	for _, sorted := range [][]string{nil, {"--sort", "time"}} {
		r := run(t, nil, append(append([]string{"cat"}, sorted...), filepath.Join(dir, "missing.log"), good)...)
		if r.code != 3 || !strings.Contains(r.stdout, "/ok") || !strings.Contains(r.stderr, "missing.log") {
			t.Errorf("cat %v with a missing input: exit %d, stdout %q, stderr %q; want 3, the other's lines, the missing one named", sorted, r.code, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{
		{"cat", "--sort", "size", good},
		{"cat", "--sort-window", "10s", good},
		{"cat", "--sort", "time", "--sort-window", "-1s", good},
		{"hosts", "-O", "raw", good},
	} {
		if r := run(t, nil, args...); r.code != 2 {
			t.Errorf("logmr %q: exit %d, stderr %q; want 2", args, r.code, r.stderr)
		}
	}
}
