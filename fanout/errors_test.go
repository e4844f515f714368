package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

var (
	errBoom  = errors.New("boom")
	errA     = errors.New("a")
	errB     = errors.New("b")
	errC     = errors.New("c")
	errCause = errors.New("cause")
)

func TestMapFailFastStops(t *testing.T) {
	var called []int // Workers: 1, so no lock is needed
	got, err := fanout.Map(t.Context(), []int{10, 11, 12, 13, 14, 15}, fanout.Options{Workers: 1},
		func(_ context.Context, i, item int) (int, error) {
			called = append(called, i)
			if i == 3 {
				return item, fmt.Errorf("item %d: %w", i, errBoom)
			}
			return item, nil
		})
	if !errors.Is(err, errBoom) {
		t.Errorf("Map(...) error = %v, want %v", err, errBoom)
	}
	if want := []int{0, 1, 2, 3}; !slices.Equal(called, want) {
		t.Errorf("Map(...) called items %v, want %v", called, want)
	}
	if want := []int{10, 11, 12, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("Map(...) = %v, want %v", got, want)
	}
}

func TestMapFailFastCancelsOthers(t *testing.T) {
	const workers = 4
	await := awaiter(t)
	var calls atomic.Int64
	var mu sync.Mutex
	var causes []error // what the calls still running saw
	err := fanout.Each(t.Context(), make([]int, 100), fanout.Options{Workers: workers},
		func(ctx context.Context, i, _ int) error {
			calls.Add(1)
			if i == 0 {
				return errBoom
			}
			await(ctx) // only the first error can release this
			mu.Lock()
			defer mu.Unlock()
			causes = append(causes, context.Cause(ctx))
			return ctx.Err()
		})
	if err != errBoom {
		t.Errorf("Each(...) error = %v, want %v", err, errBoom)
	}
	if n := calls.Load(); n > workers {
		t.Errorf("Each(...) called fn %d times, want at most %d", n, workers)
	}
	for _, c := range causes {
		if c != errBoom {
			t.Errorf("context.Cause(ctx) in other call = %v, want %v", c, errBoom)
		}
	}
}

func TestMapCollectErrors(t *testing.T) {
	tests := []struct {
		name string
		fail map[int]error // item index -> error it returns
		want []error       // in input order
	}{
		{"no errors", nil, nil},
		{"some errors", map[int]error{7: errC, 2: errA, 5: errB}, []error{errA, errB, errC}},
		{"first and last", map[int]error{0: errA, 9: errB}, []error{errA, errB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls, cancelled atomic.Int64
			got, err := fanout.Map(t.Context(), make([]int, 10), fanout.Options{Workers: 4, CollectErrors: true},
				func(ctx context.Context, i, _ int) (int, error) {
					calls.Add(1)
					time.Sleep(time.Duration(10-i) * 100 * time.Microsecond) // finish out of order
					if ctx.Err() != nil {
						cancelled.Add(1)
					}
					if e := tt.fail[i]; e != nil {
						return i, fmt.Errorf("item %d: %w", i, e)
					}
					return i, nil
				})
			if calls.Load() != 10 || cancelled.Load() != 0 {
				t.Errorf("Map(...) ran %d items, %d saw ctx cancelled, want 10, 0", calls.Load(), cancelled.Load())
			}
			checkJoined(t, err, tt.want)
			for i, r := range got {
				want := i
				if tt.fail[i] != nil {
					want = 0 // the zero R where fn failed
				}
				if r != want {
					t.Errorf("Map(...)[%d] = %d, want %d", i, r, want)
				}
			}
		})
	}
}

// checkJoined checks that err joins errors matching want, in that order.
func checkJoined(t *testing.T, err error, want []error) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("Map(...) error = %v, want nil", err)
		}
		return
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Map(...) error = %#v, want an errors.Join", err)
	}
	got := joined.Unwrap()
	if len(got) != len(want) {
		t.Fatalf("Map(...) joined %d errors (%v), want %d", len(got), err, len(want))
	}
	for i, w := range want {
		if !errors.Is(got[i], w) {
			t.Errorf("Map(...) joined error %d = %v, want %v", i, got[i], w)
		}
	}
}
