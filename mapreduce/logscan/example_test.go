package logscan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"

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

// A named Go predicate as a filter: it runs after the built-in conditions,
// and what it drops is counted under its name.
func Example_customFilter() {
	noBots := filter.Func{Name: "no bots", Keep: func(rec *logparse.Record) bool {
		return !bytes.Contains(bytes.ToLower(rec.UserAgent), []byte("bot"))
	}}
	opts := logscan.ScanOptions{Filter: filter.Filter{Statuses: []string{"2xx"}, Funcs: []filter.Func{noBots}}}
	n, st, err := logscan.ScanLogs(context.Background(), []string{"../../testdata/logs"}, func() *recordCount { return new(recordCount) }, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	rejected := st.Rejected()
	fmt.Printf("%d kept of %d lines; dropped: %d by status, %d by %q\n", *n, st.Lines, rejected["status"], rejected[noBots.Name], noBots.Name)
	// Output: 9 kept of 23 lines; dropped: 7 by status, 3 by "no bots"
}

// recordCount counts the records it is given.
type recordCount int

func (c *recordCount) Add(*logparse.Record) { *c++ }
func (c *recordCount) Merge(o *recordCount) { *c += *o }

// Inputs need not be files: an embedder opens each source itself (an
// object in a store, an HTTP body), here gzip and plain text in memory.
// A source that cannot be opened fails as an input, named, and the others
// are still read.
func ExampleScanInputs() {
	line := `192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(line + line))
	zw.Close()
	source := func(data []byte) func(context.Context) (io.ReadCloser, error) {
		return func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	inputs := []logscan.Input{
		{Path: "s3://logs/web1/access.log.2.gz", Size: -1, Open: source(gz.Bytes())},
		{Path: "s3://logs/web2/access.log", Size: -1, Open: source([]byte(line))},
		{Path: "s3://logs/web3/access.log", Size: -1, Open: func(context.Context) (io.ReadCloser, error) {
			return nil, errors.New("403 Forbidden")
		}},
	}
	counts, stats, err := logscan.ScanInputs(context.Background(), inputs, nil,
		func() statusCounts { return statusCounts{} }, logscan.ScanOptions{})
	fmt.Println(counts, stats.Inputs, "inputs read")
	fmt.Println(err)
	// Output:
	// map[200:3] 2 inputs read
	// 1 input(s) failed: s3://logs/web3/access.log: 403 Forbidden
}
