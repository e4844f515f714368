package jobs

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/logmr/logmr/mapreduce/logscan"
)

// encodeKey writes values as appendKey does for fields without a 0x00
// byte; "" is an absent value.
func encodeKey(values ...string) string {
	var b strings.Builder
	for _, v := range values {
		if v == "" {
			b.WriteByte(1)
			continue
		}
		b.WriteString("\x02" + v + "\x00\x01")
	}
	return b.String()
}

// entriesOf reads rows written "value,value,...|requests|bytes".
func entriesOf(rows ...string) []countEntry {
	var out []countEntry
	for _, r := range rows {
		parts := strings.Split(r, "|")
		req, _ := strconv.ParseInt(parts[1], 10, 64)
		by, _ := strconv.ParseInt(parts[2], 10, 64)
		out = append(out, countEntry{encodeKey(strings.Split(parts[0], ",")...), &tally{req, by}})
	}
	return out
}

func keysOf(rows []countEntry, by []CountField) []string {
	res := &CountResult{By: by, rows: rows}
	var out []string
	for row := range res.All() {
		out = append(out, strings.Join(row.Key, ","))
	}
	return out
}

func TestCountOrderApply(t *testing.T) {
	hour, day, status, path := []CountField{ByHour}, []CountField{ByDay}, []CountField{ByStatus}, []CountField{ByPath}
	tests := []struct {
		name  string
		by    []CountField
		order CountOrder
		rows  []string
		want  []string
	}{
		{"hours chronologically across a fall-back (+02:00 then +01:00)", hour, CountOrder{},
			[]string{"2026-10-25T03:00:00+01:00|1|0", "2026-10-25T02:00:00+01:00|5|0", "2026-10-25T02:00:00+02:00|2|0", "2026-10-25T01:00:00+02:00|1|0"},
			[]string{"2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"}},
		{"days in key order by default", day, CountOrder{},
			[]string{"2026-11-22|1|0", "2026-11-20|9|0", "2026-11-21|5|0"},
			[]string{"2026-11-20", "2026-11-21", "2026-11-22"}},
		{"days by requests when asked", day, CountOrder{Sort: SortRequests},
			[]string{"2026-11-22|9|0", "2026-11-20|1|0", "2026-11-21|5|0"},
			[]string{"2026-11-22", "2026-11-21", "2026-11-20"}},
		{"status by requests by default, ties numerically", status, CountOrder{},
			[]string{"404|3|0", "1000|3|0", "200|3|0", "500|7|0", "|3|0"},
			[]string{"500", "", "200", "404", "1000"}},
		{"status in numeric key order, absent first", status, CountOrder{Sort: SortKey},
			[]string{"404|3|0", "1000|3|0", "99|3|0", "|1|0"},
			[]string{"", "99", "404", "1000"}},
		{"bytes, ties by key", path, CountOrder{Sort: SortBytes},
			[]string{"/b|1|10", "/a|9|10", "/c|5|20"},
			[]string{"/c", "/a", "/b"}},
		{"top by requests, printed in key order", day, CountOrder{Top: 2},
			[]string{"2026-11-22|5|0", "2026-11-20|1|0", "2026-11-21|9|0"},
			[]string{"2026-11-21", "2026-11-22"}},
		{"top ties broken by key", path, CountOrder{Top: 2},
			[]string{"/c|5|0", "/b|5|0", "/a|5|0"},
			[]string{"/a", "/b"}},
		{"per day: days in order, requests within", []CountField{ByDay, ByPath}, CountOrder{Top: 2, Per: day},
			[]string{"2026-11-21,/a|1|0", "2026-11-21,/b|3|0", "2026-11-21,/c|2|0", "2026-11-20,/z|1|0", "2026-11-20,/y|1|0", "2026-11-20,/x|1|0"},
			[]string{"2026-11-20,/x", "2026-11-20,/y", "2026-11-21,/b", "2026-11-21,/c"}},
		{"per path, hours vary: key order within", []CountField{ByHour, ByPath}, CountOrder{Top: 2, Per: path},
			[]string{"2026-11-21T05:00:00Z,/a|1|0", "2026-11-21T03:00:00Z,/a|3|0", "2026-11-21T04:00:00Z,/a|2|0", "2026-11-21T01:00:00Z,/b|1|0"},
			[]string{"2026-11-21T03:00:00Z,/a", "2026-11-21T04:00:00Z,/a", "2026-11-21T01:00:00Z,/b"}},
		{"per the second field, sorted by bytes within", []CountField{ByPath, ByStatus}, CountOrder{Top: 1, Per: status, Sort: SortBytes},
			[]string{"/a,500|1|9", "/b,500|2|1", "/a,404|5|0", "/b,1000|1|0"},
			[]string{"/a,404", "/b,500", "/b,1000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.order.check(tc.by); err != nil {
				t.Fatal(err)
			}
			got := keysOf(tc.order.apply(entriesOf(tc.rows...), tc.by), tc.by)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%+v.apply(%q) = %q, want %q", tc.order, tc.rows, got, tc.want)
			}
		})
	}
}

