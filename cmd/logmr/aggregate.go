package main

import (
	"context"
	"io"
	"time"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

// aggregateOptions are the options of the commands that aggregate (hosts,
// count): the shared query flags and --partial.
type aggregateOptions struct {
	query   queryOptions
	partial bool // --partial: write a partial-result file, not the answer
}

// validateAggregate reads the flags hosts and count share.
func validateAggregate(c *cli.Context, env *env) (aggregateOptions, error) {
	q, err := validateQuery(c, env)
	if err != nil {
		return aggregateOptions{}, err
	}
	partial, err := checkPartial(c, q.output, env.stdout)
	return aggregateOptions{query: q, partial: partial}, err
}

// An answer is what an aggregating job returned, ready to be written.
type answer struct {
	stats   *logscan.Stats
	summary string // what it holds, for the summary line: "12 hosts"
	write   func(w io.Writer, terminal bool) error
}

// A partialJob runs an aggregating job for a partial result; an answerJob
// runs it for the answer, and returns a nil *answer when it has none.
type (
	partialJob func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*jobs.Partial, logscan.Stats, error)
	answerJob  func(ctx context.Context, paths []string, scan logscan.ScanOptions) (*answer, error)
)

// runAggregate is the run of hosts and count: it acquires the lock, the
// cache and the progress bar, calls the library once, for the partial or
// the answer, and writes what it returned.
func runAggregate(ctx context.Context, env *env, o aggregateOptions, paths []string, partial partialJob, answer answerJob) error {
	q, err := openQuery(ctx, env, o.query, paths)
	if err != nil {
		return err
	}
	q.partial = o.partial
	start := time.Now()
	if o.partial {
		p, stats, err := partial(ctx, paths, q.scan)
		if p == nil {
			return q.finish(ctx, nil, err, start, nil)
		}
		return q.finish(ctx, &stats, err, start, writePartial(p))
	}
	a, err := answer(ctx, paths, q.scan)
	if a == nil {
		return q.finish(ctx, nil, err, start, nil)
	}
	q.result = a.summary
	return q.finish(ctx, a.stats, err, start, a.write)
}
