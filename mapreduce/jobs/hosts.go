package jobs

import (
	"context"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A HostSet is the set of distinct client hosts of the records added to it,
// in canonical form (logparse.AppendCanonicalHost). It is the Aggregate of
// the built-in hosts job.
type HostSet struct {
	hosts map[string]struct{} // canonical forms
	// logged caches the hosts already seen as logged, so that the costly
	// canonicalisation runs once per distinct spelling, not once per line.
	logged map[string]struct{}
	buf    []byte
}

// NewHostSet returns an empty HostSet.
func NewHostSet() *HostSet {
	return &HostSet{hosts: map[string]struct{}{}, logged: map[string]struct{}{}}
}

// Add adds rec's host; a record with no host ("-") adds nothing.
func (s *HostSet) Add(rec *logparse.Record) {
	if rec.Host == nil {
		return
	}
	if _, ok := s.logged[string(rec.Host)]; ok { // the compiler makes m[string(b)] allocation-free
		return
	}
	s.logged[string(rec.Host)] = struct{}{}
	s.buf = logparse.AppendCanonicalHost(s.buf[:0], rec.Host)
	s.hosts[string(s.buf)] = struct{}{}
}

// Merge adds the hosts of other to s.
func (s *HostSet) Merge(other *HostSet) {
	for h := range other.hosts {
		s.hosts[h] = struct{}{}
	}
}

// Len returns the number of distinct hosts.
func (s *HostSet) Len() int { return len(s.hosts) }

// Sorted returns the hosts ordered by logparse.CompareHosts: IPv4
// numerically, then IPv6, then names.
func (s *HostSet) Sorted() []string {
	out := make([]string, 0, len(s.hosts))
	for h := range s.hosts {
		out = append(out, h)
	}
	logparse.SortHosts(out)
	return out
}

// Fields: Add reads the host only.
func (s *HostSet) Fields() logparse.Fields { return 0 }

// HostsResult is the answer of Hosts.
type HostsResult struct {
	Hosts []string // sorted, see HostSet.Sorted
	Stats logscan.Stats
}

// Hosts returns the distinct client hosts of the records in the inputs that
// paths name which pass opts.Filter: the classic map-reduce job, mapping
// each file to its host set and reducing by union. Errors are as for
// ScanLogs: with a *mapreduce.FailedInputs the result covers the other inputs.
func Hosts(ctx context.Context, paths []string, opts logscan.ScanOptions) (*HostsResult, error) {
	set, stats, err := logscan.ScanLogs(ctx, paths, NewHostSet, opts)
	if set == nil {
		return nil, err
	}
	return &HostsResult{Hosts: set.Sorted(), Stats: stats}, err
}
