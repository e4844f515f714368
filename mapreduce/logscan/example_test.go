package logscan_test

import (
	"context"
	"fmt"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// statusCounts is a custom Aggregate: requests per status code.
type statusCounts map[int]int

func (c statusCounts) Add(rec *logparse.Record) { c[rec.Status]++ }

func (c statusCounts) Merge(other statusCounts) {
	for status, n := range other {
		c[status] += n
	}
}

// ScanLogs runs any Aggregate over log files: here, how the robots.txt
// requests were answered.
func ExampleScanLogs() {
	opts := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}
	counts, _, err := logscan.ScanLogs(context.Background(), []string{"../../testdata/logs"},
		func() statusCounts { return statusCounts{} }, opts)
	fmt.Println(counts, err)
	// Output: map[200:10 304:1] <nil>
}
