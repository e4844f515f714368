package main

import (
	"context"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/mapreduce/report"
	"github.com/urfave/cli/v2"
)

func reportCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write one self-contained HTML page of the matching requests: traffic over time, top paths, hosts, agents",
		ArgsUsage: "PATH...",
		Description: `Reads the logs once and writes one HTML file: the period covered, requests,
distinct client hosts, bytes, malformed lines and inputs read; charts of the
requests per hour stacked by status class, of the bytes per hour and of the
distinct client hosts per day (per day, not per hour, past a week; per month
past 400 days); the top paths, 404 paths, client hosts, referrers, user
agents, status codes, methods and virtual hosts, each with requests, share
and bytes (--top N rows, 10 by default, at most 100). Hours and days are
buckets in --tz, which the page states.

The page needs nothing else: no external script, style, font or image, so it
opens from a mail attachment or on a host without network. Charts are SVG, the
tables sort on a click (the page reads fine without JavaScript), it prints
cleanly and stays under 2 MiB. Text from the logs is escaped and a
Content-Security-Policy lets only the page's own sorting script run.

The numbers are embedded as JSON in <script type="application/json"
id="logmr-data">; -O json prints the same object. Counts are exact (the same
as count and hosts), --cache and --partial/merge work as for count.

HTML is written to -o FILE (atomically: a web server never serves half a
page), or to standard output when it is not a terminal.

Examples:
   logmr report -o report.html /var/log/apache2
   logmr report --since yesterday --until today --tz Europe/Paris -o /var/www/html/stats/index.html /var/log/nginx
   logmr report --cache ~/.cache/logmr --top 25 --title "www.example.com" -o stats.html /var/log/apache2
   logmr report -O json /var/log/apache2 | jq .distinct_hosts`,
		Flags: append(append(queryFlags(outHTML, outJSON),
			&cli.IntFlag{Name: "top", Value: jobs.DefaultReportTop, Usage: "rows per table: the `N` values with the most requests (1 to 100)"},
			&cli.StringFlag{Name: "title", Usage: "the page's heading and title (default: logmr report)"},
			&cli.StringFlag{Name: "memory", Usage: "hold about `SIZE` of counts in memory (e.g. 512M, 2G), past it spill to $TMPDIR (default 192M)"},
		), append(cacheFlags(), partialFlag(), decompressorFlag())...),
		OnUsageError: onUsageError,
		Action:       action(env, validateReport, runReport),
	}
}

// reportOptions are report's flags.
type reportOptions struct {
	aggregateOptions
	report jobs.ReportOptions // --top, --tz, --memory
	title  string
}

func validateReport(c *cli.Context, env *env) (reportOptions, error) {
	a, err := validateAggregate(c, env)
	if err != nil {
		return reportOptions{}, err
	}
	o := reportOptions{aggregateOptions: a, title: c.String("title")}
	if err := checkTitle(o.title); err != nil {
		return o, err
	}
	if a.partial && c.IsSet("title") {
		return o, usagef("--partial writes a partial-result file: --title applies to logmr merge")
	}
	if !a.partial {
		if err := checkReportFormat(a.query.format, a.query.output, env.stdout); err != nil {
			return o, err
		}
	}
	if o.report.Top = c.Int("top"); o.report.Top < 1 || o.report.Top > report.MaxTop {
		return o, usagef("--top %d: want 1 to %d", o.report.Top, report.MaxTop)
	}
	if o.report.TZ, err = parseZone(c); err != nil {
		return o, err
	}
	if c.IsSet("memory") {
		if o.report.Memory, err = parseSize(c.String("memory")); err != nil {
			return o, usagef("--memory: %v", err)
		}
	}
	return o, nil
}

// checkReportFormat refuses what a report cannot write, and a page of
// HTML bound for a terminal.
func checkReportFormat(f outputFormat, output string, stdout io.Writer) error {
	switch {
	case f != outHTML && f != outJSON:
		return usagef("-O %s: a report is html or json", f)
	case f == outHTML && (output == "" || output == "-") && isTerminal(stdout):
		return usagef("a report is an HTML page: give -o FILE (e.g. -o report.html), redirect standard output, or -O json")
	}
	return nil
}

// runReport writes the report page (or its data) of paths' matching
// requests, or its partial result.
func runReport(ctx context.Context, env *env, o reportOptions, paths []string) error {
	partial := func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*jobs.Partial, logscan.Stats, error) {
		return jobs.ReportPartial(ctx, paths, o.report, scan)
	}
	return runAggregate(ctx, env, o.aggregateOptions, paths, partial,
		func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*answer, error) {
			res, err := jobs.RunReport(ctx, paths, o.report, scan)
			if res == nil {
				return nil, err
			}
			data := report.NewData(res, report.Options{Title: o.title, Top: o.report.Top, Failed: failedCount(err), Generated: time.Now()})
			return &answer{stats: &res.Stats, summary: plural(int(res.Requests), "request", "requests") + " reported",
				write: func(w io.Writer, _ bool) error { return writeReport(w, o.query.format, data) }}, err
		})
}

// writeReport writes a report's page, or its data for -O json.
func writeReport(w io.Writer, f outputFormat, data *report.Data) error {
	if f == outJSON {
		return report.WriteJSON(w, data)
	}
	return report.WriteHTML(w, data)
}

// failedCount is the number of inputs a *mapreduce.FailedInputs err names.
func failedCount(err error) int {
	var failed *mapreduce.FailedInputs
	if errors.As(err, &failed) {
		return len(failed.Errs)
	}
	return 0
}

// writeMergedReport writes the report of merged report partials: HTML
// unless -O json (-O text, merge's default, means the page), never HTML
// to a terminal.
func writeMergedReport(ctx context.Context, w io.Writer, merged *jobs.Partial, o mergeOptions, terminal bool) error {
	f := o.format
	if f == outText {
		f = outHTML
	}
	switch {
	case f != outHTML && f != outJSON:
		return usagef("-O %s: a report is html or json", f)
	case f == outHTML && terminal:
		return usagef("a report is an HTML page: give -o FILE (e.g. -o report.html), redirect standard output, or -O json")
	}
	top := o.order.Top
	if top == 0 {
		top = jobs.DefaultReportTop
	}
	if top > report.MaxTop {
		return usagef("--top %d: a report has 1 to %d rows per table", top, report.MaxTop)
	}
	res, err := merged.ReportResult(ctx, jobs.ReportOptions{Top: top})
	if err != nil {
		return err
	}
	data := report.NewData(res, report.Options{Title: o.title, Top: top, Failed: len(merged.Header.Failed), Generated: time.Now()})
	return writeReport(w, f, data)
}

// checkTitle refuses a --title longer than a page shows, rather than cut
// it unasked.
func checkTitle(title string) error {
	if n := utf8.RuneCountInString(title); n > report.MaxTitle {
		return usagef("--title: %d characters; at most %d", n, report.MaxTitle)
	}
	return nil
}
