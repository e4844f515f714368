package jobs

import (
	"cmp"
	"errors"
	"slices"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A PartialFailure is an input of a partial's shards that could not be
// read (listed or scanned): the partial's result does not cover it.
type PartialFailure struct {
	Path  string `json:"path"`
	Error string `json:"error"` // the reason, without the path
	// Order is where one run over every input of the split reports the
	// failure among the others: failures of listing first, as listed,
	// then failures of reading, largest input first. Merged partials keep
	// their failures sorted by it, so merge reports them as that run does.
	Order int `json:"order"`
}

// Failed returns the inputs the partial does not cover because they could
// not be read, in the order one run over every input reports them. The
// errors' Err are the recorded reasons, as text.
func (p *Partial) Failed() []*mapreduce.InputError {
	if len(p.Header.Failed) == 0 {
		return nil
	}
	errs := make([]*mapreduce.InputError, len(p.Header.Failed))
	for i, f := range p.Header.Failed {
		errs[i] = &mapreduce.InputError{Input: f.Path, Err: errors.New(f.Error)}
	}
	return errs
}

// failedErr is Failed as the error that goes with a result: a
// *mapreduce.FailedInputs, nil when every input was read.
func (p *Partial) failedErr() error {
	if errs := p.Failed(); len(errs) > 0 {
		return &mapreduce.FailedInputs{Errs: errs}
	}
	return nil
}

// partialFailures records a shard's failures with their Order. all is
// every input of the split, listed failures the number of failures of
// listing them (reported by shard 0 only, but counted by every shard).
func partialFailures(failed []*mapreduce.InputError, all []logscan.Input, listed int) []PartialFailure {
	if len(failed) == 0 {
		return nil
	}
	// One run reads the inputs largest first (ScanLogs), so reports them so.
	bySize := slices.Clone(all)
	slices.SortStableFunc(bySize, func(a, b logscan.Input) int { return cmp.Compare(b.Size, a.Size) })
	rank := make(map[string]int, len(bySize))
	for i, in := range bySize {
		rank[in.Path] = listed + i
	}
	out := make([]PartialFailure, len(failed))
	for i, e := range failed {
		order, ok := rank[e.Input]
		if !ok { // a failure of listing: failed holds those first, as listed
			order = i
		}
		out[i] = PartialFailure{Path: e.Input, Error: e.Err.Error(), Order: order}
	}
	sortFailures(out)
	return out
}

func sortFailures(f []PartialFailure) {
	slices.SortStableFunc(f, func(a, b PartialFailure) int { return cmp.Compare(a.Order, b.Order) })
}
