package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

func countCommand(env *env) *cli.Command {
	fields := make([]string, len(jobs.CountFields))
	for i, f := range jobs.CountFields {
		fields[i] = string(f)
	}
	return &cli.Command{
		Name:      "count",
		Usage:     "count requests and bytes per key (--by): by time for hour and day, else most requests first",
		ArgsUsage: "PATH...",
		Description: `Groups the matching requests by the --by fields and prints, per key, the
number of requests and the bytes sent ("-" counts as 0). Fields: ` + strings.Join(fields, ", ") + `.
hour and day are buckets in --tz (the local zone by default, as bare
--since/--until dates are), so a day means the same hours whatever offset
each line was logged in. A record without a field ("-", no time) counts under
an empty key (null in JSON).

--sort orders the rows: key (the --by fields in order: hour and day by time,
status numerically, the rest bytewise, an empty key first), requests or bytes
(most first, ties by key). The default is key when --by has hour or day, else
requests.

Counts are exact: each file is counted into a table of its own and the tables
are merged; memory grows with the number of distinct keys, not with the logs,
up to --memory (192M by default; the process takes up to about twice that).
Past it, counts are written, sorted, to temporary files in $TMPDIR, which are
merged at the end: a count of any number of keys fits in memory, at the cost
of disk space about the size of its output. A temporary file that cannot be
written (a full disk) fails the count.
--top N keeps the N keys with the most requests, exactly (cut after merging),
and prints them in --sort order. With --per FIELDS (some of the --by fields)
it keeps the N keys with the most requests within each group of those
fields: groups come in key order, each group's rows in --sort order (by
requests unless an hour or day field varies within the group).

Examples:
   logmr count --by status /var/log/apache2
   logmr count --by host --top 20 --status 404 /var/log/nginx
   logmr count --by day --since -6d --until now /var/log/apache2
   logmr count --by hour,path --status 500 --top 10 --per hour --since yesterday --until today /var/log/apache2
   logmr count --by day,status_class --tz Europe/Paris -O csv -o daily.csv /var/log/apache2
   logmr count --by user_agent --path /wp-login.php --since 2026-11-21 --top 10 /var/log/apache2`,
		Flags: append(append(queryFlags(outText, outJSON, outJSONL, outCSV, outTSV),
			&cli.StringSliceFlag{Name: "by", Usage: "group by these `FIELDS`, comma-separated: " + strings.Join(fields, ", ")},
			&cli.IntFlag{Name: "top", Usage: "print only the `N` keys with the most requests (0: all), in --sort order"},
			&cli.StringSliceFlag{Name: "per", Usage: "with --top N: the N keys with the most requests within each group of these --by `FIELDS`, comma-separated"},
			sortFlag(),
			&cli.BoolFlag{Name: "human", Usage: "-O text: thousands separators and bytes in KiB, MiB, GiB"},
			&cli.StringFlag{Name: "memory", Usage: "hold about `SIZE` of counts in memory (e.g. 512M, 2G), past it spill to $TMPDIR (default 192M)"},
		), append(cacheFlags(), partialFlag(), decompressorFlag())...),
		OnUsageError: onUsageError,
		Action:       action(env, validateCount, runCount),
	}
}

// countOptions are count's flags.
type countOptions struct {
	aggregateOptions
	count jobs.CountOptions // --by, --top, --per, --sort, --tz
	human bool
}

func validateCount(c *cli.Context, env *env) (countOptions, error) {
	a, err := validateAggregate(c, env)
	if err != nil {
		return countOptions{}, err
	}
	co, err := parseCountOptions(c)
	return countOptions{aggregateOptions: a, count: co, human: c.Bool("human")}, err
}

// runCount prints the requests and bytes per key of paths' matching
// requests, or writes them as a partial result.
func runCount(ctx context.Context, env *env, o countOptions, paths []string) error {
	partial := func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*jobs.Partial, logscan.Stats, error) {
		return jobs.CountPartial(ctx, paths, o.count, scan)
	}
	return runAggregate(ctx, env, o.aggregateOptions, paths, partial,
		func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*answer, error) {
			res, err := jobs.Count(ctx, paths, o.count, scan)
			if res == nil {
				return nil, err
			}
			return &answer{stats: &res.Stats, summary: plural(res.Len(), "row", "rows"), write: func(w io.Writer, terminal bool) error {
				return o.query.format.writeCount(w, res, writeOptions{terminal: terminal, human: o.human, csvSafe: o.query.csvSafe})
			}}, err
		})
}

