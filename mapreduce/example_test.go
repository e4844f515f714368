package mapreduce_test

import (
	"context"
	"fmt"

	"github.com/logmr/logmr/mapreduce"
)

// Run is the generic engine: typed map and reduce functions over any inputs.
func ExampleRun() {
	words := []string{"map", "each", "input", "then", "reduce"}
	job := mapreduce.Job[string, int]{
		Map:    func(_ context.Context, w string) (int, error) { return len(w), nil },
		Reduce: func(acc, next int) int { return acc + next },
	}
	total, err := mapreduce.Run(context.Background(), words, job, mapreduce.Options{Workers: 2})
	fmt.Println(total, err)
	// Output: 22 <nil>
}
