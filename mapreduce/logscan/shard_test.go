package logscan

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// Every input lands in exactly one shard; shards differ in bytes by at most
// the largest input; the split does not depend on the order inputs are
// listed in.
func TestPlanShards(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 7, 13} {
		for _, count := range []int{0, 1, 5, 40} {
			inputs := make([]Input, count)
			var largest int64
			for i := range inputs {
				inputs[i] = Input{Path: fmt.Sprintf("/logs/access.log.%d.gz", i), Size: rng.Int64N(1 << 20)}
				if i%4 == 0 {
					inputs[i].Size = 4096 // equal sizes: ordered by path
				}
				largest = max(largest, inputs[i].Size)
			}
			shardOf := PlanShards(inputs, n)
			load := make([]int64, n)
			for i, s := range shardOf {
				if s < 0 || s >= n {
					t.Fatalf("n=%d: input %d in shard %d", n, i, s)
				}
				load[s] += inputs[i].Size
			}
			if count > 0 && slices.Max(load)-slices.Min(load) > largest {
				t.Errorf("n=%d, %d inputs: loads %v differ by more than the largest input, %d", n, count, load, largest)
			}
			shuffled := slices.Clone(inputs)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			want := map[string]int{}
			for i, s := range shardOf {
				want[inputs[i].Path] = s
			}
			for i, s := range PlanShards(shuffled, n) {
				if want[shuffled[i].Path] != s {
					t.Fatalf("n=%d: %s in shard %d when listed in another order, %d before", n, shuffled[i].Path, s, want[shuffled[i].Path])
				}
			}
		}
	}
}

// FindInputs with a Shard returns that shard's inputs; the shards together
// are every input once; failures go to shard 0 only.
func TestFindInputsShard(t *testing.T) {
	all, _, err := FindInputs([]string{"../../testdata/logs"}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i := range 3 {
		mine, failed, err := FindInputs([]string{"../../testdata/logs", "../../testdata/missing"}, Selection{Shard: Shard{i, 3}})
		if err != nil {
			t.Fatal(err)
		}
		if (len(failed) == 1) != (i == 0) {
			t.Errorf("shard %d/3 reports %d failures, want 1 in shard 0 only", i, len(failed))
		}
		for _, in := range mine {
			seen[filepath.Base(in.Path)]++
		}
	}
	if len(seen) != len(all) {
		t.Errorf("shards cover %d inputs, want %d", len(seen), len(all))
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s is in %d shards", name, n)
		}
	}
	for _, bad := range []Shard{{3, 3}, {-1, 2}, {0, -1}} {
		if _, _, err := FindInputs([]string{"../../testdata/logs"}, Selection{Shard: bad}); err == nil {
			t.Errorf("shard %v accepted", bad)
		}
	}
	if _, _, err := FindInputs([]string{"-"}, Selection{Shard: Shard{0, 2}}); err == nil {
		t.Error("standard input split into shards")
	}
}
