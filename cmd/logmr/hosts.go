package main

import (
	"io"
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/urfave/cli/v2"
)

func hostsCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "hosts",
		Usage:     "print the distinct client hosts of the matching requests, one per line",
		ArgsUsage: "PATH...",
		Description: `PATH is a log file, a directory (read recursively, hidden entries skipped)
or - for standard input. Gzip is detected from content, not names.

Hosts are printed in canonical form (one address written two ways is one
host), sorted: IPv4 numerically, then IPv6, then names.

Examples:
   logmr hosts --path /robots.txt /var/log/apache2
   logmr hosts --path /robots.txt --include 'access.log*' -O json -o robots.json /var/log/nginx
   zcat old.log.gz | logmr hosts --path /wp-login.php -
   logmr hosts --path /robots.txt --cache ~/.cache/logmr /var/log/apache2   # re-runs read only new or grown files`,
		Flags:        append(queryFlags(outText, outJSON, outJSONL, outCSV, outTSV), append(cacheFlags(), partialFlag(), decompressorFlag())...),
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			q, err := parseQuery(c, env)
			if err != nil {
				return err
			}
			if err := q.checkPartial(c); err != nil {
				return err
			}
			start := time.Now()
			if c.Bool("partial") {
				p, stats, err := jobs.HostsPartial(c.Context, q.paths, q.scan)
				if p == nil {
					return q.finish(c.Context, nil, err, start, nil)
				}
				return q.finish(c.Context, &stats, err, start, writePartial(p))
			}
			res, err := jobs.Hosts(c.Context, q.paths, q.scan)
			if res == nil {
				return q.finish(c.Context, nil, err, start, nil)
			}
			q.result = plural(len(res.Hosts), "host", "hosts")
			return q.finish(c.Context, &res.Stats, err, start, func(w io.Writer, terminal bool) error {
				return q.format.writeHosts(w, res.Hosts, writeOptions{terminal: terminal, csvSafe: q.csvSafe})
			})
		},
	}
}
