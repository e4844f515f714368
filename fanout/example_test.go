package fanout_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/logmr/logmr/fanout"
)

func ExampleMap() {
	nums := []int{1, 2, 3, 4, 5}
	squares, err := fanout.Map(context.Background(), nums, fanout.Options{Workers: 2},
		func(_ context.Context, _ int, n int) (int, error) {
			return n * n, nil
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(squares)
	// Output: [1 4 9 16 25]
}

// With CollectErrors every item runs, and the errors come back joined in
// input order whatever order the workers finished in.
func ExampleMap_collectErrors() {
	fields := []string{"200", "x", "404", "5O0"}
	codes, err := fanout.Map(context.Background(), fields, fanout.Options{CollectErrors: true},
		func(_ context.Context, i int, s string) (int, error) {
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, fmt.Errorf("field %d: %w", i, err)
			}
			return n, nil
		})
	fmt.Println(codes)
	fmt.Println(err)
	// Output:
	// [200 0 404 0]
	// field 1: strconv.Atoi: parsing "x": invalid syntax
	// field 3: strconv.Atoi: parsing "5O0": invalid syntax
}

func ExampleEach() {
	var total atomic.Int64
	err := fanout.Each(context.Background(), []int64{3, 4, 5}, fanout.Options{},
		func(_ context.Context, _ int, n int64) error {
			total.Add(n)
			return nil
		})
	fmt.Println(total.Load(), err)
	// Output: 12 <nil>
}

// Each item's values come out in item order, whichever worker finished
// first.
func ExampleOrdered() {
	words := []string{"one two", "three", "four five six"}
	err := fanout.Ordered(context.Background(), words, fanout.OrderedOptions[string]{Workers: 3, Queue: 2},
		func(_ context.Context, _ int, line string, s *fanout.Stream[string]) error {
			for _, w := range strings.Fields(line) {
				if err := s.Send(strings.ToUpper(w)); err != nil {
					return err
				}
			}
			return nil
		},
		func(i int, w string) error {
			fmt.Println(i, w)
			return nil
		})
	fmt.Println(err)
	// Output:
	// 0 ONE
	// 0 TWO
	// 1 THREE
	// 2 FOUR
	// 2 FIVE
	// 2 SIX
	// <nil>
}
