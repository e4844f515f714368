// Command genlogs writes a deterministic corpus of rotated Apache combined access logs for
// tests and benchmarks. See package loggen for what the lines contain.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

const usage = `usage: genlogs -out DIR [-files N] [-mib M] [-seed S] [-malformed F] [-robots F] [-gzip LEVEL] [-truth FILE]

Writes N rotated access logs (access.log, access.log.1, access.log.2.gz, ...) of about M MiB
of text each into DIR. The same flags always give byte-identical files.

example:
  go run ./scripts/genlogs -out /tmp/corpus -files 32 -mib 32 -gzip 6 -truth /tmp/corpus.robots

flags:
`

// options are the parsed flags.
type options struct {
	cfg         loggen.Config
	mib         float64
	truth       string
	statusTruth string
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(2)
	}
	if err := run(opts, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genlogs:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("genlogs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	o := &options{}
	fs.StringVar(&o.cfg.Dir, "out", "", "output `directory` (required; created if missing)")
	fs.IntVar(&o.cfg.Files, "files", 8, "number of files")
	fs.Float64Var(&o.mib, "mib", 16, "uncompressed MiB per file (fractions allowed)")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "random seed")
	fs.Float64Var(&o.cfg.MalformedFraction, "malformed", 0.002, "fraction of malformed lines")
	fs.Float64Var(&o.cfg.RobotsFraction, "robots", 0.001, "fraction of well-formed lines requesting /robots.txt")
	fs.IntVar(&o.cfg.GzipLevel, "gzip", 6, "gzip `level` for access.log.2 and older; 0 writes plain text")
	fs.StringVar(&o.truth, "truth", "", "write the expected robots.txt hosts, sorted as logmr prints them, to `file`")
	fs.StringVar(&o.statusTruth, "status-truth", "", "write to `file` what logmr count -O csv --by status --sort key must print")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.cfg.Dir == "":
		return nil, errors.New("-out is required")
	case !(o.mib > 0):
		return nil, fmt.Errorf("-mib %g: want > 0", o.mib)
	}
	o.cfg.BytesPerFile = max(1, int64(o.mib*(1<<20)))
	return o, nil
}

func run(o *options, stderr io.Writer) error {
	start := time.Now()
	t, err := loggen.Generate(o.cfg)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if o.truth != "" {
		if err := writeLines(o.truth, t.SortedRobotsHosts()); err != nil {
			return err
		}
	}
	if o.statusTruth != "" {
		if err := writeLines(o.statusTruth, statusCSV(t.Statuses)); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "genlogs: %d files in %s: %.1f MiB of text, %d lines, %d malformed, %d robots.txt hosts; %.2fs (%.0f MB/s)\n",
		len(t.Files), o.cfg.Dir, float64(t.UncompressedBytes)/(1<<20), t.Lines, t.Malformed,
		len(t.RobotsHosts), elapsed.Seconds(), float64(t.UncompressedBytes)/1e6/elapsed.Seconds())
	return nil
}

// statusCSV is what `logmr count -O csv --by status --sort key` prints for these tallies:
// a header, then one row per status, numerically (every status is three digits).
func statusCSV(tallies map[string]loggen.Tally) []string {
	rows := []string{"status,requests,bytes"}
	for _, code := range slices.Sorted(maps.Keys(tallies)) {
		n := tallies[code]
		rows = append(rows, fmt.Sprintf("%s,%d,%d", code, n.Requests, n.Bytes))
	}
	return rows
}

// writeLines writes each of lines, and a newline, to the file at path.
func writeLines(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	err = w.Flush() // bufio keeps the first write error, so Flush reports it
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
