package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/urfave/cli/v2"
)

// partialFlag is the flag of the commands that can write a partial result.
func partialFlag() cli.Flag {
	return &cli.BoolFlag{Name: "partial", Usage: "write a mergeable partial-result file (gzip) instead of the answer, " +
		"for logmr merge: one per --shard I/N"}
}

// checkPartial reads --partial and refuses what it cannot honour: it
// writes a binary file, never to a terminal, and has no output format.
func checkPartial(c *cli.Context, output string, stdout io.Writer) (bool, error) {
	if !c.Bool("partial") {
		return false, nil
	}
	if c.IsSet("output-format") || c.IsSet("top") || c.IsSet("sort") || c.IsSet("human") || c.IsSet("csv-safe") {
		return true, usagef("--partial writes a partial-result file: -O, --top, --sort, --human and --csv-safe apply to logmr merge")
	}
	return true, refuseBinaryToTerminal(output, stdout)
}

// refuseBinaryToTerminal refuses to write a partial-result file where a
// person would see gzip on their terminal.
func refuseBinaryToTerminal(output string, stdout io.Writer) error {
	if (output == "" || output == "-") && isTerminal(stdout) {
		return usagef("--partial writes a binary file: give -o FILE or redirect standard output")
	}
	return nil
}

// writePartial writes a partial result as a command's output.
func writePartial(p *jobs.Partial) func(io.Writer, bool) error {
	return func(w io.Writer, _ bool) error {
		_, err := p.WriteTo(w)
		return err
	}
}

func mergeCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine partial-result files (--partial) into the answer, or into one partial",
		ArgsUsage: "FILE...",
		Description: `Reads the partial results that "logmr hosts|count|report --partial --shard I/N"
wrote on N machines and prints the answer, the same bytes a single run over
all the inputs prints. FILE - is standard input.

It refuses (exit 1, naming the files) partials of different queries or of
different splits (a file added, removed or grown between the machines'
listings), a shard given twice, and, unless --partial, a missing shard.
With --partial it writes a merged partial instead: merge in a tree when
there are many machines.

A partial records the inputs its shard could not read. merge names each on
stderr as a single run does, writes the answer of the others and exits 3;
with --fail-fast it exits 1 and writes nothing. A partial changed after it
was written fails its checksum and is refused.

Examples:
   logmr merge shard-*.partial
   logmr merge -O csv --top 20 -o top.csv counts-*.partial
   logmr merge --partial -o rack1.partial rack1/*.partial
   logmr merge -o report.html --title "www.example.com, May" report-*.partial`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` atomically (default: stdout)"},
			&cli.StringFlag{Name: "output-format", Aliases: []string{"O"}, Value: string(outText), Usage: "text, json, jsonl, csv, tsv; for report partials html (the default) or json"},
			&cli.IntFlag{Name: "top", Usage: "count: print only the `N` keys with the most requests (0: all), in --sort order; report: rows per table, 1 to 100 (default 10)"},
			&cli.StringFlag{Name: "title", Usage: "report: the page's heading and title (default: logmr report)"},
			&cli.StringSliceFlag{Name: "per", Usage: "count, with --top N: the N keys with the most requests within each group of these --by `FIELDS`"},
			sortFlag(),
			&cli.BoolFlag{Name: "human", Usage: "count, -O text: thousands separators and bytes in KiB, MiB, GiB"},
			&cli.BoolFlag{Name: "partial", Usage: "write a merged partial-result file, not the answer; missing shards allowed"},
			&cli.BoolFlag{Name: "fail-fast", Usage: "refuse partials that record inputs they could not read (default: name them, " +
				"write the answer of the others, exit 3)"},
			csvSafeFlag(),
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on stderr but errors"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print a summary on stderr: partials, shards, inputs, lines"},
		},
		OnUsageError: onUsageError,
		Action:       action(env, validateMerge, runMerge),
	}
}

func validateMerge(c *cli.Context, env *env) (mergeOptions, error) {
	if c.NArg() == 0 {
		return mergeOptions{}, usagef("merge: no FILE given")
	}
	o := mergeOptions{output: c.String("output"), human: c.Bool("human"), csvSafe: c.Bool("csv-safe"),
		partial: c.Bool("partial"), failFast: c.Bool("fail-fast"),
		summary: !c.Bool("quiet") && (c.Bool("verbose") || env.stderrIsTerminal())}
	var from string
	var err error
	if o.format, from, err = outputFormatOf(c); err != nil {
		return o, err
	}
	if err := checkOutput(o.output); err != nil {
		return o, err
	}
	if o.partial && (c.IsSet("output-format") || c.IsSet("top") || c.IsSet("per") || c.IsSet("sort") || c.IsSet("human") || c.IsSet("csv-safe") || c.IsSet("title")) {
		return o, usagef("--partial writes a partial-result file: -O, --top, --per, --sort, --human, --csv-safe and --title apply to the final merge")
	}
	o.title = c.String("title")
	if err := checkTitle(o.title); err != nil {
		return o, err
	}
	if err := checkCSVSafe(c, o.format); err != nil {
		return o, err
	}
	if err := checkHuman(c, o.format, from); err != nil {
		return o, err
	}
	if o.partial {
		if err := refuseBinaryToTerminal(o.output, env.stdout); err != nil {
			return o, err
		}
	}
	if o.order, err = parseCountOrder(c); err != nil {
		return o, err
	}
	return o, probeOutput(o.output)
}

// mergeOptions are merge's flags.
type mergeOptions struct {
	output   string // -o; "" or "-": stdout
	format   outputFormat
	order    jobs.CountOrder // count: --top, --per, --sort
	human    bool
	csvSafe  bool
	partial  bool   // write a merged partial, not the answer
	failFast bool   // refuse partials with failed inputs
	summary  bool   // -v (or stderr is a terminal), not -q
	title    string // report: --title
}

// runMerge merges the partial-result files names and writes the answer,
// or the merged partial. Inputs the partials could not read are named on
// stderr as one run names them, the answer of the others is written, and
// the *mapreduce.FailedInputs returned makes the exit status 3.
func runMerge(ctx context.Context, env *env, o mergeOptions, names []string) error {
	merged, err := readAndMerge(names, env.stdin)
	var failed *mapreduce.FailedInputs
	switch {
	case errors.As(err, &failed) && o.failFast:
		return failed.Errs[0]
	case err != nil && failed == nil:
		return err
	}
	if missing := merged.Missing(); len(missing) > 0 && !o.partial {
		return fmt.Errorf("merge: shard(s) %s of %d missing from %s: no result written",
			joinInts(missing), merged.Header.ShardCount, strings.Join(names, ", "))
	}
	if perErr := checkPer(o.order.Per, merged.Header.By); perErr != nil && merged.Header.Kind == "count" {
		return perErr
	}
	env.reportFailed(err)
	if !o.partial && merged.Stats().Inputs == 0 && failed != nil {
		return errNothingRead
	}
	write := writePartial(merged)
	if !o.partial {
		write = writeAnswer(ctx, merged, o)
	}
	terminal := (o.output == "" || o.output == "-") && isTerminal(env.stdout)
	if werr := writeOutput(ctx, o.output, env.stdout, func(w io.Writer) error { return write(w, terminal) }); werr != nil {
		return werr
	}
	if o.summary {
		st := merged.Stats()
		env.errorf("merged %d partials (%s, %d of %d shards): %d inputs, %d lines, %d matched, %s",
			len(names), merged.Header.Kind, merged.Header.ShardCount-len(merged.Missing()), merged.Header.ShardCount,
			st.Inputs, st.Lines, st.Matched, malformedText(st))
	}
	return err
}

// writeAnswer writes the final answer of a merged partial.
func writeAnswer(ctx context.Context, merged *jobs.Partial, o mergeOptions) func(io.Writer, bool) error {
	return func(w io.Writer, terminal bool) error {
		wo := writeOptions{terminal: terminal, human: o.human, csvSafe: o.csvSafe}
		if merged.Header.Kind == "report" {
			return writeMergedReport(ctx, w, merged, o, terminal)
		}
		if o.format == outHTML {
			return usagef("-O html: a %s partial has no HTML form; only report partials have", merged.Header.Kind)
		}
		if o.title != "" {
			return usagef("--title: a %s partial has no page; only report partials have", merged.Header.Kind)
		}
		if merged.Header.Kind == "hosts" {
			res, err := merged.HostsResult()
			if err != nil {
				return err
			}
			return o.format.writeHosts(w, res.Hosts, wo)
		}
		res, err := merged.CountResult(o.order)
		if err != nil {
			return err
		}
		return o.format.writeCount(w, res, wo)
	}
}

// readAndMerge reads the partial-result files and merges them. Each error
// is one line naming the file it is about, but a *mapreduce.FailedInputs,
// which comes with the merged partial (see MergePartials).
func readAndMerge(names []string, stdin io.Reader) (*jobs.Partial, error) {
	if i := slices.Index(names, "-"); i >= 0 && slices.Contains(names[i+1:], "-") {
		return nil, errors.New("merge: -: standard input given twice")
	}
	parts := make([]*jobs.Partial, 0, len(names))
	for _, name := range names {
		p, err := readPartialFile(name, stdin)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		parts = append(parts, p)
	}
	merged, err := jobs.MergePartials(parts, names)
	if err != nil && !errors.As(err, new(*mapreduce.FailedInputs)) {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return merged, err
}

// readPartialFile reads the partial-result file name, - for stdin.
func readPartialFile(name string, stdin io.Reader) (*jobs.Partial, error) {
	if name == "-" {
		return jobs.ReadPartial(stdin, name)
	}
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // "name: open name: ..." would say it twice
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a partial-result file", name)
	}
	return jobs.ReadPartial(f, name)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
