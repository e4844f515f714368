package fanout

import (
	"context"
	"runtime"
)

// Options configures Map and Each. The zero value is the sensible default.
type Options struct {
	// Workers is the most goroutines running fn at once. 0 (or a negative
	// value) means runtime.GOMAXPROCS(0). It is capped at len(items).
	Workers int

	// CollectErrors selects the error policy.
	//
	// false (default): fail fast. The first error cancels the context passed
	// to the other calls, items not yet started are not started, and Map
	// returns that first error.
	//
	// true: every item runs whatever the others return, and Map returns
	// errors.Join of every item's error in input order (nil if none).
	CollectErrors bool
}

// workers is the number of workers to run for n > 0 items.
func (o Options) workers(n int) int {
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return min(w, n)
}

// Map calls fn(ctx, i, items[i]) for every item on at most opts.Workers
// goroutines and returns the results in input order: results[i] is fn's
// result for items[i], or the zero R where fn failed or did not run. The
// results slice is always non-nil, has len(items) and belongs to the caller.
//
// Map blocks until every call of fn has returned. It runs one worker on the
// calling goroutine and starts opts.Workers-1 more (after capping), so
// Workers: 1 starts no goroutine. Workers claim the next index from an
// atomic counter, so no worker ever blocks waiting for work. Map allocates
// the results and, with CollectErrors, one error slot per item.
//
// The context passed to fn is derived from ctx. It is cancelled when Map
// returns, on any panic in fn, and in fail-fast mode on the first error.
//
// Every worker checks the context before starting an item, so once ctx is
// cancelled no further item starts, and calls already running are expected
// to notice the context and return. Then, in fail-fast mode, Map returns
// the first item error if it came before the cancellation, otherwise
// context.Cause(ctx) (ctx.Err() where no cause was set). With
// CollectErrors, Map returns errors.Join of the item errors in input order
// followed by context.Cause(ctx). A ctx cancelled after every item has
// run does not make Map fail.
//
// If fn panics, Map cancels the other calls (under either policy), waits
// for every worker, and then panics in the caller's goroutine with a
// *PanicError holding the first panic's value and stack. A panic is never
// turned into an error.
//
// With no items, Map returns an empty non-nil slice and a nil error without
// calling fn or starting a goroutine, even if ctx is already cancelled.
func Map[T, R any](ctx context.Context, items []T, opts Options, fn func(ctx context.Context, i int, item T) (R, error)) ([]R, error) {
	if len(items) == 0 {
		return []R{}, nil
	}
	r := newRun(ctx, items, opts.CollectErrors, fn)
	defer r.cancel(nil)
	r.start(opts.workers(len(items)))
	if p := r.panicked.Load(); p != nil {
		panic(p)
	}
	return r.results, r.err()
}

// Each is Map without results: it calls fn(ctx, i, items[i]) for every item
// with the same bounds, error policy, cancellation and panic behaviour, and
// blocks until every call has returned.
func Each[T any](ctx context.Context, items []T, opts Options, fn func(ctx context.Context, i int, item T) error) error {
	_, err := Map(ctx, items, opts, func(ctx context.Context, i int, item T) (struct{}, error) {
		return struct{}{}, fn(ctx, i, item)
	})
	return err
}
