package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

func catCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "cat",
		Usage:     "print the matching lines of many logs as one stream, in input order or merged by time",
		ArgsUsage: "PATH...",
		Description: `Every line that passes the filters, as logged (-O raw), or as parse prints
records (-O jsonl, json, csv, tsv, text). Gzip files are inflated; directories
are walked.

Without --sort, the inputs come whole, in argument order (a directory's files
in lexical order). With --sort time, the lines of all inputs are merged by the
instant they were logged at, whatever UTC offset each server logs in; lines of
the same instant come in input order. A rotated chain (access.log.3.gz,
access.log.2.gz, access.log.1, access.log; or dateext names) is read oldest
first, as one stream.

Servers log a request when it ends, stamped with the time it began, so their
lines are only roughly in order: each input's lines are held back for
--sort-window (5s) and put in order within it. A line that comes more than the
window after a later one is printed as soon as it is read, out of order, and
counted (-v names the first ones, and the window that would have ordered them);
widen the window for slow requests. A line
without a time (malformed, with --keep-malformed) stays right after the line
before it. Memory is bounded by the inputs times 16 MiB at most, whatever
their size.

Malformed lines are left out and counted (-v), or kept in place with
--keep-malformed. --label prefixes each line with its input's name.

Examples:
   logmr cat --sort time --host 192.0.2.7 web1/ web2/ web3/ web4/
   logmr cat --sort time --label --status 5xx /var/log/apache2/*access.log*
   logmr cat --sort time -O jsonl --since 2026-12-01T10:00 access.log* | jq .target
   logmr cat --path-prefix /api access.log.2.gz access.log.1 access.log | less`,
		Flags: append(append(queryFlags(outRaw, outJSONL, outJSON, outCSV, outTSV, outText), entryFlags()...),
			&cli.StringFlag{Name: "sort", Usage: "`ORDER` of the lines: time, merged across inputs by the instant each was logged at (default: input order, each input whole)"},
			&cli.DurationFlag{Name: "sort-window", Value: logscan.DefaultSortWindow, Usage: "with --sort time, put in order the lines of an input that come up to `DURATION` late; 0: none"}),
		OnUsageError: onUsageError,
		Action:       action(env, validateCat, runCat),
	}
}

// catOptions are cat's flags.
type catOptions struct {
	query    queryOptions
	sortTime bool          // --sort time
	window   time.Duration // --sort-window, as logscan.MergeOptions.Window
}

func validateCat(c *cli.Context, env *env) (catOptions, error) {
	q, err := validateQuery(c, env)
	if err != nil {
		return catOptions{}, err
	}
	o := catOptions{query: q, window: c.Duration("sort-window")}
	switch s := c.String("sort"); s {
	case "time":
		o.sortTime = true
	case "":
		if c.IsSet("sort-window") {
			return o, usagef("--sort-window applies to --sort time")
		}
	default:
		return o, usagef("--sort %q: want time", s)
	}
	switch {
	case o.window < 0:
		return o, usagef("--sort-window %v: want 0 or more", o.window)
	case o.window == 0:
		o.window = -1 // none, for the library, where 0 is the default
	}
	if q.keepMalformed && q.format != outRaw && q.format != outJSONL && q.format != outJSON {
		return o, usagef("--keep-malformed applies to -O raw, jsonl and json: a malformed line has no fields for %s columns (logmr parse --malformed lists them)", q.format)
	}
	return o, nil
}

// runCat acquires the lock and progress bar and streams the lines.
func runCat(ctx context.Context, env *env, o catOptions, paths []string) error {
	q, err := openQuery(ctx, env, o.query, paths)
	if err != nil {
		return err
	}
	header, encode := q.entryEncoder()
	start := time.Now()
	var st logscan.MergeStats
	var runErr error
	werr := q.writeOutput(ctx, func(w io.Writer) error {
		w, closer, release, err := q.recordWriter(ctx, w)
		if err != nil {
			return err
		}
		defer release()
		if _, err := w.Write(header); err != nil {
			return err
		}
		if o.sortTime {
			st, runErr = q.mergeByTime(ctx, w, encode, o.window)
		} else {
			out := logscan.RecordOutput{Entry: encode, KeepMalformed: q.keepMalformed}
			st.Stats, runErr = logscan.WriteRecords(ctx, q.paths, w, out, q.scan)
		}
		if closer != nil && (runErr == nil || readSome(st.Stats)) {
			if err := closer.Close(); err != nil && runErr == nil {
				runErr = err
			}
		}
		var failed *mapreduce.FailedInputs
		switch {
		case errors.As(runErr, &failed) && readSome(st.Stats):
			return nil // the lines read stand; exit 3 below
		case runErr != nil:
			return runErr
		case st.Inputs == 0:
			return noInputError(q.paths, st.Stats)
		}
		return nil
	})
	q.progress.finish()
	if failed, _ := q.env.reportFailed(runErr); failed != nil && !readSome(st.Stats) {
		return errNothingRead
	}
	if werr != nil {
		return werr
	}
	q.reportLate(st, o.window)
	q.report(st.Stats, time.Since(start))
	return runErr
}

// recordWriter wraps w for -O json (one array) and -O text (aligned
// columns); closer, when not nil, ends what it wrote; release frees it.
func (q *query) recordWriter(ctx context.Context, w io.Writer) (_ io.Writer, closer io.Closer, release func(), err error) {
	switch q.format {
	case outJSON:
		array := &jsonArrayWriter{w: w}
		return array, array, func() {}, nil
	case outText:
		aligned, err := newAlignedWriter(ctx, w, q.output == "" && isTerminal(q.env.stdout))
		if err != nil {
			return nil, nil, nil, err
		}
		return aligned, aligned, aligned.release, nil
	}
	return w, nil, func() {}, nil
}

// mergeByTime writes the lines of q's inputs merged by time.
func (q *query) mergeByTime(ctx context.Context, w io.Writer, encode func([]byte, *logscan.Entry) []byte, window time.Duration) (logscan.MergeStats, error) {
	m := logscan.Merge(ctx, q.paths, logscan.MergeOptions{ScanOptions: q.scan, SortByTime: true, Window: window, KeepMalformed: q.keepMalformed,
		LinesOnly: q.format == outRaw}) // entryEncoder's raw lines need no record
	defer m.Close()
	const flushAt = 256 << 10
	buf := make([]byte, 0, flushAt+flushAt/4)
	for m.Next() {
		if buf = encode(buf, m.Entry()); len(buf) >= flushAt {
			if _, err := w.Write(buf); err != nil {
				return m.Stats(), fmt.Errorf("writing lines: %w", err)
			}
			buf = buf[:0]
		}
	}
	if _, err := w.Write(buf); err != nil && m.Err() == nil {
		return m.Stats(), fmt.Errorf("writing lines: %w", err)
	}
	return m.Stats(), m.Err()
}

// reportLate says, with -v, how many lines came later than the window
// and so are out of order, names the first ones, and says the window
// that would have put them in order (the disorder measured).
func (q *query) reportLate(st logscan.MergeStats, window time.Duration) {
	if q.quiet || st.Late == 0 || !q.verbose && !q.env.stderrIsTerminal() {
		return
	}
	if q.verbose {
		for _, l := range st.LateExamples {
			q.env.errorf("out of order: %s:%d: %v earlier than a line before it", l.File, l.Line, l.Behind)
		}
	}
	q.env.errorf("%d lines came more than --sort-window %v after a later line: printed out of order, as soon as read; "+
		"the latest came %v after one (--sort-window %v would order them)", st.Late, max(window, 0), st.MaxLag, st.MaxLag.Round(time.Second)+time.Second)
}
