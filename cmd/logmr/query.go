package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/subproc"
)

// query is a run of a query command: its options, and what openQuery
// acquired for it (the lock, the cache, the progress bar).
type query struct {
	queryOptions
	env      *env
	paths    []string
	lock     *os.File     // the --lock file, held until exit
	partial  bool         // --partial: the result is a partial-result file
	result   string       // what the answer holds, for the summary: "12 hosts"
	progress *progressBar // nil: no bar
}

// openQuery acquires what a run needs before it reads any input, in this
// order: the --lock, the --cache, the progress bar.
func openQuery(ctx context.Context, env *env, o queryOptions, paths []string) (*query, error) {
	q := &query{queryOptions: o, env: env, paths: paths}
	if o.lockPath != "" {
		// Held until the process exits: the kernel releases it then.
		var err error
		if q.lock, err = acquireLock(ctx, o.lockPath, o.lockWait); err != nil {
			return nil, err
		}
	}
	if err := q.openCache(); err != nil {
		return nil, err
	}
	if o.showProgress {
		q.progress = newProgressBar(ctx, env.stderr)
		q.scan.Progress = q.progress
	}
	return q, nil
}

// finish reports what the library call returned and writes the result.
// Per-input failures are named here, one line each; the result of the other
// inputs is still written and the error returned makes the exit status 3.
//
// st is the run's Stats, nil when the library returned no result; write
// writes the result, escaping control characters when terminal is set.
func (q *query) finish(ctx context.Context, st *logscan.Stats, err error, start time.Time, write func(w io.Writer, terminal bool) error) error {
	q.progress.finish()
	failed, err := q.env.reportFailed(err)
	if err != nil && failed == nil {
		return err
	}
	// A shard's partial records its failed inputs: it is still its share
	// of the answer, even when none of its inputs could be read.
	shardPartial := q.partial && q.scan.Selection.Shard.Count > 0
	switch {
	case st == nil || st.Inputs == 0 && failed != nil && !shardPartial:
		return errNothingRead
	case st.Inputs == 0 && q.scan.Selection.Shard.Count == 0:
		// A shard may be empty (more shards than files): its empty
		// result is still its share of the answer.
		return noInputError(q.paths, *st)
	}
	q.report(*st, time.Since(start))
	q.reportCache(st.Cache)
	terminal := q.output == "" && isTerminal(q.env.stdout)
	if werr := q.writeOutput(ctx, func(w io.Writer) error { return write(w, terminal) }); werr != nil {
		return werr
	}
	q.pruneCache(ctx, start)
	return err
}

// errNothingRead ends a run, or a merge, where every input failed.
var errNothingRead = errors.New("no input could be read: no result written")

// reportFailed names on stderr, one line each, the inputs a
// *mapreduce.FailedInputs err holds, and returns it (nil if err is
// another error) with err; the error then makes the exit status 3.
func (e *env) reportFailed(err error) (*mapreduce.FailedInputs, error) {
	var failed *mapreduce.FailedInputs
	if !errors.As(err, &failed) {
		return nil, err
	}
	for _, ie := range failed.Errs {
		e.errorf("%v", ie)
	}
	return failed, err
}

// report prints the summary and malformed-line examples when asked for, or
// when a person is watching (stderr is a terminal), and why the answer is
// empty when it is, on a terminal or not; never with -q.
func (q *query) report(st logscan.Stats, elapsed time.Duration) {
	if q.quiet {
		return
	}
	if q.verbose || q.env.stderrIsTerminal() {
		q.summarize(st, elapsed)
	}
	if st.Matched == 0 {
		q.env.errorf("0 matched: %s", explainEmpty(st, q.scan.Filter))
	}
}

