package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

// defaultCacheMaxAge is how long an entry nobody uses is kept.
const defaultCacheMaxAge = "30d"

// cacheFlags are the flags of the commands whose results can be cached.
func cacheFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "cache", Usage: "keep each file's partial result in `DIR` and reuse it while the file is unchanged " +
			"(a grown log is read from where it ended); the result is the same as without it"},
		&cli.StringFlag{Name: "cache-max-age", Value: defaultCacheMaxAge, Usage: "with --cache, remove entries not used for `AGE` " +
			"(e.g. 30d, 12h; 0: never); entries of files that are gone are removed after every run"},
	}
}

// cacheOptions reads --cache and --cache-max-age.
func cacheOptions(c *cli.Context) (dir string, maxAge time.Duration, err error) {
	dir = c.String("cache")
	if dir == "" {
		if c.IsSet("cache-max-age") {
			return "", 0, usagef("--cache-max-age needs --cache DIR")
		}
		return "", 0, nil
	}
	if maxAge, err = parseAge(c.String("cache-max-age")); err != nil {
		return "", 0, usagef("--cache-max-age: %v", err)
	}
	return dir, maxAge, nil
}

// openCache opens --cache, if given.
func (q *query) openCache() error {
	if q.cacheDir == "" {
		return nil
	}
	store, err := cache.Open(q.cacheDir)
	if err != nil {
		return fmt.Errorf("--cache %s: %w", q.cacheDir, err)
	}
	q.scan.Cache = store
	return nil
}

// parseAge parses a duration that may also be a number of days: 30d.
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || !(n >= 0 && n <= 100*365) { // NaN fails too
			return 0, fmt.Errorf("%q: want a number of days such as 30d, or a duration such as 12h", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a number of days such as 30d, or a duration such as 12h", s)
	}
	return d, nil
}

// pruneCache removes stale entries after a run that started at start; a
// failure to prune only costs disk space, so it is reported, not fatal.
func (q *query) pruneCache(ctx context.Context, start time.Time) {
	if q.scan.Cache == nil {
		return
	}
	// A second of margin: file times come from a coarser clock.
	ps, err := q.scan.Cache.Prune(ctx, cache.PruneOptions{MaxAge: q.cacheMaxAge, UsedSince: start.Add(-time.Second)})
	if err != nil {
		if !q.quiet {
			q.env.errorf("warning: %v", err)
		}
		return
	}
	if q.verbose && !q.quiet {
		q.env.errorf("cache %s: %d entries kept (%d bytes), %d removed", q.scan.Cache.Dir(), ps.Kept, ps.Bytes, ps.Removed)
	}
}

// reportCache says how the run used the cache: with -v, and a warning
// when entries could not be saved (the next run will read those files).
func (q *query) reportCache(cs logscan.CacheStats) {
	if q.scan.Cache == nil || q.quiet {
		return
	}
	if cs.WriteErrors > 0 {
		q.env.errorf("warning: cache: %d entries not saved: %v", cs.WriteErrors, cs.FirstError)
	}
	if q.verbose {
		q.env.errorf("cache: %d files from the cache, %d resumed where they ended, %d read in full (%d unusable entries), %d entries saved",
			cs.Hits, cs.Resumed, cs.Misses, cs.Invalid, cs.Stored)
		if cs.OutsideWindow > 0 {
			q.env.errorf("cache: %d of those files lie wholly outside the time window: not read", cs.OutsideWindow)
		}
	}
}
