package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

type refRow struct {
	key            string
	requests, size int64
}

// refCount counts the corpus' lines by key, the straightforward way.
func refCount(t *testing.T, files []string, key func(host string, at time.Time, status string) string) []refRow {
	counts := map[string]*refRow{}
	for _, path := range files {
		for _, l := range readTextLines(t, path) {
			m := refLineRE.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("reference cannot read %q", l)
			}
			at, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[2])
			if err != nil {
				t.Fatal(err)
			}
			k := key(refCanonicalHost(m[1]), at, m[3])
			r := counts[k]
			if r == nil {
				r = &refRow{key: k}
				counts[k] = r
			}
			r.requests++
			if n, err := strconv.ParseInt(m[4], 10, 64); err == nil {
				r.size += n
			}
		}
	}
	rows := make([]refRow, 0, len(counts))
	for _, r := range counts {
		rows = append(rows, *r)
	}
	return rows
}

// refHostOrder is the documented host order (docs/guide.md): IPv4 numerically, IPv6, names.
func refHostOrder(a, b string) int {
	class := func(h string) (int, netip.Addr) {
		addr, err := netip.ParseAddr(h)
		switch {
		case err != nil:
			return 2, addr
		case addr.Is4():
			return 0, addr
		}
		return 1, addr
	}
	ca, aa := class(a)
	cb, ab := class(b)
	if c := cmp.Compare(ca, cb); c != 0 {
		return c
	}
	if c := aa.Compare(ab); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func sortRef(rows []refRow, keyOrder func(a, b string) int) {
	slices.SortFunc(rows, func(a, b refRow) int {
		if c := cmp.Compare(b.requests, a.requests); c != 0 {
			return c
		}
		return keyOrder(a.key, b.key)
	})
}

// The "done when": count --by status, --by host --top 20 and --by
// day equal an independent count; -j 1 and -j 8 print the same bytes in
// every format; CSV and JSON read back with the standard readers.
func TestCountMatchesReference(t *testing.T) {
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 1 << 20, Seed: 13, GzipLevel: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args  []string
		key   func(host string, at time.Time, status string) string
		order func(a, b string) int
		top   int
	}{
		{[]string{"--by", "status"}, func(_ string, _ time.Time, s string) string { return s }, strings.Compare, 0},
		{[]string{"--by", "host", "--top", "20"}, func(h string, _ time.Time, _ string) string { return h }, refHostOrder, 20},
		// A time bucket: key order (chronological) by default.
		{[]string{"--by", "day", "--tz", "UTC"}, func(_ string, at time.Time, _ string) string { return at.UTC().Format("2006-01-02") }, nil, 0},
	}
	for _, tc := range tests {
		want := refCount(t, truth.Files, tc.key)
		if tc.order == nil {
			slices.SortFunc(want, func(a, b refRow) int { return strings.Compare(a.key, b.key) })
		} else {
			sortRef(want, tc.order)
		}
		if tc.top > 0 {
			want = want[:tc.top]
		}
		outputs := map[string]string{}
		for _, format := range []string{"csv", "json", "jsonl", "tsv", "text"} {
			var first string
			for _, j := range []string{"1", "8"} {
				r := run(t, nil, append(append([]string{"count", "-j", j, "-O", format}, tc.args...), dir)...)
				if r.code != 0 {
					t.Fatalf("count %q -O %s: exit %d, stderr %q", tc.args, format, r.code, r.stderr)
				}
				if j == "1" {
					first = r.stdout
				} else if r.stdout != first {
					t.Errorf("count %q -O %s: -j 1 and -j 8 differ", tc.args, format)
				}
			}
			outputs[format] = first
		}
		rows, err := csv.NewReader(strings.NewReader(outputs["csv"])).ReadAll()
		if err != nil {
			t.Fatalf("count %q: CSV: %v", tc.args, err)
		}
		var got []refRow
		for _, row := range rows[1:] {
			n, _ := strconv.ParseInt(row[1], 10, 64)
			b, _ := strconv.ParseInt(row[2], 10, 64)
			got = append(got, refRow{row[0], n, b})
		}
		if !slices.Equal(got, want) {
			t.Errorf("count %q = %v...\nreference %v...", tc.args, got[:min(5, len(got))], want[:min(5, len(want))])
		}
		var objects []map[string]any
		if err := json.Unmarshal([]byte(outputs["json"]), &objects); err != nil || len(objects) != len(want) {
			t.Fatalf("count %q -O json: %d objects, %v", tc.args, len(objects), err)
		}
		field := tc.args[1]
		for i, o := range objects {
			key := o[field]
			if field == "status" {
				key = strconv.Itoa(int(o[field].(float64))) // a JSON number
			}
			if key != want[i].key || o["requests"] != float64(want[i].requests) || o["bytes"] != float64(want[i].size) {
				t.Errorf("count %q -O json [%d] = %v, want %+v", tc.args, i, o, want[i])
				break
			}
			if keys := slices.Sorted(maps.Keys(o)); !slices.Equal(keys, slices.Sorted(slices.Values([]string{field, "requests", "bytes"}))) {
				t.Errorf("count %q -O json members %v", tc.args, keys)
				break
			}
		}
	}
}