func TestCountOrderCheck(t *testing.T) {
	by := []CountField{ByHour, ByPath}
	tests := []struct {
		name  string
		order CountOrder
		want  string // in the error; "" for none
	}{
		{"zero", CountOrder{}, ""},
		{"per needs top", CountOrder{Per: []CountField{ByHour}}, "needs a top"},
		{"per not in by", CountOrder{Top: 1, Per: []CountField{ByStatus}}, `"status" is not one of`},
		{"per twice", CountOrder{Top: 1, Per: []CountField{ByHour, ByHour}}, "given twice"},
		{"unknown sort", CountOrder{Sort: "time"}, `unknown count sort "time"`},
		{"negative top", CountOrder{Top: -1}, "top -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.order.check(by)
			if tc.want == "" {
				if err != nil {
					t.Errorf("check(%+v) = %v, want nil", tc.order, err)
				}
				return
			}
			if !errors.Is(err, logscan.ErrInvalidOptions) || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Errorf("check(%+v) = %v, want logscan.ErrInvalidOptions with %q", tc.order, err, tc.want)
			}
		})
	}
}

// Per-group top N against a sequential reference over random counts.
func TestCountOrderPerMatchesReference(t *testing.T) {
	by := []CountField{ByDay, ByStatus, ByPath}
	rnd := rand.New(rand.NewPCG(1, 2))
	type ref struct {
		day, status, path string
		requests, bytes   int64
	}
	var refs []ref
	seen := map[string]bool{}
	for range 3000 {
		r := ref{fmt.Sprintf("2026-11-%02d", 1+rnd.IntN(5)), fmt.Sprint([]int{200, 404, 500, 1000}[rnd.IntN(4)]),
			fmt.Sprintf("/p%d", rnd.IntN(40)), 1 + rnd.Int64N(20), rnd.Int64N(1000)}
		if k := r.day + r.status + r.path; !seen[k] {
			seen[k] = true
			refs = append(refs, r)
		}
	}
	statusNum := func(s string) int { n, _ := strconv.Atoi(s); return n }
	keyCmp := func(a, b ref) int {
		return cmp.Or(strings.Compare(a.day, b.day), cmp.Compare(statusNum(a.status), statusNum(b.status)), strings.Compare(a.path, b.path))
	}
	tests := []struct {
		name string
		per  func(r ref) string // the group key, ordered as key order orders groups
		perF []CountField
		sort CountSort
	}{
		{"per day", func(r ref) string { return r.day }, []CountField{ByDay}, SortAuto},
		{"per day,status by bytes", func(r ref) string { return fmt.Sprintf("%s %04s", r.day, r.status) }, []CountField{ByDay, ByStatus}, SortBytes},
		{"per status, key order", func(r ref) string { return fmt.Sprintf("%04s", r.status) }, []CountField{ByStatus}, SortKey},
	}
	for _, tc := range tests {
		for _, top := range []int{1, 3, 1000} {
			t.Run(fmt.Sprintf("%s top %d", tc.name, top), func(t *testing.T) {
				groups := map[string][]ref{}
				for _, r := range refs {
					groups[tc.per(r)] = append(groups[tc.per(r)], r)
				}
				var want []string
				for _, g := range slices.Sorted(func(yield func(string) bool) {
					for k := range groups {
						if !yield(k) {
							return
						}
					}
				}) {
					rows := groups[g]
					slices.SortFunc(rows, func(a, b ref) int { return cmp.Or(cmp.Compare(b.requests, a.requests), keyCmp(a, b)) })
					rows = rows[:min(top, len(rows))]
					switch tc.sort {
					case SortBytes:
						slices.SortFunc(rows, func(a, b ref) int { return cmp.Or(cmp.Compare(b.bytes, a.bytes), keyCmp(a, b)) })
					case SortKey:
						slices.SortFunc(rows, keyCmp)
					}
					for _, r := range rows {
						want = append(want, fmt.Sprintf("%s,%s,%s %d %d", r.day, r.status, r.path, r.requests, r.bytes))
					}
				}
				var rows []countEntry
				for _, r := range refs {
					rows = append(rows, countEntry{encodeKey(r.day, r.status, r.path), &tally{r.requests, r.bytes}})
				}
				o := CountOrder{Top: top, Per: tc.perF, Sort: tc.sort}
				res := &CountResult{By: by, rows: o.apply(rows, by)}
				var got []string
				for row := range res.All() {
					got = append(got, fmt.Sprintf("%s %d %d", strings.Join(row.Key, ","), row.Requests, row.Bytes))
				}
				if !slices.Equal(got, want) {
					t.Errorf("apply(%+v): %d rows, want %d; first difference at %d", o, len(got), len(want), firstDiff(got, want))
				}
			})
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
