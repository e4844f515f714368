package fanout_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

// jitter makes workers finish out of order: sometimes a short sleep,
// sometimes a yield, mostly nothing.
func jitter() {
	switch rand.IntN(8) {
	case 0:
		time.Sleep(time.Duration(rand.IntN(50)) * time.Microsecond)
	case 1, 2:
		runtime.Gosched()
	}
}

func TestMapOrder(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i * 7
	}
	for workers := 1; workers <= 8; workers++ {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			got, err := fanout.Map(t.Context(), items, fanout.Options{Workers: workers},
				func(_ context.Context, i, item int) (string, error) {
					jitter()
					return fmt.Sprint(i, ":", item), nil
				})
			if err != nil {
				t.Fatalf("Map(...) error = %v, want nil", err)
			}
			if len(got) != len(items) {
				t.Fatalf("len(Map(...)) = %d, want %d", len(got), len(items))
			}
			for i, item := range items { // the sequential fold
				if want := fmt.Sprint(i, ":", item); got[i] != want {
					t.Fatalf("Map(...)[%d] = %q, want %q", i, got[i], want)
				}
			}
		})
	}
}

func TestMapEmpty(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		items []int
	}{
		{"nil items", t.Context(), nil},
		{"empty items", t.Context(), []int{}},
		{"cancelled ctx", cancelled, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fanout.Map(tt.ctx, tt.items, fanout.Options{},
				func(context.Context, int, int) (int, error) {
					t.Error("fn called for no items")
					return 0, nil
				})
			if got == nil || len(got) != 0 || err != nil {
				t.Errorf("Map(%v) = %#v, %v, want []int{}, nil", tt.items, got, err)
			}
		})
	}
}

// gauge tracks how many calls run at once and the most seen.
type gauge struct{ cur, max atomic.Int64 }

// enter counts a call in and, until the first time want calls have run at
// once, holds it so that a pool with at least want workers reaches want.
func (g *gauge) enter(want int64) {
	n := g.cur.Add(1)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
	eventually(func() bool { return g.max.Load() >= want })
}

// eventually polls cond until it holds or a second has passed.
func eventually(cond func() bool) {
	for deadline := time.Now().Add(time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Microsecond)
	}
}

func (g *gauge) leave() { g.cur.Add(-1) }

// awaitFunc blocks until ctx is done and reports whether it was.
type awaitFunc = func(ctx context.Context) bool

// awaiter returns a func that blocks until a ctx is done and reports
// whether it was. All its calls share one 2s bound, so a missing
// cancellation fails the test quickly instead of hanging it.
func awaiter(t *testing.T) awaitFunc {
	limit, stop := context.WithTimeout(context.Background(), 2*time.Second)
	t.Cleanup(stop)
	return func(ctx context.Context) bool {
		select {
		case <-ctx.Done():
			return true
		case <-limit.Done():
			t.Error("ctx passed to fn was not cancelled within 2s")
			return false
		}
	}
}

func TestMapConcurrency(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // make the default known
	tests := []struct {
		name           string
		workers, items int
		want           int64
	}{
		{"default is GOMAXPROCS", 0, 100, 4},
		{"negative is default", -3, 100, 4},
		{"default capped by items", 0, 3, 3},
		{"one", 1, 50, 1},
		{"explicit", 2, 100, 2},
		{"more than GOMAXPROCS", 8, 100, 8},
		{"explicit capped by items", 16, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g gauge
			_, err := fanout.Map(t.Context(), make([]int, tt.items), fanout.Options{Workers: tt.workers},
				func(context.Context, int, int) (int, error) {
					g.enter(tt.want)
					defer g.leave()
					jitter()
					return 0, nil
				})
			if err != nil {
				t.Fatalf("Map(...) error = %v, want nil", err)
			}
			if got := g.max.Load(); got != tt.want {
				t.Errorf("Map(Workers: %d, %d items) ran %d at once, want %d", tt.workers, tt.items, got, tt.want)
			}
		})
	}
}

func BenchmarkMap(b *testing.B) {
	items := make([]int, 1024)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = fanout.Map(b.Context(), items, fanout.Options{}, func(_ context.Context, i, _ int) (int, error) {
			return i * i, nil
		})
	}
}
