package mapreduce

import (
	"bytes"

	"github.com/logmr/logmr/logparse"
)

// A Filter selects records; its conditions are ANDed, and a condition with
// no values selects everything.
type Filter struct {
	// Paths keeps records whose path (the request target up to "?") equals
	// one of these.
	Paths []string
}

// matcher is a Filter compiled for the per-line hot path: it allocates nothing.
type matcher struct {
	paths [][]byte
}

func (f Filter) compile() (*matcher, error) {
	m := &matcher{}
	for _, p := range f.Paths {
		m.paths = append(m.paths, []byte(p))
	}
	return m, nil
}

// match reports whether rec passes. A short linear scan beats a map lookup
// for the handful of paths a command line names.
func (m *matcher) match(rec *logparse.Record) bool {
	if len(m.paths) == 0 {
		return true
	}
	path := rec.Path()
	for _, p := range m.paths {
		if bytes.Equal(path, p) {
			return true
		}
	}
	return false
}
