package fanout

import (
	"context"
	"sync/atomic"
)

// OrderedOptions configures Ordered. The zero value is the sensible default.
type OrderedOptions[V any] struct {
	// Workers is the most goroutines running produce at once. 0 (or a
	// negative value) means runtime.GOMAXPROCS(0). It is capped at
	// len(items).
	Workers int

	// CollectErrors selects the error policy for produce's errors, as
	// Options.CollectErrors does for Map's fn.
	CollectErrors bool

	// Queue is how many values one item's Stream holds before Send blocks.
	// 0 (or a negative value) means 1.
	Queue int

	// Ahead is the most items started past the one being consumed, so
	// the values waiting are at most (Ahead+1)*Queue. 0 means Workers;
	// negative means no limit: a producer that keeps its excess elsewhere
	// (on disk, say, once Stream.TrySend fails) may move on to later items
	// while the consumer is held on an earlier one.
	Ahead int

	// Discard, if set, is called on the calling goroutine with every value
	// sent that consume will not see because the call is stopping (consume
	// failed or panicked, produce panicked), so that what the value holds
	// can be released.
	Discard func(i int, v V)
}

// Ordered calls produce(ctx, i, items[i], s) for every item on at most
// opts.Workers goroutines, each sending item i's values on its Stream s,
// and calls consume(i, v) on the calling goroutine with item 0's values in
// the order they were sent, then item 1's, and so on: the output does not
// depend on the number of workers.
//
// Who waits for whom: consume waits for the item it is on; a producer
// waits in Send while its item's queue is full, and before starting while
// its item is more than opts.Ahead past the one being consumed; no
// producer waits for a later item, so the run cannot deadlock. Items are
// started in order. Ordered returns once every produce call has returned
// and every value sent has gone to consume or opts.Discard.
//
// Errors: the context passed to produce is derived from ctx and is
// cancelled when Ordered returns, on any panic, when consume returns an
// error, and in fail-fast mode on produce's first error. Values sent
// before then are still consumed, unless consume failed or a producer
// panicked (they go to opts.Discard). Ordered returns
// consume's error if it failed, else what Each would return for produce's
// errors and ctx under opts.CollectErrors.
//
// A panic in produce stops the run, and Ordered panics in the caller's
// goroutine with a *PanicError once every producer has returned; a panic
// in consume propagates after the same wait. Neither becomes an error.
//
// Cost: opts.Workers goroutines (none on the calling goroutine, which
// consumes), a Stream and a channel of opts.Queue values per item, and
// with a limit on Ahead a gate channel per item.
func Ordered[T, V any](ctx context.Context, items []T, opts OrderedOptions[V],
	produce func(ctx context.Context, i int, item T, s *Stream[V]) error,
	consume func(i int, v V) error) error {
	if len(items) == 0 {
		return nil
	}
	o := newOrdered(ctx, items, opts, produce, consume)
	defer o.cancel(nil)
	go o.run(Options{Workers: opts.Workers, CollectErrors: opts.CollectErrors})
	defer o.stop() // after a panic in consume: discard the rest, wait for the producers
	o.consumeAll()
	o.stop()
	if o.result.panicked != nil {
		panic(o.result.panicked)
	}
	if o.consumeErr != nil {
		return o.consumeErr
	}
	return o.result.err
}

// A Stream carries one item's values from its producer to the consumer.
// Only that item's produce call may use it, and only until it returns.
type Stream[V any] struct {
	ctx  context.Context // produce's
	ch   chan V          // closed by the item's worker when produce returns
	i    int64
	head *atomic.Int64
}

// Send queues v for the consumer, waiting while the queue is full. It
// returns context.Cause(ctx) of produce's ctx if that is done first; v is
// then not sent.
func (s *Stream[V]) Send(v V) error {
	select {
	case s.ch <- v:
		return nil
	case <-s.ctx.Done():
		return context.Cause(s.ctx)
	}
}

// TrySend queues v if the queue has room, and reports whether it did. It
// never blocks.
func (s *Stream[V]) TrySend(v V) bool {
	select {
	case s.ch <- v:
		return true
	default:
		return false
	}
}

// Queued returns how many values sent are still waiting for the consumer.
// Only the producer sends, so with Queued() < Queue-n the next n+1 sends
// cannot block: a producer may keep places for values it must never wait
// to send.
func (s *Stream[V]) Queued() int { return len(s.ch) }

// Consuming reports whether the consumer has come to this item: its values
// now go straight on, and a producer that set values aside (spilled them)
// while it waited should send them now.
func (s *Stream[V]) Consuming() bool { return s.head.Load() == s.i }
