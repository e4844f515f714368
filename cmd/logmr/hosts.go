package main

import (
	"context"
	"io"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
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
		Action:       action(env, validateHosts, runHosts),
	}
}

// hostsOptions are hosts's flags.
type hostsOptions struct{ aggregateOptions }

func validateHosts(c *cli.Context, env *env) (hostsOptions, error) {
	o, err := validateAggregate(c, env)
	return hostsOptions{o}, err
}

// runHosts prints the distinct hosts of paths' matching requests, or
// writes them as a partial result.
func runHosts(ctx context.Context, env *env, o hostsOptions, paths []string) error {
	return runAggregate(ctx, env, o.aggregateOptions, paths, jobs.HostsPartial,
		func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*answer, error) {
			res, err := jobs.Hosts(ctx, paths, scan)
			if res == nil {
				return nil, err
			}
			return &answer{stats: &res.Stats, summary: plural(len(res.Hosts), "host", "hosts"), write: func(w io.Writer, terminal bool) error {
				return o.query.format.writeHosts(w, res.Hosts, writeOptions{terminal: terminal, csvSafe: o.query.csvSafe})
			}}, err
		})
}