// A user agent carrying an ANSI sequence prints escaped on a terminal
// (here: the text writer asked to escape), exact in the machine formats.
func TestCountEscapesControlOnTerminal(t *testing.T) {
	log := filepath.Join(t.TempDir(), "ansi.log")
	line := `192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla \x1b[2J"` + "\n"
	if err := os.WriteFile(log, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByUserAgent}}
	res, err := jobs.Count(context.Background(), []string{log}, co, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var text, js strings.Builder
	if err := outText.writeCount(&text, res, writeOptions{terminal: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "\x1b") || !strings.Contains(text.String(), `Mozilla \x1b[2J`) {
		t.Errorf("text on a terminal = %q, want the escape escaped", text.String())
	}
	if err := outJSONL.writeCount(&js, res, writeOptions{terminal: true}); err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(js.String()), &o); err != nil || o["user_agent"] != "Mozilla \x1b[2J" {
		t.Errorf("jsonl = %q (%v), want the exact user agent", js.String(), err)
	}
}

// Every command in every format: the same bytes for -j 1 and -j 8, and
// output that the standard readers read back.
func TestEveryCommandEveryFormat(t *testing.T) {
	dir, _ := generate(t, 3)
	commands := map[string][]string{
		"hosts": {"text", "json", "jsonl", "csv", "tsv"},
		"count": {"text", "json", "jsonl", "csv", "tsv"},
		"parse": {"text", "json", "jsonl", "csv", "tsv"},
	}
	for cmdName, formats := range commands {
		for _, format := range formats {
			args := []string{cmdName, "-O", format, "--status", "2xx,404"}
			if cmdName == "count" {
				args = append(args, "--by", "host,status")
			}
			one := run(t, nil, append(append(args, "-j", "1"), dir)...)
			eight := run(t, nil, append(append(args, "-j", "8"), dir)...)
			if one.code != 0 || eight.code != 0 || one.stdout != eight.stdout {
				t.Errorf("%s -O %s: exits %d and %d, same bytes %v", cmdName, format, one.code, eight.code, one.stdout == eight.stdout)
				continue
			}
			out := one.stdout
			switch format {
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil || len(rows) < 2 {
					t.Errorf("%s -O csv: %d rows, %v", cmdName, len(rows), err)
				}
			case "json":
				var v []any
				if err := json.Unmarshal([]byte(out), &v); err != nil || len(v) == 0 {
					t.Errorf("%s -O json: %d elements, %v", cmdName, len(v), err)
				}
			case "jsonl":
				for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
					if !json.Valid([]byte(l)) {
						t.Errorf("%s -O jsonl line %d is not JSON: %q", cmdName, i+1, l)
						break
					}
				}
			case "tsv", "text":
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if format == "tsv" {
					cols := strings.Count(lines[0], "\t")
					for i, l := range lines {
						if strings.Count(l, "\t") != cols {
							t.Errorf("%s -O tsv line %d has %d tabs, header %d", cmdName, i+1, strings.Count(l, "\t"), cols)
							break
						}
					}
				}
			}
		}
	}
}
