package logscan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/logmr/logmr/mapreduce"
)

// A Shard names one of Count parts of a run's inputs, so that Count
// machines (or array-job tasks) that see the same inputs each read their
// own part; see PlanShards for the rule. The zero Shard is every input.
type Shard struct {
	Index int // from 0 to Count-1
	Count int // 0: no sharding
}

func (s Shard) String() string {
	if s.Count == 0 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

func (s Shard) validate() error {
	if s.Count < 0 || s.Count > 0 && (s.Index < 0 || s.Index >= s.Count) {
		return fmt.Errorf("%w: shard %d/%d: want an index from 0 to %d", ErrInvalidOptions, s.Index, s.Count, max(s.Count-1, 0))
	}
	return nil
}

// PlanShards assigns each input to one of n shards and returns the shard
// index of each. The rule depends only on the inputs' paths and sizes, so
// every machine that lists the same files makes the same split: inputs
// are taken largest first (equal sizes by path, bytewise), each given to
// the shard with the fewest bytes so far (the lowest index on a tie).
// Shards then differ in size by at most the largest input.
func PlanShards(inputs []Input, n int) []int {
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(inputs[b].Size, inputs[a].Size); c != 0 {
			return c
		}
		return strings.Compare(inputs[a].Path, inputs[b].Path)
	})
	shardOf := make([]int, len(inputs))
	load := make([]int64, max(n, 1))
	for _, i := range order {
		least := 0
		for s := range load {
			if load[s] < load[least] {
				least = s
			}
		}
		shardOf[i] = least
		load[least] += max(inputs[i].Size, 0)
	}
	return shardOf
}

// Keep keeps the inputs of one shard, in their order, and the
// failures to report: shard 0 reports those, so that N shards do not
// report one unreadable path N times.
func (s Shard) Keep(inputs []Input, failed []*mapreduce.InputError) ([]Input, []*mapreduce.InputError, error) {
	if s.Count == 0 {
		return inputs, failed, nil
	}
	for _, in := range inputs {
		if in.Path == "-" {
			return nil, nil, fmt.Errorf("%w: standard input cannot be split into shards", ErrInvalidOptions)
		}
	}
	shardOf := PlanShards(inputs, s.Count)
	var mine []Input
	for i, in := range inputs {
		if shardOf[i] == s.Index {
			mine = append(mine, in)
		}
	}
	if s.Index != 0 {
		failed = nil
	}
	return mine, failed, nil
}