func parseCountOptions(c *cli.Context) (jobs.CountOptions, error) {
	var co jobs.CountOptions
	by, err := splitCommas(c, "by")
	if err != nil {
		return co, err
	}
	for _, f := range by {
		co.By = append(co.By, jobs.CountField(f))
	}
	if len(co.By) == 0 {
		return co, usagef("--by is required: e.g. --by status or --by host,day")
	}
	if err := checkBy(co.By); err != nil {
		return co, err
	}
	if co.TZ, err = parseZone(c); err != nil {
		return co, err
	}
	order, err := parseCountOrder(c)
	if err != nil {
		return co, err
	}
	co.Top, co.Per, co.Sort = order.Top, order.Per, order.Sort
	if c.IsSet("memory") {
		if co.Memory, err = parseSize(c.String("memory")); err != nil {
			return co, usagef("--memory: %v", err)
		}
	}
	return co, checkPer(co.Per, co.By)
}

// parseSize reads a number of bytes with an optional unit: K, M, G or T,
// powers of 1024, also written KB or KiB.
func parseSize(s string) (int64, error) {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	unit := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(s[i:]), "B"), "I")
	shift := 0
	if unit != "" {
		shift = 10 * (1 + strings.Index("KMGT", unit)) // 0 for an unknown unit
	}
	if err != nil || len(unit) > 1 || unit != "" && shift == 0 || n <= 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("%q: want a size such as 512M or 2G", s)
	}
	return n << shift, nil
}

// checkBy refuses, as jobs.Count would, a --by field that is unknown or
// given twice.
func checkBy(by []jobs.CountField) error {
	for i, f := range by {
		if !slices.Contains(jobs.CountFields, f) {
			return usagef("--by: unknown field %q (want one of %v)", f, jobs.CountFields)
		}
		if slices.Contains(by[:i], f) {
			return usagef("--by: field %q given twice", f)
		}
	}
	return nil
}

// sortFlag is --sort, of count and merge.
func sortFlag() cli.Flag {
	sorts := make([]string, len(jobs.CountSorts))
	for i, s := range jobs.CountSorts {
		sorts[i] = string(s)
	}
	return &cli.StringFlag{Name: "sort", Usage: "order rows by `ORDER`: " + strings.Join(sorts, ", ") +
		" (default: key when --by has hour or day, else requests)"}
}

// parseCountOrder reads --top, --per and --sort (of count and merge); checkPer checks --per
// against the count's fields.
func parseCountOrder(c *cli.Context) (jobs.CountOrder, error) {
	o := jobs.CountOrder{Top: c.Int("top"), Sort: jobs.CountSort(c.String("sort"))}
	if o.Top < 0 {
		return o, usagef("--top %d: want 0 (all) or more", o.Top)
	}
	if c.IsSet("sort") && !slices.Contains(jobs.CountSorts, o.Sort) {
		return o, usagef("--sort %q: want requests, bytes or key", o.Sort)
	}
	per, err := splitCommas(c, "per")
	if err != nil {
		return o, err
	}
	for _, f := range per {
		o.Per = append(o.Per, jobs.CountField(f))
	}
	if len(o.Per) > 0 && o.Top <= 0 {
		return o, usagef("--per %s needs --top N: the N keys with the most requests of each group", strings.Join(per, ","))
	}
	return o, nil
}

// checkPer refuses a --per field that is not a --by field, or is given twice.
func checkPer(per, by []jobs.CountField) error {
	for i, f := range per {
		if !slices.Contains(by, f) {
			return usagef("--per %s: not one of the --by fields (%s)", f, joinFields(by))
		}
		if slices.Contains(per[:i], f) {
			return usagef("--per %s: given twice", f)
		}
	}
	return nil
}

func joinFields(by []jobs.CountField) string {
	s := make([]string, len(by))
	for i, f := range by {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}
