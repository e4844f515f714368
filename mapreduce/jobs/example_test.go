package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// The built-in hosts job embedded in a Go program: every client that
// fetched /robots.txt, from a directory of rotated plain and gzip logs.
func ExampleHosts() {
	opts := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}
	res, err := jobs.Hosts(context.Background(), []string{"../../testdata/logs"}, opts)
	if err != nil {
		fmt.Println(err) // a *mapreduce.FailedInputs comes with the others' result
		return
	}
	fmt.Println(strings.Join(res.Hosts, " "))
	// Only the lines that hold "/robots.txt" (and a sample of the others)
	// are parsed: the malformed count covers those.
	fmt.Printf("%d lines, %d parsed, %d malformed among them\n", res.Stats.Lines, res.Stats.Parsed, res.Stats.Malformed)
	// Output:
	// 10.0.2.20 192.0.2.4 192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.30 192.0.2.31 2001:db8::1 2001:db8::2 crawl-66-249-66-1.googlebot.com
	// 23 lines, 18 parsed, 3 malformed among them
}

// Requests and bytes per day, in UTC, from the sample logs.
func ExampleCount() {
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByDay}}
	res, err := jobs.Count(context.Background(), []string{"../../testdata/logs"}, co, logscan.ScanOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for row := range res.All() {
		fmt.Println(row.Key[0], row.Requests, row.Bytes)
	}
	// Output:
	// 2026-11-18 3 204
	// 2026-11-19 3 345
	// 2026-11-21 13 7245
}

// The path with the most requests on each day: Top with Per. Days come in
// order, and each day's top paths most requests first.
func ExampleCount_perDay() {
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByDay, jobs.ByPath}, Top: 1, Per: []jobs.CountField{jobs.ByDay}}
	res, err := jobs.Count(context.Background(), []string{"../../testdata/logs"}, co, logscan.ScanOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for row := range res.All() {
		fmt.Println(row.Key[0], row.Key[1], row.Requests)
	}
	// Output:
	// 2026-11-18 /robots.txt 3
	// 2026-11-19 /robots.txt 2
	// 2026-11-21 /robots.txt 6
}

// Two shards of a scaled-out hosts job, written and read back as partial
// files, then merged: the answer of one run, with its failed inputs.
func ExampleMergePartials() {
	ctx := context.Background()
	paths := []string{"../../testdata/logs", "../../testdata/no-such-dir"}
	var parts []*jobs.Partial
	var names []string
	for i := range 2 {
		opts := logscan.ScanOptions{Selection: logscan.Selection{Shard: logscan.Shard{Index: i, Count: 2}}}
		p, _, err := jobs.HostsPartial(ctx, paths, opts)
		if p == nil {
			fmt.Println(err)
			return
		}
		var file bytes.Buffer // a file on the shard's machine
		if _, err := p.WriteTo(&file); err != nil {
			fmt.Println(err)
			return
		}
		name := fmt.Sprintf("shard-%d.partial", i)
		if p, err = jobs.ReadPartial(&file, name); err != nil {
			fmt.Println(err) // not a whole partial, or changed since written
			return
		}
		parts, names = append(parts, p), append(names, name)
	}
	merged, err := jobs.MergePartials(parts, names)
	var failed *mapreduce.FailedInputs
	if errors.As(err, &failed) {
		for _, e := range failed.Errs {
			fmt.Println("failed:", e)
		}
	} else if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := merged.HostsResult()
	fmt.Printf("%d hosts from %d files\n", len(res.Hosts), res.Stats.Inputs)
	// Output:
	// failed: ../../testdata/no-such-dir: no such file or directory
	// 18 hosts from 4 files
}
