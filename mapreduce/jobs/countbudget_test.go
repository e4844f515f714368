package jobs

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// A Counter dropped without being merged (logscan drops the aggregate of
// a reading that failed, such as an ISA-L reading of a cut .gz that is
// then read again in Go) gives its bytes back to the count's budget once
// collected: else the budget keeps them, and every later Counter spills
// as if memory were short.
func TestCounterDroppedReleasesBudget(t *testing.T) {
	newCounter := CountOptions{By: []CountField{ByPath}, Memory: 1 << 30}.counters(&spillFile{}, 0)
	fill := func(c *Counter, n int) {
		for i := range n {
			*c.counts.add(fmt.Appendf(nil, "\x02/p%d\x00\x01", i)) = tally{1, 1}
			c.account()
		}
	}
	kept := newCounter()
	fill(kept, 10)
	mem := kept.mem
	func() {
		dropped := newCounter()
		fill(dropped, 50000)
		if mem.used.Load() <= kept.counts.mem {
			t.Fatal("the dropped Counter's table is not in the budget")
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for mem.used.Load() != kept.counts.mem && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := mem.used.Load(); got != kept.counts.mem {
		t.Errorf("budget used %d after the dropped Counter was collected, want %d (the kept one's)", got, kept.counts.mem)
	}
	runtime.KeepAlive(kept)
}

// With more workers than cores (-j 16 on 2 cores), the Counters filling at
// once hold about the budget, not several times it: each of them spills
// once it holds its share.
func TestCountBudgetMoreWorkersThanCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const limit, workers = 4 << 20, 16
	newCounter := CountOptions{By: []CountField{ByPath}, Memory: limit}.counters(&spillFile{}, workers)
	cs := make([]*Counter, workers)
	for i := range cs {
		cs[i] = newCounter()
	}
	most := int64(0)
	for k := range 200000 {
		for i, c := range cs {
			*c.counts.add(fmt.Appendf(nil, "\x02/w%d/p%d\x00\x01", i, k)) = tally{1, 1}
			c.account()
			most = max(most, c.mem.used.Load())
		}
		if most > 2*limit {
			break
		}
	}
	t.Cleanup(func() { cs[0].spills.close() })
	if most > limit*3/2 {
		t.Errorf("%d Counters held %d bytes at most, budget %d", workers, most, limit)
	}
}
