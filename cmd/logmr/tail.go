package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

func tailCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "tail",
		Usage:     "print the last records of each log, then, with -f, every new one as it is logged",
		ArgsUsage: "PATH...",
		Description: `The last -n matching records of each input, inputs in the order given, then,
with -f, every matching line appended to any of them, as one stream: a line is
written once it is whole (its newline logged), once, and never mixed with
another. A directory gives its live logs: its files that --include keeps, but
not rotated ones (access.log.1, access.log.2.gz, access.log-20261201); with
-f, its new files are read from their start. The file standard output is
redirected to is never read, so that tail -f DIR >> DIR/5xx.log does not copy
its output into itself.

-f follows names, like tail -F: a log renamed away (rename-and-create
rotation) or deleted is read to its end, for 5s more, while the new file
under its name is read from its start; a log that shrinks (copytruncate) is
read again from its start; a compressed rotation appearing beside it is not
read. A compressed log (gzip, zstd, xz, bzip2, lz4) gets its last records
(read whole) and is not followed. The logs are watched with inotify where the system has it,
or checked every --poll DURATION (also when inotify cannot start).

--since replays from a time instead of -n: every record since then, then the
new ones. Without -f, a last line without its newline is a line; with -f it
waits for its newline. Ctrl-C or SIGTERM ends it after the current line,
exit status 130 or 143; with its output a pipe whose reader is done
(| head -1), it ends at once on Linux, exit status 141.

-O raw writes the lines as logged; jsonl, csv and tsv the records as parse
writes them. Malformed lines are left out, or with --keep-malformed kept.

Examples:
   logmr tail -n 20 /var/log/apache2/access.log
   logmr tail -f --status 5xx --label /var/log/apache2
   logmr tail -f --since -1h -O jsonl access.log | jq -r .target
   logmr tail -f --poll 2s /mnt/nfs/logs/access.log`,
		Flags: append(append([]cli.Flag{
			&cli.IntFlag{Name: "lines", Aliases: []string{"n"}, Value: 10, Usage: "print the last `N` matching records of each input (default: all with --since)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "then print every new line as it is logged, through rotations, until interrupted"},
			&cli.DurationFlag{Name: "poll", Usage: "with -f, check the logs every `DURATION` (e.g. 1s) instead of watching them with inotify"},
			formatFlag(),
			&cli.StringSliceFlag{Name: "include", Usage: "in directories, follow only files whose name matches `GLOB`; repeatable"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "in directories, skip files whose name matches `GLOB`; repeatable"},
			&cli.StringFlag{Name: "output-format", Aliases: []string{"O"}, Value: string(outRaw), Usage: "raw, jsonl, csv, tsv"},
			csvSafeFlag(),
		}, entryFlags()...), filterFlags()...),
		OnUsageError: onUsageError,
		Action:       action(env, validateTail, runTail),
	}
}

// tailOptions are tail's flags.
type tailOptions struct {
	query  queryOptions // format, logFormat, csvSafe, label, keepMalformed
	follow logscan.FollowOptions
}

func validateTail(c *cli.Context, _ *env) (tailOptions, error) {
	var o tailOptions
	if c.NArg() == 0 {
		return o, usagef("tail: no PATH given")
	}
	q := &o.query
	q.format, q.csvSafe, q.label, q.keepMalformed = outputFormat(c.String("output-format")), c.Bool("csv-safe"), c.Bool("label"), c.Bool("keep-malformed")
	switch q.format {
	case outRaw, outJSONL, outCSV, outTSV:
	default:
		return o, usagef("--output-format %q: want raw, jsonl, csv or tsv", q.format)
	}
	if err := checkCSVSafe(c, q.format); err != nil {
		return o, err
	}
	if q.keepMalformed && q.format != outRaw && q.format != outJSONL {
		return o, usagef("--keep-malformed applies to -O raw and jsonl: a malformed line has no fields for %s columns", q.format)
	}
	var err error
	if q.logFormat, err = logparse.LookupFormat(c.String("format")); err != nil {
		return o, usagef("--format: %v", err)
	}
	f := &o.follow
	f.Format, f.Once, f.Poll, f.Last = q.logFormat, !c.Bool("follow"), c.Duration("poll"), c.Int("lines")
	f.Selection = logscan.Selection{Include: c.StringSlice("include"), Exclude: c.StringSlice("exclude")}
	switch {
	case f.Last < 0:
		return o, usagef("--lines %d: want 0 or more", f.Last)
	case f.Poll < 0:
		return o, usagef("--poll %v: want a positive duration, such as 1s", f.Poll)
	case f.Poll > 0 && f.Once:
		return o, usagef("--poll applies to -f")
	}
	if f.Filter, err = parseFilter(c); err != nil {
		return o, err
	}
	if !f.Filter.Since.IsZero() && !c.IsSet("lines") {
		f.Last = logscan.AllRecords
	}
	return o, checkSelection(f.Selection, c.Args().Slice())
}

// errFollowStopped ends a tail that a signal stopped: the exit status says
// so (130, 143), and nothing else is printed.
var errFollowStopped = errors.New("stopped")

// runTail writes the entries logscan.Follow hands out to stdout, whole
// lines at a time, and names each input that fails on stderr.
func runTail(ctx context.Context, env *env, o tailOptions, paths []string) error {
	q := &query{queryOptions: o.query, env: env}
	header, encode := q.entryEncoder()
	w := &lineWriter{w: env.stdout, buf: header}
	o.follow.Flush = w.flush
	if out, ok := env.stdout.(*os.File); ok {
		if info, err := out.Stat(); err == nil && info.Mode().IsRegular() {
			o.follow.Ignore = []fs.FileInfo{info} // tail -f dir >> dir/5xx.log
		}
		if !o.follow.Once {
			var stop func()
			ctx, stop = watchOutput(ctx, out)
			defer stop()
		}
	}
	var failed mapreduce.FailedInputs
	for e, err := range logscan.Follow(ctx, paths, o.follow) {
		var ie *mapreduce.InputError
		var none *logscan.NoInputError
		switch {
		case errors.As(err, &ie):
			env.errorf("%v", ie)
			failed.Errs = append(failed.Errs, ie)
			continue
		case errors.Is(err, logscan.ErrNoInput) && len(failed.Errs) > 0:
			return errNothingRead // as every other command when no input could be read
		case errors.As(err, &none):
			return noInputError(paths, logscan.Stats{Skipped: none.Skipped})
		case err != nil:
			return err
		}
		if e.Record == nil && !q.keepMalformed {
			continue // counted nowhere: tail keeps no Stats (see Follow)
		}
		if w.buf = encode(w.buf, e); len(w.buf) >= 64<<10 {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	switch {
	case errors.Is(context.Cause(ctx), errOutputGone):
		return errOutputGone
	case ctx.Err() != nil:
		return errFollowStopped
	case len(failed.Errs) > 0:
		return &failed
	}
	return nil
}

// lineWriter writes whole encoded lines: buf is written whole, so that
// output stopped by a signal ends on a whole line.
type lineWriter struct {
	w   io.Writer
	buf []byte
}

func (w *lineWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}
