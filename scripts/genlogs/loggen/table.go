package loggen

import "math/rand/v2"

// choice is one string and its relative weight.
type choice struct {
	s string
	w int
}

// table draws strings with fixed relative weights. Tables are small, so a linear scan
// over the cumulative weights is as fast as a binary search.
type table struct {
	s   []string
	cum []int
}

func newTable(cs ...choice) table {
	t := table{s: make([]string, len(cs)), cum: make([]int, len(cs))}
	total := 0
	for i, c := range cs {
		total += c.w
		t.s[i], t.cum[i] = c.s, total
	}
	return t
}

func (t *table) pick(r *rand.Rand) string {
	u := r.IntN(t.cum[len(t.cum)-1])
	for i, c := range t.cum {
		if u < c {
			return t.s[i]
		}
	}
	return t.s[len(t.s)-1]
}

// uniform makes a table whose entries are equally likely.
func uniform(ss ...string) table {
	cs := make([]choice, len(ss))
	for i, s := range ss {
		cs[i] = choice{s, 1}
	}
	return newTable(cs...)
}
