package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/logmr/logmr/fanout"
)

// explode is a named frame that the captured stack must mention.
func explode(v any) { panic(v) }

// goid returns the current goroutine's id from its stack header
// ("goroutine 7 [running]:"), to tell the caller's goroutine from workers.
func goid() string {
	buf := make([]byte, 64)
	return strings.Fields(string(buf[:runtime.Stack(buf, false)]))[1]
}

// catchPanic returns what f panicked with, or nil.
func catchPanic(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestMapPanic(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		collect bool
	}{
		{"inline", 1, false},
		{"inline collect", 1, true},
		{"workers=4", 4, false},
		{"workers=4 collect", 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			await := awaiter(t)
			var started, held, finished atomic.Int64
			caller := goid()
			v := catchPanic(func() {
				fanout.Map(t.Context(), make([]int, 100), fanout.Options{Workers: tt.workers, CollectErrors: tt.collect},
					func(ctx context.Context, i, _ int) (int, error) {
						started.Add(1)
						if i == 5 { // panic once every other worker holds an item
							eventually(func() bool { return held.Load() >= int64(tt.workers-1) })
							explode(errBoom)
						}
						// Hold later items until the panic cancels ctx. Those on
						// worker goroutines then stay a while longer, so a Map
						// that re-panics once its own worker is done is caught.
						if i > 5 {
							held.Add(1)
							if await(ctx) && goid() != caller {
								time.Sleep(5 * time.Millisecond)
							}
						}
						finished.Add(1)
						return i, nil
					})
			})
			pe, ok := v.(*fanout.PanicError)
			if !ok {
				t.Fatalf("Map(...) panicked with %#v, want *fanout.PanicError", v)
			}
			if pe.Value != errBoom || !errors.Is(pe, errBoom) {
				t.Errorf("PanicError.Value = %v, want %v", pe.Value, errBoom)
			}
			if !strings.Contains(string(pe.Stack), "fanout_test.explode") {
				t.Errorf("PanicError.Stack = %s, want it to mention explode", pe.Stack)
			}
			if s, f := started.Load(), finished.Load(); f != s-1 {
				t.Errorf("at re-panic %d of %d other calls had finished, want all", f, s-1)
			}
			if n := started.Load(); n > int64(5+tt.workers) {
				t.Errorf("Map(...) started %d items, want at most %d", n, 5+tt.workers)
			}
		})
	}
}

func TestEachPanic(t *testing.T) {
	v := catchPanic(func() {
		fanout.Each(t.Context(), []string{"a", "b"}, fanout.Options{},
			func(_ context.Context, _ int, s string) error {
				explode(s)
				return nil
			})
	})
	pe, ok := v.(*fanout.PanicError)
	if !ok || (pe.Value != "a" && pe.Value != "b") {
		t.Fatalf("Each(...) panicked with %#v, want *fanout.PanicError holding a or b", v)
	}
}

func TestPanicError(t *testing.T) {
	tests := []struct {
		name   string
		value  any
		unwrap error
	}{
		{"error value", errBoom, errBoom},
		{"string value", "bad thing", nil},
		{"int value", 42, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fanout.PanicError{Value: tt.value, Stack: []byte("goroutine 7 [running]:")}
			if got := p.Unwrap(); got != tt.unwrap {
				t.Errorf("PanicError{%v}.Unwrap() = %v, want %v", tt.value, got, tt.unwrap)
			}
			msg := p.Error()
			for _, want := range []string{fmt.Sprint(tt.value), "goroutine 7 [running]:"} {
				if !strings.Contains(msg, want) {
					t.Errorf("PanicError{%v}.Error() = %q, want it to contain %q", tt.value, msg, want)
				}
			}
		})
	}
}
