package jobs

import (
	"fmt"
	"sync"

	"github.com/logmr/logmr/mapreduce/logscan"
)

// A PartialAggregate is an Aggregate that a partial-result file can carry:
// one with the codec of logscan.PartialCodec.
type PartialAggregate[A any] interface {
	logscan.Aggregate[A]
	logscan.PartialCodec
}

// kindOps is what a reader and a merge do with one kind, its type erased.
type kindOps struct {
	empty func(h *PartialHeader) (logscan.PartialCodec, error)
	merge func(acc, next logscan.PartialCodec)
}

var kinds = struct {
	sync.RWMutex
	m map[string]*kindOps
}{m: map[string]*kindOps{}}

func init() {
	RegisterKind("hosts", func(*PartialHeader) (*HostSet, error) { return NewHostSet(), nil })
	RegisterKind("count", func(h *PartialHeader) (*Counter, error) {
		co := CountOptions{By: h.By}
		if err := co.check(); err != nil {
			return nil, err
		}
		return co.counters(nil, 0)(), nil
	})
}

// RegisterKind makes partial-result files of kind, written by ScanPartial
// with aggregates of type A, readable by ReadPartial and mergeable by
// MergePartials. newAggregate returns the empty aggregate a file's result
// is read into; it may refuse a header (an error). Registering a kind
// twice replaces it; "hosts" and "count" are registered. It is safe to
// call from many goroutines, typically from init.
func RegisterKind[A PartialAggregate[A]](kind string, newAggregate func(h *PartialHeader) (A, error)) {
	ops := &kindOps{
		empty: func(h *PartialHeader) (logscan.PartialCodec, error) { return newAggregate(h) },
		merge: func(acc, next logscan.PartialCodec) { acc.(A).Merge(next.(A)) },
	}
	kinds.Lock()
	defer kinds.Unlock()
	kinds.m[kind] = ops
}

func lookupKind(kind string) (*kindOps, error) {
	kinds.RLock()
	defer kinds.RUnlock()
	ops, ok := kinds.m[kind]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	return ops, nil
}
