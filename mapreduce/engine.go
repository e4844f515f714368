package mapreduce

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/logmr/logmr/fanout"
)

// A Job is a typed map and reduce over inputs of type In with partial
// results of type P.
type Job[In, P any] struct {
	// Map turns one input into a partial result. It runs on many goroutines
	// at once and must stop soon after ctx is cancelled.
	Map func(ctx context.Context, in In) (P, error)
	// Reduce folds next into acc and returns the result. Run calls it on one
	// goroutine at a time, in input order, so it needs to be associative but
	// not commutative, and it may modify and return acc.
	Reduce func(acc, next P) P
	// Name names an input in errors; nil uses fmt.Sprint.
	Name func(in In) string
}

// Options configures Run. The zero value is the sensible default.
type Options struct {
	// Workers is the most inputs mapped at once; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// FailFast makes the first failing input cancel the run. By default a
	// failing input is recorded and the others still finish.
	FailFast bool
	// AnyOrder reduces each partial as soon as it is done instead of in
	// input order. For a commutative Reduce (a count) it gives the same
	// result, and no finished partial waits for a slow earlier input, so
	// memory stays with the running workers.
	AnyOrder bool
}

// An InputError is the failure of one input.
type InputError struct {
	Input string
	Err   error
}

func (e *InputError) Error() string { return e.Input + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// FailedInputs is returned, with a result that covers every other input, when
// some inputs failed and the run was not fail-fast.
type FailedInputs struct {
	Errs []*InputError // in input order
}

func (e *FailedInputs) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("%d input(s) failed: %s", len(e.Errs), strings.Join(msgs, "; "))
}

func (e *FailedInputs) Unwrap() []error {
	errs := make([]error, len(e.Errs))
	for i, err := range e.Errs {
		errs[i] = err
	}
	return errs
}

// Run maps every input with job.Map on at most opts.Workers goroutines and
// reduces the partial results in input order, as soon as each prefix of the
// inputs is done, so partials do not pile up. It returns when every
// goroutine it started has returned.
//
// Errors: a cancelled ctx returns its error. A failing input returns a
// *FailedInputs along with the reduction of the other inputs (the zero P if
// none succeeded); with opts.FailFast it returns that input's *InputError
// and the zero P instead. Panics in Map or Reduce are re-raised in the caller.
func Run[In, P any](ctx context.Context, inputs []In, job Job[In, P], opts Options) (P, error) {
	f := &folder[P]{reduce: job.Reduce, slots: make([]slot[P], len(inputs)), anyOrder: opts.AnyOrder}
	name := job.Name
	if name == nil {
		name = func(in In) string { return fmt.Sprint(in) }
	}
	fopts := fanout.Options{Workers: opts.Workers, CollectErrors: !opts.FailFast}
	err := fanout.Each(ctx, inputs, fopts, func(ctx context.Context, i int, in In) error {
		p, err := job.Map(ctx, in)
		if err != nil && ctx.Err() != nil {
			return ctx.Err() // cancelled: not the input's fault
		}
		if err != nil {
			ierr := &InputError{Input: name(in), Err: err}
			f.fail(i, ierr)
			return ierr
		}
		f.put(i, p)
		return nil
	})
	var zero P
	if ctxErr := ctx.Err(); ctxErr != nil {
		return zero, context.Cause(ctx)
	}
	if errs := f.failures(); len(errs) > 0 && !opts.FailFast {
		return f.acc, &FailedInputs{Errs: errs}
	}
	if err != nil {
		return zero, err // fail-fast: the first input's *InputError
	}
	return f.acc, nil
}

type slot[P any] struct {
	done    bool
	partial P
	err     *InputError // nil when the input succeeded
}

// folder reduces partial results in input order as their prefix completes.
type folder[P any] struct {
	reduce func(acc, next P) P

	mu    sync.Mutex
	slots []slot[P]
	next  int  // slots[:next] are folded into acc
	acc   P    // valid when have
	have  bool // acc holds at least one partial

	anyOrder bool // fold each partial when it is put
}

func (f *folder[P]) put(i int, p P) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.anyOrder {
		f.slots[i].done = true
		f.fold(p)
		return
	}
	f.slots[i] = slot[P]{done: true, partial: p}
	f.advance()
}

func (f *folder[P]) fold(p P) {
	if f.have {
		f.acc = f.reduce(f.acc, p)
	} else {
		f.acc, f.have = p, true
	}
}

func (f *folder[P]) fail(i int, err *InputError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slots[i] = slot[P]{done: true, err: err}
	f.advance()
}

func (f *folder[P]) advance() {
	var zero P
	for ; f.next < len(f.slots) && f.slots[f.next].done; f.next++ {
		s := &f.slots[f.next]
		if s.err != nil || f.anyOrder {
			continue
		}
		f.fold(s.partial)
		s.partial = zero // let the reduced partial go
	}
}

func (f *folder[P]) failures() []*InputError {
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []*InputError
	for _, s := range f.slots {
		if s.err != nil {
			errs = append(errs, s.err)
		}
	}
	return errs
}
