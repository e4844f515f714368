package filter_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A Filter is a plain value: the hosts that got a 4xx on a path under
// /foo or a robots.txt look-alike, in the 24 hours before a moment.
func ExampleFilter() {
	end := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	opts := logscan.ScanOptions{Filter: filter.Filter{
		Statuses:    []string{"4xx"},
		PathRegexps: []string{`(?i)^/(foo/)?robots\.txt`},
		Since:       end.Add(-24 * time.Hour),
		Until:       end,
	}}
	res, err := jobs.Hosts(context.Background(), []string{"../../testdata/logs"}, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(res.Hosts, " "))
	// Output:
	// 192.0.2.13 192.0.2.14 192.0.2.15
}
