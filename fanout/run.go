package fanout

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// run is the state of one Map call, shared by its workers.
//
// Fields written by several workers are atomic. results[i] and errs[i] are
// written only by the worker that claimed index i and read by Map only
// after every worker has returned, so they need no lock.
type run[T, R any] struct {
	ctx     context.Context         // passed to fn; derived from the caller's ctx
	cancel  context.CancelCauseFunc // the first cause wins: item error, panic or the parent's
	items   []T
	fn      func(context.Context, int, T) (R, error)
	collect bool

	results []R     // results[i] is set only when fn succeeded for items[i]
	errs    []error // one slot per item with CollectErrors, else nil

	next     atomic.Int64               // next index to claim; overshoots len(items) by up to one per worker
	failed   atomic.Bool                // fail-fast: some item returned an error
	skipped  atomic.Bool                // a worker found ctx done with items left to start
	panicked atomic.Pointer[PanicError] // the first panic, re-raised by Map
	wg       sync.WaitGroup             // the goroutines started by start
}

func newRun[T, R any](ctx context.Context, items []T, collect bool, fn func(context.Context, int, T) (R, error)) *run[T, R] {
	r := &run[T, R]{items: items, fn: fn, collect: collect, results: make([]R, len(items))}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	if collect {
		r.errs = make([]error, len(items))
	}
	return r
}

// start runs workers-1 goroutines plus one worker on the calling goroutine
// and returns when all of them have. The wait is deferred so that a
// runtime.Goexit in fn on the calling goroutine (t.FailNow) still leaves no
// worker running.
func (r *run[T, R]) start(workers int) {
	defer r.wg.Wait()
	for range workers - 1 {
		r.wg.Go(r.work)
	}
	r.work()
}

// work claims indices until none are left or the context is done. Claiming
// from a counter rather than a channel means a worker never blocks on a
// send or receive, whatever the others do.
func (r *run[T, R]) work() {
	for {
		i := int(r.next.Add(1) - 1)
		if i >= len(r.items) {
			return
		}
		if r.ctx.Err() != nil {
			r.skipped.Store(true)
			return
		}
		r.call(i)
	}
}

// call runs fn for item i and records its outcome.
func (r *run[T, R]) call(i int) {
	defer r.catch()
	res, err := r.fn(r.ctx, i, r.items[i])
	if err != nil {
		r.fail(i, err)
		return
	}
	r.results[i] = res
}

func (r *run[T, R]) fail(i int, err error) {
	if r.collect {
		r.errs[i] = err
		return
	}
	r.failed.Store(true)
	r.cancel(err) // a no-op if the parent or another item got there first
}

// catch recovers a panic in fn so that the worker can stop the others and
// Map can re-raise it once they have all returned. It must be deferred
// directly: recover only works there.
func (r *run[T, R]) catch() {
	v := recover()
	if v == nil {
		return
	}
	p := &PanicError{Value: v, Stack: debug.Stack()}
	r.panicked.CompareAndSwap(nil, p)
	r.cancel(p)
}

// err is Map's error under the chosen policy. It must be called after every
// worker has returned and before r.cancel(nil), which would hide the cause.
func (r *run[T, R]) err() error {
	if r.collect {
		errs := r.errs
		if r.skipped.Load() {
			errs = append(errs, context.Cause(r.ctx))
		}
		return errors.Join(errs...)
	}
	if r.failed.Load() || r.skipped.Load() {
		// Whichever cancelled r.ctx first, an item or the parent, is the cause.
		return context.Cause(r.ctx)
	}
	return nil
}
