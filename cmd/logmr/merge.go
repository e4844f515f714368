package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/logmr/logmr/mapreduce"
	"github.com/urfave/cli/v2"
)

// partialFlag is the flag of the commands that can write a partial result.
func partialFlag() cli.Flag {
	return &cli.BoolFlag{Name: "partial", Usage: "write a mergeable partial-result file (gzip) instead of the answer, " +
		"for logmr merge: one per --shard I/N"}
}

// checkPartial refuses what --partial cannot honour: it writes a binary
// file, never to a terminal, and has no output format.
func (q *query) checkPartial(c *cli.Context) error {
	if !c.Bool("partial") {
		return nil
	}
	if c.IsSet("output-format") || c.IsSet("top") || c.IsSet("human") || c.IsSet("csv-safe") {
		return usagef("--partial writes a partial-result file: -O, --top, --human and --csv-safe apply to logmr merge")
	}
	return refuseBinaryToTerminal(q.output, q.env.stdout)
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
func writePartial(p *mapreduce.Partial) func(io.Writer, bool) error {
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
		Description: `Reads the partial results that "logmr hosts|count --partial --shard I/N"
wrote on N machines and prints the answer, the same bytes a single run over
all the inputs prints. FILE - is standard input.

It refuses (exit 1, naming the files) partials of different queries or of
different splits (a file added, removed or grown between the machines'
listings), a shard given twice, and, unless --partial, a missing shard.
With --partial it writes a merged partial instead: merge in a tree when
there are many machines.

Examples:
   logmr merge shard-*.partial
   logmr merge -O csv --top 20 -o top.csv counts-*.partial
   logmr merge --partial -o rack1.partial rack1/*.partial`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` atomically (default: stdout)"},
			&cli.StringFlag{Name: "output-format", Aliases: []string{"O"}, Value: string(outText), Usage: "text, json, jsonl, csv, tsv"},
			&cli.IntFlag{Name: "top", Usage: "count: print only the `N` keys with the most requests (0: all)"},
			&cli.BoolFlag{Name: "human", Usage: "count, -O text: thousands separators and bytes in KiB, MiB, GiB"},
			&cli.BoolFlag{Name: "partial", Usage: "write a merged partial-result file, not the answer; missing shards allowed"},
			csvSafeFlag(),
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("merge: no FILE given")
			}
			format, err := parseOutputFormat(c.String("output-format"))
			if err != nil {
				return err
			}
			output := c.String("output")
			asPartial := c.Bool("partial")
			if asPartial && (c.IsSet("output-format") || c.IsSet("top") || c.IsSet("human") || c.IsSet("csv-safe")) {
				return usagef("merge --partial writes a partial-result file: -O, --top, --human and --csv-safe apply to the final merge")
			}
			if err := checkCSVSafe(c, format); err != nil {
				return err
			}
			if asPartial {
				if err := refuseBinaryToTerminal(output, env.stdout); err != nil {
					return err
				}
			}
			if top := c.Int("top"); top < 0 {
				return usagef("--top %d: want 0 (all) or more", top)
			}
			merged, err := readAndMerge(c.Args().Slice(), env.stdin)
			if err != nil {
				return err
			}
			if asPartial {
				write := writePartial(merged)
				return writeOutput(c.Context, output, env.stdout, func(w io.Writer) error { return write(w, false) })
			}
			if missing := merged.Missing(); len(missing) > 0 {
				return fmt.Errorf("merge: shard(s) %s of %d missing from %s: no result written",
					joinInts(missing), merged.Header.ShardCount, strings.Join(c.Args().Slice(), ", "))
			}
			o := writeOptions{terminal: (output == "" || output == "-") && isTerminal(env.stdout), human: c.Bool("human"), csvSafe: c.Bool("csv-safe")}
			return writeOutput(c.Context, output, env.stdout, func(w io.Writer) error {
				if merged.Header.Kind == "hosts" {
					res, err := merged.HostsResult()
					if err != nil {
						return err
					}
					return format.writeHosts(w, res.Hosts, o)
				}
				res, err := merged.CountResult(c.Int("top"))
				if err != nil {
					return err
				}
				return format.writeCount(w, res, o)
			})
		},
	}
}

// readAndMerge reads the partial-result files and merges them.
func readAndMerge(names []string, stdin io.Reader) (*mapreduce.Partial, error) {
	parts := make([]*mapreduce.Partial, 0, len(names))
	for _, name := range names {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return nil, fmt.Errorf("merge: %w", err)
			}
			defer f.Close()
			r = f
		}
		p, err := mapreduce.ReadPartial(r, name)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		parts = append(parts, p)
	}
	merged, err := mapreduce.MergePartials(parts, names)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return merged, nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
