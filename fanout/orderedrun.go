package fanout

import (
	"context"
	"sync/atomic"
)

// ordered is the state of one Ordered call. The fields below streams are
// the consumer's: only the calling goroutine touches them.
type ordered[T, V any] struct {
	ctx     context.Context         // passed to produce; derived from the caller's ctx
	cancel  context.CancelCauseFunc // the first cause wins
	items   []T
	opts    OrderedOptions[V]
	produce func(context.Context, int, T, *Stream[V]) error
	consume func(int, V) error
	ahead   int // opts.Ahead resolved; negative: no limit

	streams []chan V        // streams[i]: item i's values; closed by its worker, or by run if it never started
	gates   []chan struct{} // gates[i] closed by the consumer when item i may start; nil: no limit
	started []bool          // started[i]: item i's worker closes streams[i]; read by run after Each returns
	head    atomic.Int64    // the item being consumed, for Stream.Consuming
	halted  atomic.Bool     // a producer panicked: the rest goes to Discard
	done    chan outcome    // the producers' outcome; sent once by run

	next       int   // the item being consumed
	opened     int   // gates[:opened] are closed
	discarding bool  // consume failed or is panicking: the rest goes to Discard
	consumeErr error // consume's error
	stopped    bool  // stop has received from done
	result     outcome
}

type outcome struct {
	err      error // Each's
	panicked any   // a *PanicError from a producer
}

func newOrdered[T, V any](ctx context.Context, items []T, opts OrderedOptions[V],
	produce func(context.Context, int, T, *Stream[V]) error, consume func(int, V) error) *ordered[T, V] {
	o := &ordered[T, V]{items: items, opts: opts, produce: produce, consume: consume,
		streams: make([]chan V, len(items)), started: make([]bool, len(items)), done: make(chan outcome, 1)}
	o.ctx, o.cancel = context.WithCancelCause(ctx)
	for i := range o.streams {
		o.streams[i] = make(chan V, max(opts.Queue, 1))
	}
	o.ahead = opts.Ahead
	if o.ahead == 0 {
		o.ahead = Options{Workers: opts.Workers}.workers(len(items))
	}
	if o.ahead >= 0 {
		o.gates = make([]chan struct{}, len(items))
		for i := range o.gates {
			o.gates[i] = make(chan struct{})
		}
	}
	return o
}

// run runs the producers with Each and sends the outcome on done once
// every one of them has returned.
func (o *ordered[T, V]) run(opts Options) {
	var out outcome
	defer func() {
		if p := recover(); p != nil {
			out.panicked = p
			o.halted.Store(true)
		}
		// Each has returned: no worker is left to close these.
		for i, started := range o.started {
			if !started {
				close(o.streams[i])
			}
		}
		o.done <- out
	}()
	out.err = Each(o.ctx, o.items, opts, o.item)
}

// item runs produce for item i once its gate is open.
func (o *ordered[T, V]) item(ctx context.Context, i int, item T) error {
	o.started[i] = true
	defer close(o.streams[i])
	if o.gates != nil {
		select {
		case <-o.gates[i]:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	return o.produce(ctx, i, item, &Stream[V]{ctx: ctx, ch: o.streams[i], i: int64(i), head: &o.head})
}

// consumeAll hands every value to consume, or to Discard, item by item.
// After a panic in consume it is called again and goes on where it was.
func (o *ordered[T, V]) consumeAll() {
	for ; o.next < len(o.streams); o.next++ {
		o.head.Store(int64(o.next))
		for ; o.gates != nil && o.opened < len(o.gates) && o.opened <= o.next+o.ahead; o.opened++ {
			close(o.gates[o.opened])
		}
		for v := range o.streams[o.next] {
			o.take(v)
		}
	}
}

func (o *ordered[T, V]) take(v V) {
	if o.discarding || o.halted.Load() {
		if o.opts.Discard != nil {
			o.opts.Discard(o.next, v)
		}
		return
	}
	o.discarding = true // until consume returns: a panic in it leaves the rest to Discard
	if err := o.consume(o.next, v); err != nil {
		o.consumeErr = err
		o.cancel(err)
		return
	}
	o.discarding = false
}

// stop waits for the producers. Called after a panic in consume (or
// Discard), it first stops them and discards what they sent.
func (o *ordered[T, V]) stop() {
	if o.stopped {
		return
	}
	o.stopped = true
	if o.next < len(o.streams) {
		o.discarding = true
		o.cancel(nil)
		o.consumeAll()
	}
	o.result = <-o.done
}
