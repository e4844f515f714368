package report_test

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/mapreduce/report"
)

// The report job over a directory of logs, written as the page's data;
// report.WriteHTML(w, data) writes the page itself.
func Example() {
	res, err := jobs.RunReport(context.Background(), []string{"../../testdata/logs"},
		jobs.ReportOptions{Top: 3, TZ: time.UTC}, logscan.ScanOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	data := report.NewData(res, report.Options{Title: "example.org"})
	fmt.Println(data.Requests, "requests from", data.DistinctHosts, "hosts,", data.Malformed, "malformed lines")
	fmt.Println("traffic per", data.Series.Step, "from", data.First, "to", data.Last)
	for _, row := range data.Tables["status"].Rows {
		fmt.Printf("status %s: %d requests (%.0f %%)\n", row.Value, row.Requests, 100*row.Share)
	}
	if err := report.WriteHTML(io.Discard, data); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 19 requests from 18 hosts, 4 malformed lines
	// traffic per hour from 2026-11-18T08:00:00Z to 2026-11-21T10:00:08Z
	// status 200: 12 requests (63 %)
	// status 404: 4 requests (21 %)
	// status 304: 1 requests (5 %)
}
