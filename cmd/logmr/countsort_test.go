package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// refKeyed is one key of a reference count: its field values in --by order.
type refKeyed struct {
	fields          []string
	requests, bytes int64
}

// refOrdered computes count --by by [--top top [--per per]] [--sort sort]
// the straightforward way: group, take each group's top by requests, order
// groups by key, then each group's rows by sort.
func refOrdered(t *testing.T, files []string, by, per []string, top int, sort string) []string {
	t.Helper()
	value := map[string]func(host string, at time.Time, status string) string{
		"host":   func(h string, _ time.Time, _ string) string { return h },
		"status": func(_ string, _ time.Time, s string) string { return s },
		"hour": func(_ string, at time.Time, _ string) string {
			return at.UTC().Truncate(time.Hour).Format(time.RFC3339)
		},
		"day": func(_ string, at time.Time, _ string) string { return at.UTC().Format(time.DateOnly) },
	}
	order := map[string]func(a, b string) int{"host": refHostOrder, "status": func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return cmp.Compare(x, y)
	}, "hour": strings.Compare, "day": strings.Compare}
	rows := refCount(t, files, func(h string, at time.Time, s string) string {
		var vs []string
		for _, f := range by {
			vs = append(vs, value[f](h, at, s))
		}
		return strings.Join(vs, "\t")
	})
	keyCmp := func(a, b refKeyed, only []string) int {
		for i, f := range by {
			if only == nil || slices.Contains(only, f) {
				if c := order[f](a.fields[i], b.fields[i]); c != 0 {
					return c
				}
			}
		}
		return 0
	}
	var keyed []refKeyed
	for _, r := range rows {
		keyed = append(keyed, refKeyed{strings.Split(r.key, "\t"), r.requests, r.size})
	}
	byRequests := func(a, b refKeyed) int { return cmp.Or(cmp.Compare(b.requests, a.requests), keyCmp(a, b, nil)) }
	if sort == "" {
		sort = "requests"
		for _, f := range by {
			if (f == "hour" || f == "day") && !slices.Contains(per, f) {
				sort = "key"
			}
		}
	}
	within := map[string]func(a, b refKeyed) int{
		"requests": byRequests,
		"bytes":    func(a, b refKeyed) int { return cmp.Or(cmp.Compare(b.bytes, a.bytes), keyCmp(a, b, nil)) },
		"key":      func(a, b refKeyed) int { return keyCmp(a, b, nil) },
	}[sort]
	groups := map[string][]refKeyed{}
	var groupOf []refKeyed // one row per group, for ordering the groups
	for _, k := range keyed {
		var g []string
		for i, f := range by {
			if slices.Contains(per, f) {
				g = append(g, k.fields[i])
			}
		}
		name := strings.Join(g, "\t")
		if groups[name] == nil {
			groupOf = append(groupOf, k)
		}
		groups[name] = append(groups[name], k)
	}
	slices.SortFunc(groupOf, func(a, b refKeyed) int { return keyCmp(a, b, per) })
	var out []string
	for _, first := range groupOf {
		var g []string
		for i, f := range by {
			if slices.Contains(per, f) {
				g = append(g, first.fields[i])
			}
		}
		rows := groups[strings.Join(g, "\t")]
		slices.SortFunc(rows, byRequests)
		if top > 0 {
			rows = rows[:min(top, len(rows))]
		}
		slices.SortFunc(rows, within)
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s,%d,%d", strings.Join(r.fields, ","), r.requests, r.bytes))
		}
	}
	return out
}

// count --sort, --top and --per equal a sequential reference over a
// generated corpus, and merge prints the same bytes from shards' partials.
func TestCountSortPerMatchesReference(t *testing.T) {
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 1 << 20, Seed: 23, GzipLevel: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		by   []string
		per  []string
		top  int
		sort string
	}{
		{"hours in time order by default", []string{"hour"}, nil, 0, ""},
		{"top hours by requests, printed in time order", []string{"hour"}, nil, 5, ""},
		{"statuses by bytes", []string{"status"}, nil, 0, "bytes"},
		{"top 3 statuses per hour", []string{"hour", "status"}, []string{"hour"}, 3, ""},
		{"top 2 statuses per hour by bytes", []string{"hour", "status"}, []string{"hour"}, 2, "bytes"},
		{"top 2 hosts per status in key order", []string{"status", "host"}, []string{"status"}, 2, "key"},
		{"top 4 hours per status: time order within", []string{"hour", "status"}, []string{"status"}, 4, ""},
		{"per every field", []string{"day", "status"}, []string{"status", "day"}, 1, ""},
	}
	out := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			flags := []string{"--by", strings.Join(tc.by, ","), "--tz", "UTC"}
			var order []string
			if tc.top > 0 {
				order = append(order, "--top", fmt.Sprint(tc.top))
			}
			if tc.per != nil {
				order = append(order, "--per", strings.Join(tc.per, ","))
			}
			if tc.sort != "" {
				order = append(order, "--sort", tc.sort)
			}
			args := append(append(append([]string{"count", "-O", "csv"}, flags...), order...), dir)
			r := run(t, nil, args...)
			var got []string
			for _, row := range csvRows(t, r, strings.Join(args, " ")) {
				got = append(got, strings.Join(row, ","))
			}
			want := refOrdered(t, truth.Files, tc.by, tc.per, tc.top, tc.sort)
			if !slices.Equal(got, want) {
				t.Errorf("count %q: %d rows %q..., want %d rows %q...", args, len(got), got[:min(6, len(got))], len(want), want[:min(6, len(want))])
			}
			var partials []string
			for i := range 2 {
				p := filepath.Join(out, fmt.Sprintf("%s-%d.partial", strings.ReplaceAll(tc.name, " ", "-"), i))
				if r := run(t, nil, append(append([]string{"count", "--partial", "--shard", fmt.Sprintf("%d/2", i), "-o", p}, flags...), dir)...); r.code != 0 {
					t.Fatalf("count --partial: exit %d: %s", r.code, r.stderr)
				}
				partials = append(partials, p)
			}
			merged := run(t, nil, append(append([]string{"merge", "-O", "csv"}, order...), partials...)...)
			if merged.code != 0 || merged.stdout != r.stdout {
				t.Errorf("merge %q: exit %d, stderr %q, %d bytes; want the single run's %d bytes", order, merged.code, merged.stderr, len(merged.stdout), len(r.stdout))
			}
		})
	}
}

