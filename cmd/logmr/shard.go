package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

// shardIndexVars are the array-job schedulers' task index variables that
// --shard env/N reads, with the index each gives to its first task.
var shardIndexVars = []struct {
	name  string
	first int
}{
	{"JOB_COMPLETION_INDEX", 0},      // Kubernetes Indexed Job
	{"AWS_BATCH_JOB_ARRAY_INDEX", 0}, // AWS Batch array job
	{"SLURM_ARRAY_TASK_ID", 0},       // Slurm job array (--array=0-N)
	{"PARALLEL_SEQ", 1},              // GNU parallel
}

// parseShard parses --shard: I/N, or env/N with I from the scheduler's
// variable (see shardIndexVars); getenv reads the environment.
func parseShard(s string, getenv func(string) string) (logscan.Shard, error) {
	index, count, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 {
		return logscan.Shard{}, usagef("--shard %q: want I/N (I from 0 to N-1) or env/N", s)
	}
	if index != "env" {
		i, err := strconv.Atoi(index)
		if err != nil || i < 0 || i >= n {
			return logscan.Shard{}, usagef("--shard %q: want I/N with I from 0 to %d", s, n-1)
		}
		return logscan.Shard{Index: i, Count: n}, nil
	}
	found, from := -1, ""
	for _, v := range shardIndexVars {
		text := getenv(v.name)
		if text == "" {
			continue
		}
		i, err := strconv.Atoi(text)
		if err != nil || i-v.first < 0 || i-v.first >= n {
			return logscan.Shard{}, usagef("--shard %s: %s=%q: want %d to %d", s, v.name, text, v.first, n-1+v.first)
		}
		if found >= 0 && found != i-v.first {
			return logscan.Shard{}, usagef("--shard %s: %s and %s disagree on the shard index", s, from, v.name)
		}
		found, from = i-v.first, v.name
	}
	if found < 0 {
		names := make([]string, len(shardIndexVars))
		for i, v := range shardIndexVars {
			names[i] = v.name
		}
		return logscan.Shard{}, usagef("--shard %s: none of %s is set", s, strings.Join(names, ", "))
	}
	return logscan.Shard{Index: found, Count: n}, nil
}

func planCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "print how --shard I/N splits the inputs: which file goes to which shard",
		ArgsUsage: "PATH...",
		Description: `Lists the inputs that PATH names (as the query commands find them) with the
shard each belongs to: shard, size in bytes and path, one per line, by shard.
The split depends only on the files' paths and sizes: inputs largest first
(equal sizes by path), each to the shard with the fewest bytes so far. Every
machine that sees the same files at the same paths makes the same split, so
"logmr hosts --shard I/N" on N machines reads each file exactly once.

Examples:
   logmr plan --shards 4 /var/log/apache2
   logmr plan --shards 16 --include 'access.log.*.gz' /srv/logs`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "shards", Usage: "split into `N` shards (required)"},
			&cli.StringSliceFlag{Name: "include", Usage: "when walking directories, read only files whose name matches `GLOB`; repeatable"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "when walking directories, skip files whose name matches `GLOB`; repeatable"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no per-shard totals on stderr"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "after the per-shard totals, how even the split is"},
		},
		OnUsageError: onUsageError,
		Action:       action(env, validatePlan, runPlan),
	}
}

// planOptions are plan's flags.
type planOptions struct {
	shards    int
	selection logscan.Selection // --include, --exclude
	quiet     bool
	verbose   bool
}

func validatePlan(c *cli.Context, _ *env) (planOptions, error) {
	o := planOptions{shards: c.Int("shards"), quiet: c.Bool("quiet"), verbose: c.Bool("verbose"),
		selection: logscan.Selection{Include: c.StringSlice("include"), Exclude: c.StringSlice("exclude")}}
	if !c.IsSet("shards") {
		return o, usagef("--shards is required: e.g. logmr plan --shards 4 PATH...")
	}
	if o.shards < 1 {
		return o, usagef("--shards %d: want 1 or more", o.shards)
	}
	if c.NArg() == 0 {
		return o, usagef("plan: no PATH given")
	}
	return o, checkSelection(o.selection, c.Args().Slice())
}

// runPlan lists the inputs paths name, with the shard each belongs to.
func runPlan(_ context.Context, env *env, o planOptions, paths []string) error {
	inputs, failed, err := logscan.FindInputs(paths, o.selection)
	if err != nil {
		return err
	}
	for _, e := range failed {
		env.errorf("%v", e)
	}
	if err := writePlan(env.stdout, inputs, o.shards); err != nil {
		return err
	}
	if !o.quiet {
		reportPlan(env, inputs, o.shards, o.verbose)
	}
	if len(failed) > 0 {
		return &mapreduce.FailedInputs{Errs: failed}
	}
	return nil
}

func writePlan(w io.Writer, inputs []logscan.Input, n int) error {
	shardOf := logscan.PlanShards(inputs, n)
	var b strings.Builder
	for s := range n {
		for i, in := range inputs {
			if shardOf[i] == s {
				fmt.Fprintf(&b, "%d/%d\t%d\t%s\n", s, n, in.Size, in.Path)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// reportPlan prints each shard's files and bytes; verbose adds the
// totals and how far the largest shard is above the mean.
func reportPlan(env *env, inputs []logscan.Input, n int, verbose bool) {
	files, bytes := make([]int, n), make([]int64, n)
	var total int64
	for i, s := range logscan.PlanShards(inputs, n) {
		files[s]++
		bytes[s] += max(inputs[i].Size, 0)
		total += max(inputs[i].Size, 0)
	}
	for s := range n {
		env.errorf("shard %d/%d: %d files, %d bytes", s, n, files[s], bytes[s])
	}
	if verbose {
		largest := slices.Max(bytes)
		over := 0.0
		if total > 0 {
			over = 100 * (float64(largest)*float64(n)/float64(total) - 1)
		}
		env.errorf("%d files, %d bytes in %d shards; the largest shard has %d bytes, %.0f%% above the mean", len(inputs), total, n, largest, over)
	}
}

// getenv is os.Getenv; tests of parseShard give their own.
var getenv = os.Getenv
