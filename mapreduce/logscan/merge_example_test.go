package logscan_test

import (
	"context"
	"fmt"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// Merge hands out the records of a rotated chain (access.log.3.gz …
// access.log) by time, oldest file first, with the file each came from.
func ExampleMerge() {
	opts := logscan.MergeOptions{SortByTime: true,
		ScanOptions: logscan.ScanOptions{Filter: filter.Filter{Statuses: []string{"404"}}}}
	m := logscan.Merge(context.Background(), []string{"../../testdata/logs"}, opts)
	defer m.Close()
	for m.Next() {
		e := m.Entry()
		fmt.Println(e.Source, e.Record.Timestamp().Format("2006-01-02 15:04:05"), string(e.Record.Host))
	}
	st := m.Stats()
	fmt.Println(m.Err(), st.Inputs, st.Matched, st.Late)
	// Output:
	// ../../testdata/logs/access.log.2.gz 2026-11-19 08:00:02 192.0.2.21
	// ../../testdata/logs/access.log.1 2026-11-20 23:00:00 192.0.2.13
	// ../../testdata/logs/access.log.1 2026-11-20 23:00:01 192.0.2.14
	// ../../testdata/logs/access.log.1 2026-11-20 23:00:02 192.0.2.15
	// <nil> 4 4 0
}
