package jobs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/logmr/logmr/mapreduce/logscan"
)

// A CountSort is the order of a count's rows.
type CountSort string

// The orders of a count's rows. Key order compares the fields in By order:
// an absent value first, hour and day chronologically, status numerically,
// hosts as logparse.CompareHosts orders them, the rest bytewise.
const (
	SortAuto     CountSort = ""         // SortKey when a time bucket (hour, day) varies between rows, else SortRequests
	SortRequests CountSort = "requests" // most requests first, ties in key order
	SortBytes    CountSort = "bytes"    // most bytes first, ties in key order
	SortKey      CountSort = "key"      // key order
)

// CountSorts lists the orders a user can ask for, in the order help gives them.
var CountSorts = []CountSort{SortRequests, SortBytes, SortKey}

// CountOrder is the final step of a count, taken once every count is
// merged: which rows are kept and in what order they come. It changes
// neither the counts nor a partial result. The zero value keeps every row
// in SortAuto order.
type CountOrder struct {
	// Top keeps the Top keys with the most requests (ties in key order),
	// then orders them as Sort says; 0 keeps all.
	Top int
	// Per, with Top, keeps the Top keys of each group of rows that agree
	// on these fields (a subset of By). Groups come in key order of these
	// fields; within a group rows come in Sort order.
	Per  []CountField
	Sort CountSort
}

func (o CountOrder) check(by []CountField) error {
	if o.Top < 0 {
		return fmt.Errorf("%w: top %d: want 0 (all) or more", logscan.ErrInvalidOptions, o.Top)
	}
	if o.Sort != SortAuto && !slices.Contains(CountSorts, o.Sort) {
		return fmt.Errorf("%w: unknown count sort %q (want one of %v)", logscan.ErrInvalidOptions, o.Sort, CountSorts)
	}
	if len(o.Per) > 0 && o.Top == 0 {
		return fmt.Errorf("%w: per %v needs a top: the top of each group", logscan.ErrInvalidOptions, o.Per)
	}
	for i, f := range o.Per {
		if !slices.Contains(by, f) {
			return fmt.Errorf("%w: per field %q is not one of the count's fields %v", logscan.ErrInvalidOptions, f, by)
		}
		if slices.Contains(o.Per[:i], f) {
			return fmt.Errorf("%w: per field %q given twice", logscan.ErrInvalidOptions, f)
		}
	}
	return nil
}

// sort resolves SortAuto: key order when a time bucket varies within a
// group (Per fields do not), else requests.
func (o CountOrder) sort(by []CountField) CountSort {
	if o.Sort != SortAuto {
		return o.Sort
	}
	for _, f := range by {
		if (f == ByHour || f == ByDay) && !slices.Contains(o.Per, f) {
			return SortKey
		}
	}
	return SortRequests
}

// apply keeps and orders the rows of a count; it sorts rows in place.
func (o CountOrder) apply(rows []countEntry, by []CountField) []countEntry {
	return applyOrder(o, rows, by, func(e countEntry) countEntry { return e })
}

// applyOrder is apply for rows of any type R that entry reads: a count
// held in a table sorts 4-byte record numbers, not 24-byte entries.
func applyOrder[R any](o CountOrder, rows []R, by []CountField, entry func(R) countEntry) []R {
	keys := newKeyOrder(by, nil)
	lift := func(f func(a, b countEntry) int) func(a, b R) int {
		return func(a, b R) int { return f(entry(a), entry(b)) }
	}
	within := lift(keys.entryOrder(o.sort(by)))
	if len(o.Per) == 0 {
		if o.Top > 0 {
			rows = topOf(rows, o.Top, lift(keys.byRequests))
		}
		slices.SortFunc(rows, within)
		return rows
	}
	groups := newKeyOrder(by, o.Per)
	sameGroup := func(a, b R) int { return groups.compare(entry(a).key, entry(b).key) }
	slices.SortFunc(rows, func(a, b R) int {
		ea, eb := entry(a), entry(b)
		return cmp.Or(groups.compare(ea.key, eb.key), keys.byRequests(ea, eb))
	})
	kept := 0 // rows[:kept] are the kept rows; kept <= start
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && sameGroup(rows[start], rows[end]) == 0 {
			end++
		}
		n := min(end-start, o.Top)
		copy(rows[kept:], rows[start:start+n])
		slices.SortFunc(rows[kept:kept+n], within)
		kept += n
		start = end
	}
	return slices.Clip(rows[:kept])
}

