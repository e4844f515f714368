package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

// produceN sends item i's values i*100, i*100+1, ..., n of them, with
// jitter so that items finish out of order.
func produceN(n int) func(context.Context, int, int, *fanout.Stream[int]) error {
	return func(_ context.Context, i, _ int, s *fanout.Stream[int]) error {
		for j := range n {
			jitter()
			if err := s.Send(i*100 + j); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestOrderedOrder(t *testing.T) {
	const items, perItem = 50, 20
	var want []int
	for i := range items {
		for j := range perItem {
			want = append(want, i*100+j)
		}
	}
	for _, workers := range []int{1, 2, 3, 8} {
		for _, ahead := range []int{-1, 0, 1, 5} {
			t.Run(fmt.Sprintf("workers=%d ahead=%d", workers, ahead), func(t *testing.T) {
				var got []int
				err := fanout.Ordered(t.Context(), make([]int, items), fanout.OrderedOptions[int]{Workers: workers, Queue: 3, Ahead: ahead},
					produceN(perItem), func(i, v int) error {
						if v/100 != i {
							t.Errorf("consume(%d, %d): value of item %d", i, v, v/100)
						}
						got = append(got, v)
						return nil
					})
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("Ordered(...) consumed %d values (%v), want %d in order", len(got), err, len(want))
				}
			})
		}
	}
}

// With the consumer held on item 0, at most Ahead items past it start,
// each queueing at most Queue values (item 0 one more: the one consume holds).
func TestOrderedBounded(t *testing.T) {
	const workers, queue, ahead = 4, 2, 3
	var started, queued atomic.Int64
	var held atomic.Bool
	held.Store(true)
	gate := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- fanout.Ordered(t.Context(), make([]int, 20), fanout.OrderedOptions[int]{Workers: workers, Queue: queue, Ahead: ahead},
			func(_ context.Context, i, _ int, s *fanout.Stream[int]) error {
				started.Add(1)
				for j := range 10 {
					if i > 0 && s.Consuming() && held.Load() {
						t.Errorf("item %d: Consuming() = true while the consumer is held on item 0", i)
					}
					if err := s.Send(j); err != nil {
						return err
					}
					queued.Add(1)
				}
				return nil
			},
			func(i, _ int) error {
				<-gate
				queued.Add(-1)
				return nil
			})
	}()
	eventually(func() bool { return queued.Load() >= (ahead+1)*queue })
	time.Sleep(10 * time.Millisecond) // give a missing bound the time to show
	// Item 0's queue, the value consume holds, and the items ahead's queues.
	if n, q := started.Load(), queued.Load(); n > ahead+1 || q > (ahead+1)*queue+1 {
		t.Errorf("consumer held: %d items started, %d values queued; want at most %d, %d", n, q, ahead+1, (ahead+1)*queue+1)
	}
	held.Store(false)
	close(gate)
	if err := <-done; err != nil {
		t.Errorf("Ordered(...) = %v, want nil", err)
	}
}

// TrySend never blocks, and Queued tells the producer what a full queue
// holds; Consuming turns true once the consumer reaches the item.
func TestOrderedTrySend(t *testing.T) {
	release := make(chan struct{})
	var got []string
	err := fanout.Ordered(t.Context(), []string{"a", "b"}, fanout.OrderedOptions[string]{Workers: 2, Queue: 2, Ahead: -1},
		func(_ context.Context, i int, item string, s *fanout.Stream[string]) error {
			if i == 0 {
				<-release
				return s.Send(item)
			}
			if s.Consuming() || !s.TrySend("b1") || !s.TrySend("b2") || s.Queued() != 2 || s.TrySend("b3") {
				t.Errorf("item b: Consuming, TrySend, TrySend, Queued, TrySend went wrong on an idle queue of 2")
			}
			close(release)
			eventually(s.Consuming)
			return s.Send("b3")
		},
		func(_ int, v string) error { got = append(got, v); return nil })
	if want := []string{"a", "b1", "b2", "b3"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Ordered(...) consumed %v, %v; want %v, nil", got, err, want)
	}
}

// A consume error stops the producers and is returned; what was sent but
// not consumed goes to Discard.
func TestOrderedConsumeError(t *testing.T) {
	base := runtime.NumGoroutine()
	var sent, consumed, discarded atomic.Int64
	err := fanout.Ordered(t.Context(), make([]int, 100), fanout.OrderedOptions[int]{Workers: 4, Queue: 4,
		Discard: func(int, int) { discarded.Add(1) }},
		func(ctx context.Context, _, _ int, s *fanout.Stream[int]) error {
			for j := 0; ; j++ {
				if err := s.Send(j); err != nil {
					return err
				}
				sent.Add(1)
			}
		},
		func(i, v int) error {
			if consumed.Add(1) == 10 {
				return errBoom
			}
			return nil
		})
	if err != errBoom {
		t.Errorf("Ordered(...) = %v, want %v", err, errBoom)
	}
	if s, c, d := sent.Load(), consumed.Load(), discarded.Load(); c != 10 || c+d != s {
		t.Errorf("sent %d, consumed %d, discarded %d; want 10 consumed, the rest discarded", s, c, d)
	}
	waitGoroutines(t, base)
}

func TestOrderedProduceErrors(t *testing.T) {
	tests := []struct {
		name    string
		collect bool
		want    []error
	}{
		{"fail fast", false, []error{errA}},
		{"collect", true, []error{errA, errB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last int
			err := fanout.Ordered(t.Context(), make([]int, 10), fanout.OrderedOptions[int]{Workers: 1, CollectErrors: tt.collect},
				func(_ context.Context, i, _ int, s *fanout.Stream[int]) error {
					s.Send(i) // sent before the error: still consumed
					switch i {
					case 3:
						return errA
					case 6:
						return errB
					}
					return nil
				},
				func(i, _ int) error { last = i; return nil })
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Ordered(...) = %v, want it to match %v", err, w)
				}
			}
			if want := map[bool]int{false: 3, true: 9}[tt.collect]; last != want {
				t.Errorf("Ordered(...) consumed up to item %d, want %d", last, want)
			}
		})
	}
}