func TestCountOrderFlagErrors(t *testing.T) {
	dir := t.TempDir()
	partial := filepath.Join(dir, "p.partial")
	if r := run(t, nil, "count", "--by", "status", "--partial", "-o", partial, "../../testdata/logs"); r.code != 0 {
		t.Fatalf("count --partial: exit %d: %s", r.code, r.stderr)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"--per without --top", []string{"count", "--by", "hour,path", "--per", "hour", "../../testdata/logs"}, "--per hour needs --top N"},
		{"--per not a --by field", []string{"count", "--by", "hour,path", "--top", "3", "--per", "status", "../../testdata/logs"}, "--per status: not one of the --by fields (hour,path)"},
		{"--per twice", []string{"count", "--by", "hour,path", "--top", "3", "--per", "hour,hour", "../../testdata/logs"}, "--per hour: given twice"},
		{"--per empty element", []string{"count", "--by", "hour,path", "--top", "3", "--per", "hour,", "../../testdata/logs"}, "--per"},
		{"--sort unknown", []string{"count", "--by", "status", "--sort", "time", "../../testdata/logs"}, `--sort "time": want requests, bytes or key`},
		{"count --partial --sort", []string{"count", "--by", "status", "--partial", "--sort", "key", "-o", filepath.Join(dir, "x"), "../../testdata/logs"}, "--sort"},
		{"merge --per not a --by field", []string{"merge", "--top", "1", "--per", "host", partial}, "--per host: not one of the --by fields (status)"},
		{"merge --per without --top", []string{"merge", "--per", "status", partial}, "--per status needs --top N"},
		{"merge --sort unknown", []string{"merge", "--sort", "size", partial}, `--sort "size"`},
		{"merge --partial --sort", []string{"merge", "--partial", "--sort", "key", "-o", filepath.Join(dir, "y"), partial}, "--sort"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("logmr %q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
	// A well-formed merge still works: --sort key orders statuses, where
	// the default is by requests.
	for _, tc := range []struct {
		args []string
		want string
	}{{[]string{"--sort", "key"}, "200 304 400 404 408"}, {nil, "200 404 304 400 408"}} {
		r := run(t, nil, append(append([]string{"merge", "-O", "csv"}, tc.args...), partial)...)
		rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		var got []string
		for _, row := range rows[min(1, len(rows)):] {
			got = append(got, row[0])
		}
		if err != nil || r.code != 0 || strings.Join(got, " ") != tc.want {
			t.Errorf("merge %q: exit %d, statuses %q, %v; want %s", tc.args, r.code, got, err, tc.want)
		}
	}
}

// Ordering is the final step: a cache written by one --sort/--top/--per
// serves another, but not another --tz, which moves the buckets.
func TestCountOrderSharesTheCache(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache")
	base := []string{"count", "-v", "--cache", cache, "--by", "hour,status", "--tz", "UTC"}
	if r := run(t, nil, append(base, "../../testdata/logs")...); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	tests := []struct {
		name     string
		args     []string
		fromFull string // files from the cache, files read in full
	}{
		{"another order", []string{"--top", "1", "--per", "hour", "--sort", "bytes"}, "4 0"},
		{"key order", []string{"--sort", "key"}, "4 0"},
		{"another zone", []string{"--tz", "Asia/Tokyo"}, "0 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, append(append(base, tc.args...), "../../testdata/logs")...)
			m := cacheLineRE.FindStringSubmatch(r.stderr)
			if r.code != 0 || m == nil || m[1]+" "+m[3] != tc.fromFull {
				t.Errorf("count %q: exit %d, cache line %q; want %s files from the cache and read in full", tc.args, r.code, m, tc.fromFull)
			}
		})
	}
}
