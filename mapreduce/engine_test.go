package mapreduce

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// concatJob reduces by string concatenation, which is associative but not
// commutative: only a reduction in input order gives the sequential answer.
func concatJob(fail map[int]error) Job[int, string] {
	return Job[int, string]{
		Map: func(ctx context.Context, in int) (string, error) {
			if in%7 == 0 {
				time.Sleep(time.Millisecond) // let later inputs finish first
			}
			if err := fail[in]; err != nil {
				return "", err
			}
			return strconv.Itoa(in) + ",", nil
		},
		Reduce: func(acc, next string) string { return acc + next },
		Name:   func(in int) string { return "input-" + strconv.Itoa(in) },
	}
}

func sequentialFold(inputs []int, skip map[int]error) string {
	var b strings.Builder
	for _, in := range inputs {
		if skip[in] == nil {
			b.WriteString(strconv.Itoa(in) + ",")
		}
	}
	return b.String()
}

func TestRunEqualsSequentialFold(t *testing.T) {
	inputs := make([]int, 200)
	for i := range inputs {
		inputs[i] = i
	}
	want := sequentialFold(inputs, nil)
	for workers := 1; workers <= 8; workers++ {
		t.Run(fmt.Sprintf("j%d", workers), func(t *testing.T) {
			got, err := Run(context.Background(), inputs, concatJob(nil), Options{Workers: workers})
			if err != nil || got != want {
				t.Fatalf("Run(workers=%d) = %.40q..., %v; want %.40q..., nil", workers, got, err, want)
			}
		})
	}
}

func TestRunCollectsInputErrors(t *testing.T) {
	errBroken := errors.New("broken")
	fail := map[int]error{3: errBroken, 11: errBroken}
	inputs := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	got, err := Run(context.Background(), inputs, concatJob(fail), Options{Workers: 4})
	if want := sequentialFold(inputs, fail); got != want {
		t.Errorf("Run result = %q, want the other inputs %q", got, want)
	}
	var fi *FailedInputs
	if !errors.As(err, &fi) || len(fi.Errs) != 2 {
		t.Fatalf("Run error = %v, want *FailedInputs with 2 errors", err)
	}
	for i, name := range []string{"input-3", "input-11"} {
		if fi.Errs[i].Input != name || !errors.Is(fi.Errs[i], errBroken) {
			t.Errorf("FailedInputs.Errs[%d] = %v, want %s: broken", i, fi.Errs[i], name)
		}
	}
}

func TestRunFailFast(t *testing.T) {
	errBroken := errors.New("broken")
	got, err := Run(context.Background(), []int{1, 2, 3, 4}, concatJob(map[int]error{2: errBroken}),
		Options{Workers: 1, FailFast: true})
	var ie *InputError
	if got != "" || !errors.As(err, &ie) || ie.Input != "input-2" {
		t.Fatalf("Run(FailFast) = %q, %v; want \"\", input-2: broken", got, err)
	}
}

func TestRunCancelledLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{}, 100)
	job := Job[int, int]{
		Map: func(ctx context.Context, in int) (int, error) {
			started <- struct{}{}
			<-ctx.Done()
			return 0, ctx.Err()
		},
		Reduce: func(a, b int) int { return a + b },
	}
	go func() { <-started; cancel() }()
	_, err := Run(ctx, make([]int, 50), job, Options{Workers: 8})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel = %v, want context.Canceled", err)
	}
	waitForGoroutines(t, before)
}

// waitForGoroutines fails unless the goroutine count returns to before:
// Run's own goroutines are gone when it returns, but the runtime may take a
// moment to retire the helper goroutines of a cancelled test.
func waitForGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// With AnyOrder, partials are reduced as they finish: while the first
// input is slow, the others are folded already instead of waiting.
func TestRunAnyOrder(t *testing.T) {
	inputs := []int{0, 1, 2, 3}
	release := make(chan struct{})
	var folded []int
	job := Job[int, []int]{
		Map: func(ctx context.Context, in int) ([]int, error) {
			if in == 0 {
				select {
				case <-release:
				case <-time.After(5 * time.Second): // in input order, it would wait forever
				}
			}
			return []int{in}, nil
		},
		Reduce: func(acc, next []int) []int {
			if len(acc)+len(next) == 4-1 && !slices.Contains(append(acc, next...), 0) {
				folded = append(folded, 3) // the three fast inputs, folded without the slow one
				close(release)
			}
			return append(acc, next...)
		},
	}
	res, err := Run(context.Background(), inputs, job, Options{Workers: 4, AnyOrder: true})
	slices.Sort(res)
	if err != nil || !slices.Equal(res, inputs) || len(folded) != 1 {
		t.Errorf("Run = %v, %v; folded before the slow input: %v", res, err, folded)
	}
}
