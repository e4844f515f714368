package main

import (
	"io"
	"strings"
	"time"

	"github.com/logmr/logmr/mapreduce"
	"github.com/urfave/cli/v2"
)

func countCommand(env *env) *cli.Command {
	fields := make([]string, len(mapreduce.CountFields))
	for i, f := range mapreduce.CountFields {
		fields[i] = string(f)
	}
	return &cli.Command{
		Name:      "count",
		Usage:     "count requests and bytes per key (--by), most requests first",
		ArgsUsage: "PATH...",
		Description: `Groups the matching requests by the --by fields and prints, per key, the
number of requests and the bytes sent ("-" counts as 0), most requests first,
then by key. Fields: ` + strings.Join(fields, ", ") + `.
hour and day are buckets in --tz (UTC by default), so a day means the same
hours whatever offset each line was logged in. A record without a field
("-", no time) counts under an empty key (null in JSON).

Counts are exact: each file is counted into a map of its own and the maps are
merged; memory grows with the number of distinct keys, not with the logs.
--top N prints the N keys with the most requests, exactly (cut after merging).

Examples:
   logmr count --by status /var/log/apache2
   logmr count --by host --top 20 --status 404 /var/log/nginx
   logmr count --by day,status_class --tz Europe/Paris -O csv -o daily.csv /var/log/apache2
   logmr count --by user_agent --path /wp-login.php --since 2026-11-21 --top 10 /var/log/apache2`,
		Flags: append(append(queryFlags(outText, outJSON, outJSONL, outCSV, outTSV),
			&cli.StringSliceFlag{Name: "by", Usage: "group by these `FIELDS`, comma-separated: " + strings.Join(fields, ", ")},
			&cli.IntFlag{Name: "top", Usage: "print only the `N` keys with the most requests (0: all)"},
			&cli.StringFlag{Name: "tz", Value: "UTC", Usage: "the `ZONE` of hour and day buckets: UTC, Local or an IANA name such as Europe/Paris"},
			&cli.BoolFlag{Name: "human", Usage: "-O text: thousands separators and bytes in KiB, MiB, GiB"},
		), append(cacheFlags(), partialFlag(), decompressorFlag())...),
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			q, err := parseQuery(c, env)
			if err != nil {
				return err
			}
			co, err := parseCountOptions(c)
			if err != nil {
				return err
			}
			if err := q.checkPartial(c); err != nil {
				return err
			}
			start := time.Now()
			if c.Bool("partial") {
				p, stats, err := mapreduce.CountPartial(c.Context, q.paths, co, q.scan)
				if p == nil {
					return q.finish(c.Context, nil, err, start, nil)
				}
				return q.finish(c.Context, &stats, err, start, writePartial(p))
			}
			res, err := mapreduce.Count(c.Context, q.paths, co, q.scan)
			if res == nil {
				return q.finish(c.Context, nil, err, start, nil)
			}
			human := c.Bool("human")
			return q.finish(c.Context, &res.Stats, err, start, func(w io.Writer, terminal bool) error {
				return q.format.writeCount(w, res, writeOptions{terminal: terminal, human: human, csvSafe: q.csvSafe})
			})
		},
	}
}

func parseCountOptions(c *cli.Context) (mapreduce.CountOptions, error) {
	var co mapreduce.CountOptions
	by, err := splitCommas(c, "by")
	if err != nil {
		return co, err
	}
	for _, f := range by {
		co.By = append(co.By, mapreduce.CountField(f))
	}
	if len(co.By) == 0 {
		return co, usagef("--by is required: e.g. --by status or --by host,day")
	}
	co.Top = c.Int("top")
	switch tz := c.String("tz"); tz {
	case "", "UTC":
		co.TZ = time.UTC
	case "Local":
		co.TZ = time.Local
	default:
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return co, usagef("--tz %q: want UTC, Local or an IANA zone name such as Europe/Paris", tz)
		}
		co.TZ = loc
	}
	return co, nil
}