func TestOrderedCancelled(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancelCause(t.Context())
	await := awaiter(t)
	start := time.Now()
	err := fanout.Ordered(ctx, make([]int, 100), fanout.OrderedOptions[int]{Workers: 4, Ahead: -1},
		func(ctx context.Context, i, _ int, s *fanout.Stream[int]) error {
			if i == 2 {
				cancel(errCause)
			}
			await(ctx)
			return s.Send(i) // fails: ctx is done, or the queue has room and it does not matter
		},
		func(int, int) error { return nil })
	if !errors.Is(err, errCause) {
		t.Errorf("Ordered(...) = %v, want %v", err, errCause)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Ordered(...) took %v after cancel, want prompt return", d)
	}
	waitGoroutines(t, base)
}

func TestOrderedPanic(t *testing.T) {
	t.Run("produce", func(t *testing.T) {
		base := runtime.NumGoroutine()
		var running atomic.Int64
		await := awaiter(t)
		v := catchPanic(func() {
			fanout.Ordered(t.Context(), make([]int, 50), fanout.OrderedOptions[int]{Workers: 4},
				func(ctx context.Context, i, _ int, s *fanout.Stream[int]) error {
					running.Add(1)
					defer running.Add(-1)
					if i == 2 {
						explode(errBoom)
					}
					await(ctx)
					return nil
				},
				func(int, int) error { return nil })
		})
		if pe, ok := v.(*fanout.PanicError); !ok || pe.Value != errBoom {
			t.Fatalf("Ordered(...) panicked with %#v, want a *fanout.PanicError holding %v", v, errBoom)
		}
		if n := running.Load(); n != 0 {
			t.Errorf("Ordered(...) panicked with %d producers running, want 0", n)
		}
		waitGoroutines(t, base)
	})
	t.Run("consume", func(t *testing.T) {
		base := runtime.NumGoroutine()
		var running, sent, consumed, discarded atomic.Int64
		v := catchPanic(func() {
			fanout.Ordered(t.Context(), make([]int, 50), fanout.OrderedOptions[int]{Workers: 4,
				Discard: func(int, int) { discarded.Add(1) }},
				func(ctx context.Context, i, _ int, s *fanout.Stream[int]) error {
					running.Add(1)
					defer running.Add(-1)
					for {
						if err := s.Send(i); err != nil {
							return err
						}
						sent.Add(1)
					}
				},
				func(int, int) error {
					if consumed.Add(1) == 5 {
						explode("consume")
					}
					return nil
				})
		})
		if v != "consume" {
			t.Fatalf("Ordered(...) panicked with %#v, want %q", v, "consume")
		}
		if n := running.Load(); n != 0 {
			t.Errorf("Ordered(...) panicked with %d producers running, want 0", n)
		}
		if s, c, d := sent.Load(), consumed.Load(), discarded.Load(); c+d != s {
			t.Errorf("sent %d, consumed %d, discarded %d; want every value sent consumed or discarded", s, c, d)
		}
		waitGoroutines(t, base)
	})
}

func TestOrderedNoItems(t *testing.T) {
	err := fanout.Ordered(t.Context(), nil, fanout.OrderedOptions[int]{},
		func(context.Context, int, int, *fanout.Stream[int]) error { t.Error("produce called"); return nil },
		func(int, int) error { t.Error("consume called"); return nil })
	if err != nil {
		t.Errorf("Ordered(nil) = %v, want nil", err)
	}
}