// topOf keeps the n rows with the most requests, ties in the order of
// byRequests; n <= 0 keeps all. It sorts rows in place.
func topOf[R any](rows []R, n int, byRequests func(a, b R) int) []R {
	slices.SortFunc(rows, byRequests)
	if n > 0 && len(rows) > n {
		rows = slices.Clip(rows[:n])
	}
	return rows
}

// A keyOrder compares encoded keys (appendKey) field by field in key
// order, on the fields only names (all when nil).
type keyOrder struct {
	by    []CountField
	only  []bool // nil: every field
	plain bool   // bytewise order of the whole key is key order
}

func newKeyOrder(by []CountField, only []CountField) keyOrder {
	o := keyOrder{by: by, plain: only == nil}
	if only != nil {
		o.only = make([]bool, len(by))
		for i, f := range by {
			o.only[i] = slices.Contains(only, f)
		}
	}
	for _, f := range by {
		o.plain = o.plain && f != ByStatus && f != ByHour
	}
	return o
}

func (o keyOrder) entryOrder(s CountSort) func(a, b countEntry) int {
	switch s {
	case SortRequests:
		return o.byRequests
	case SortBytes:
		return func(a, b countEntry) int {
			return cmp.Or(cmp.Compare(b.t.bytes, a.t.bytes), o.compare(a.key, b.key))
		}
	}
	return func(a, b countEntry) int { return o.compare(a.key, b.key) }
}

func (o keyOrder) byRequests(a, b countEntry) int {
	return cmp.Or(cmp.Compare(b.t.requests, a.t.requests), o.compare(a.key, b.key))
}

// compare orders two keys appendKey wrote for o.by.
func (o keyOrder) compare(a, b string) int {
	if o.plain {
		return strings.Compare(a, b)
	}
	for i, f := range o.by {
		var va, vb string
		var pa, pb bool
		va, pa, a = nextValue(a)
		vb, pb, b = nextValue(b)
		if o.only != nil && !o.only[i] {
			continue
		}
		if c := compareValues(f, va, pa, vb, pb); c != 0 {
			return c
		}
	}
	return 0
}

// nextValue splits the first field off an encoded key: its value, still
// escaped (escaping keeps bytewise order), and whether it is present.
func nextValue(key string) (value string, present bool, rest string) {
	if key == "" || key[0] != 2 {
		return "", false, key[min(1, len(key)):]
	}
	end := strings.Index(key, "\x00\x01")
	if end < 0 {
		return key[1:], true, ""
	}
	return key[1:end], true, key[end+2:]
}

func compareValues(f CountField, a string, pa bool, b string, pb bool) int {
	if !pa || !pb {
		return cmp.Compare(btoi(pa), btoi(pb)) // absent first
	}
	switch f {
	case ByStatus:
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	case ByHour:
		return compareHours(a, b)
	}
	return strings.Compare(a, b)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareHours orders hour buckets (2026-10-25T02:00:00+02:00) by instant.
// With one offset the local times order them, bytewise; across a change of
// offset (the two 02:00 hours of a DST fall-back) they are parsed.
func compareHours(a, b string) int {
	const local = len("2006-01-02T15:04:05")
	if len(a) > local && len(b) > local && a[local:] == b[local:] {
		return strings.Compare(a, b)
	}
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return cmp.Or(ta.Compare(tb), strings.Compare(a, b))
}
