package fanout_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

func TestMapParentCancelled(t *testing.T) {
	const workers, items = 4, 1000
	tests := []struct {
		name     string
		collect  bool
		cause    error // passed to the parent's cancel
		at       int   // the item that cancels the parent; -1: cancelled before Map
		itemErr  error // what item at returns
		want     []error
		maxCalls int64
	}{
		{"before call", false, nil, -1, nil, []error{context.Canceled}, 0},
		{"before call with cause", false, errCause, -1, nil, []error{errCause}, 0},
		{"before call collect", true, nil, -1, nil, []error{context.Canceled}, 0},
		{"mid-run", false, nil, 10, nil, []error{context.Canceled}, 10 + workers},
		{"mid-run with cause", false, errCause, 10, nil, []error{errCause}, 10 + workers},
		{"mid-run ctx before item error", false, nil, 10, errBoom, []error{context.Canceled}, 10 + workers},
		{"mid-run collect", true, nil, 10, errBoom, []error{errBoom, context.Canceled}, 10 + workers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(t.Context())
			if tt.at < 0 {
				cancel(tt.cause)
			}
			await := awaiter(t)
			var calls atomic.Int64
			start := time.Now()
			err := fanout.Each(ctx, make([]int, items), fanout.Options{Workers: workers, CollectErrors: tt.collect},
				func(ctx context.Context, i, _ int) error {
					calls.Add(1)
					switch {
					case i == tt.at:
						cancel(tt.cause)
						return tt.itemErr
					case i > tt.at:
						await(ctx) // released only by the parent's cancel
					}
					return nil
				})
			if d := time.Since(start); d > time.Second {
				t.Errorf("Each(...) took %v after cancel, want prompt return", d)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Each(...) error = %v, want it to match %v", err, w)
				}
			}
			if n := calls.Load(); n > tt.maxCalls {
				t.Errorf("Each(...) called fn %d times, want at most %d", n, tt.maxCalls)
			}
		})
	}
}

func TestMapDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	await := awaiter(t)
	var calls atomic.Int64
	_, err := fanout.Map(ctx, make([]int, 100), fanout.Options{Workers: 2},
		func(ctx context.Context, _, _ int) (int, error) {
			calls.Add(1)
			await(ctx)
			return 0, ctx.Err() // an item error, but after the parent's
		})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Map(...) error = %v, want %v", err, context.DeadlineExceeded)
	}
	if n := calls.Load(); n > 2 {
		t.Errorf("Map(...) called fn %d times, want at most 2", n)
	}
}