// summarize prints the summary line, and with -v what came before it.
func (q *query) summarize(st logscan.Stats, elapsed time.Duration) {
	if q.verbose {
		for _, e := range st.Examples {
			q.env.errorf("malformed: %v", e)
		}
		files := slices.SortedFunc(slices.Values(st.Files), func(a, b logscan.FileStats) int { return strings.Compare(a.Path, b.Path) })
		for _, f := range files {
			cached := ""
			if f.Resumed {
				cached = fmt.Sprintf(", its first %d bytes from the cache", f.Cached)
			} else if f.FromCache {
				cached = ", from the cache"
			}
			if f.Inflater.Inflated() {
				cached += ", inflated by " + string(f.Inflater)
			}
			lines := fmt.Sprintf("%d lines", f.Lines)
			if f.Parsed < f.Lines {
				lines += fmt.Sprintf(" (%d parsed)", f.Parsed)
			}
			if q.logFormat == nil && f.Format != "" { // detected: say which
				cached += ", format " + f.Format
			}
			q.env.errorf("file %s: %s, %d malformed, %d bytes%s, %.2fs", f.Path, lines, f.Malformed, f.Bytes, cached, f.Elapsed.Seconds())
		}
		reportSkipped(q.env, st.Skipped)
	}
	rejected := ""
	if parts := droppedBy(st, strconv.FormatInt); len(parts) > 0 {
		rejected = " (dropped " + strings.Join(parts, ", ") + ")"
	}
	result := ""
	if q.result != "" {
		result = ": " + q.result
	}
	// Read is the stored bytes, as the progress bar counts them; text is
	// what they inflate to.
	secs := max(elapsed.Seconds(), 1e-9)
	q.env.errorf("%d files, %d lines, %d matched%s, %s%s; %s read (%s of text) in %.2fs: %s/s read, %s/s of text",
		st.Inputs, st.Lines, st.Matched, rejected, malformedText(st), result,
		humanBytes(st.Stored), humanBytes(st.Bytes), elapsed.Seconds(),
		humanBytes(int64(float64(st.Stored)/secs)), humanBytes(int64(float64(st.Bytes)/secs)))
}

