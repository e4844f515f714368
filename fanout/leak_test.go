package fanout_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

// failAt is among the first Workers indices claimed, so it runs while the
// other calls block on ctx.
const failAt = 3

func TestMapNoLeak(t *testing.T) {
	tests := []struct {
		name    string
		collect bool
		parent  func(context.Context) context.Context
		fn      func(await awaitFunc, ctx context.Context, i int) error
	}{
		{"ok", false, nil, func(_ awaitFunc, _ context.Context, _ int) error { jitter(); return nil }},
		{"fail fast", false, nil, func(await awaitFunc, ctx context.Context, i int) error {
			if i == failAt {
				return errBoom
			}
			await(ctx)
			return nil
		}},
		{"collect", true, nil, func(_ awaitFunc, _ context.Context, i int) error {
			if i%3 == 0 {
				return errBoom
			}
			return nil
		}},
		{"cancelled", false, cancelledAt, func(await awaitFunc, ctx context.Context, _ int) error { await(ctx); return nil }},
		{"panic", false, nil, func(await awaitFunc, ctx context.Context, i int) error {
			if i == failAt {
				explode(i)
			}
			await(ctx)
			return nil
		}},
		{"panic collect", true, nil, func(await awaitFunc, ctx context.Context, i int) error {
			if i == failAt {
				explode(i)
			}
			await(ctx)
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			ctx := t.Context()
			if tt.parent != nil {
				ctx = tt.parent(ctx)
			}
			await := awaiter(t)
			var running atomic.Int64
			catchPanic(func() {
				fanout.Each(ctx, make([]int, 200), fanout.Options{Workers: 8, CollectErrors: tt.collect},
					func(ctx context.Context, i, _ int) error {
						running.Add(1)
						defer running.Add(-1)
						return tt.fn(await, ctx, i)
					})
			})
			if n := running.Load(); n != 0 {
				t.Errorf("Each(...) returned with %d calls still running, want 0", n)
			}
			waitGoroutines(t, base)
		})
	}
}

// cancelledAt returns a child of ctx that is cancelled shortly after.
func cancelledAt(ctx context.Context) context.Context {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
	_ = cancel // the timeout releases it
	return ctx
}

// waitGoroutines waits for the goroutine count to fall back to base. A
// worker has called wg.Done before its goroutine is gone, so the runtime may
// lag a little behind Map's return.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		t.Errorf("runtime.NumGoroutine() = %d after Each returned, want %d", n, base)
	}
}