// malformedText says how many lines were malformed and, when the
// prefilter passed lines over, among which: "12 malformed in 3456 parsed
// lines (≈0.2 % in a 1/64 sample of the other 5600000)".
func malformedText(st logscan.Stats) string {
	if st.Parsed >= st.Lines {
		return fmt.Sprintf("%d malformed", st.Malformed)
	}
	msg := fmt.Sprintf("%d malformed in %d parsed lines", st.Malformed, st.Parsed)
	if st.Sampled > 0 {
		msg += fmt.Sprintf(" (≈%.1f %% in a 1/%d sample of the other %d)",
			100*float64(st.SampledMalformed)/float64(st.Sampled), logscan.SampleEvery, st.LinesWithoutText())
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// droppedBy lists the lines each filter condition dropped, "9990 by
// path", conditions by name.
func droppedBy(st logscan.Stats, number func(int64, int) string) []string {
	r := st.Rejected()
	var parts []string
	for _, stage := range slices.Sorted(maps.Keys(r)) {
		parts = append(parts, number(r[stage], 10)+" by "+stage)
	}
	return parts
}

// explainEmpty says why nothing matched: which conditions dropped the
// lines read and, when the time window dropped some, what time the logs
// span.
func explainEmpty(st logscan.Stats, f filter.Filter) string {
	n := func(v int64, _ int) string { return groupThousands(v) }
	if st.Lines == 0 {
		return "the inputs hold no lines"
	}
	msg := n(st.Lines, 10) + " lines read"
	sep := ", "
	if st.Parsed < st.Lines {
		msg += ", " + n(st.Parsed, 10) + " of them parsed (the others lack the text the filter requires; --check-all-lines parses them all)"
		sep = ": "
	}
	if parts := droppedBy(st, n); len(parts) > 0 {
		msg += sep + strings.Replace(strings.Join(parts, ", "), " by ", " dropped by ", 1)
		sep = ", "
	}
	if st.Malformed > 0 {
		msg += sep + n(st.Malformed, 10) + " malformed"
	}
	if _, byTime := st.Rejected()["time"]; byTime {
		if first, last, ok := st.Span(); ok {
			what := "the logs span "
			if st.Parsed < st.Lines {
				what = "the lines parsed span " // the others' times are not known
			}
			msg += "; " + what + formatSpan(first, last) + ", the window is " + formatWindow(f)
		}
	}
	return msg
}

// formatSpan writes a time span in the logs' own offset(s):
// "2026-11-13 10:00 … 2026-11-22 23:59 (+0000)".
func formatSpan(first, last time.Time) string {
	const minute, offset = "2006-01-02 15:04", "(-0700)"
	if first.Format(offset) == last.Format(offset) {
		return first.Format(minute) + " … " + last.Format(minute+" "+offset)
	}
	return first.Format(minute+" "+offset) + " … " + last.Format(minute+" "+offset)
}

// formatWindow writes the --since/--until window: "--since 2026-12-01 00:00 (+0100)".
func formatWindow(f filter.Filter) string {
	const layout = "2006-01-02 15:04:05 (-0700)"
	var parts []string
	if !f.Since.IsZero() {
		parts = append(parts, "--since "+f.Since.Format(layout))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "--until "+f.Until.Format(layout))
	}
	return strings.Join(parts, " ")
}

// splitFilterFlag splits a --input-filter or --output-filter command string.
func splitFilterFlag(flag, s string) ([]subproc.Stage, error) {
	if s == "" {
		return nil, nil
	}
	stages, err := subproc.Split(s)
	var se *subproc.SyntaxError
	if errors.As(err, &se) {
		return nil, usagef("--%s %q: offset %d: %s%s", flag, s, se.Pos, se.Msg, filterHints[flag+se.Construct])
	}
	return stages, err
}

// filterHints say what to do instead of a redirection in a filter.
var filterHints = map[string]string{
	"output-filter>": "; use -o FILE",
	"output-filter<": ": the output filter reads the result on its stdin",
	"input-filter<":  ": the input filter reads each PATH on its stdin",
	"input-filter>":  ": logmr reads the input filter's stdout",
}

// writeOutput writes the result to -o or stdout (see writeOutput), through
// the --output-filter pipeline when there is one: write fills the first
// child's stdin and the last child writes where the result goes. A failing
// stage fails the output, so -o is left untouched.
func (q *query) writeOutput(ctx context.Context, write func(io.Writer) error) error {
	if q.outputFilter == nil {
		return writeOutput(ctx, q.output, q.env.stdout, write)
	}
	return writeOutput(ctx, q.output, q.env.stdout, func(w io.Writer) error {
		p, err := subproc.Start(ctx, q.outputFilter, nil, w, subproc.Options{Timeout: q.childTimeout})
		if err != nil {
			return fmt.Errorf("output filter: %w", err)
		}
		bw := bufio.NewWriterSize(p.Stdin(), 256<<10)
		werr := write(bw)
		if werr == nil {
			werr = bw.Flush()
		}
		if perr := p.Wait(); perr != nil {
			return fmt.Errorf("output filter: %w", perr) // also the cause of a write that failed
		}
		return werr
	})
}

// reportSkipped names, for -v, the files of walked directories that were
// left out as not access logs.
func reportSkipped(env *env, skipped []logscan.SkippedInput) {
	skipped = slices.SortedFunc(slices.Values(skipped), func(a, b logscan.SkippedInput) int { return strings.Compare(a.Path, b.Path) })
	for _, s := range skipped {
		env.errorf("skipped %s: %s", s.Path, s.Reason)
	}
}

// noInputError is the failure of a run that found no input to read.
func noInputError(paths []string, st logscan.Stats) error {
	if n := len(st.Skipped); n > 0 {
		skipped := slices.SortedFunc(slices.Values(st.Skipped), func(a, b logscan.SkippedInput) int { return strings.Compare(a.Path, b.Path) })
		var names []string
		for _, s := range skipped[:min(n, 3)] {
			names = append(names, s.Path+" ("+s.Reason+")")
		}
		more := ""
		if n > 3 {
			more = fmt.Sprintf(" and %d more", n-3)
		}
		return fmt.Errorf("no access log found in %q: skipped %s%s", paths, strings.Join(names, ", "), more)
	}
	return fmt.Errorf("no input files found in %q", paths)
}
