package main

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/subproc"
	"github.com/urfave/cli/v2"
)

// formatFlag is --format, as every command that reads logs takes it.
func formatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: "auto", Usage: "log format: auto (detected per file: common, combined, vhost_combined, caddy, traefik, nginx_json or w3c), " +
		"a name (common, combined, vhost_combined, combinedio, referer, agent, nginx_combined, caddy, traefik, nginx_json, json, w3c), " +
		"a JSON key mapping such as 'json:host=client.ip,time=ts:ms' (docs/formats.md), an Apache LogFormat `STRING` such as '%h %l %u %t \"%r\" %>s %b', " +
		"or an nginx log_format, the string or the whole pasted directive, such as '$remote_addr [$time_local] \"$request\" $status $request_time' " +
		"or \"$(sed -n '/log_format  *main /,/;/p' /etc/nginx/nginx.conf)\""}
}

// queryFlags are the flags every query command shares (docs/reference.md);
// outputs lists the output formats the command writes, the first the default.
func queryFlags(outputs ...outputFormat) []cli.Flag {
	names := make([]string, len(outputs))
	for i, o := range outputs {
		names[i] = string(o)
	}
	return append([]cli.Flag{
		formatFlag(),
		&cli.StringSliceFlag{Name: "include", Usage: "when walking directories, read only files whose name matches `GLOB`; repeatable"},
		&cli.StringSliceFlag{Name: "exclude", Usage: "when walking directories, skip files whose name matches `GLOB`; repeatable"},
		&cli.IntFlag{Name: "workers", Aliases: []string{"j"}, Usage: "read at most `N` files at once (default: all CPUs)"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `FILE` atomically (default: stdout)"},
		&cli.StringFlag{Name: "output-format", Aliases: []string{"O"}, Value: names[0], Usage: strings.Join(names, ", ")},
		&cli.StringFlag{Name: "progress", Value: "auto", Usage: "progress bar on stderr: auto (when stderr is a terminal), always, never"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing on stderr but errors"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print a summary and the first malformed lines on stderr"},
		&cli.StringFlag{Name: "input-filter", Usage: "run each input through `CMD` (e.g. 'openssl enc -d -aes-256-cbc -pbkdf2 -pass env:KEY'; stages joined by |; no shell) before reading it"},
		&cli.StringFlag{Name: "output-filter", Usage: "run the output through `CMD` (e.g. 'gzip -9 | openssl enc -aes-256-cbc -pbkdf2 -pass env:KEY') before stdout or -o"},
		&cli.DurationFlag{Name: "child-timeout", Usage: "kill an input's filter that runs longer than `DURATION` (e.g. 10m) and fail that input"},
		&cli.BoolFlag{Name: "fail-fast", Usage: "stop at the first input that cannot be read (default: report it, go on, exit 3)"},
		&cli.StringFlag{Name: "lock", Usage: "hold an exclusive lock on `FILE` for the run; if another run holds it, exit 75 at once"},
		&cli.DurationFlag{Name: "lock-wait", Usage: "with --lock, wait up to `DURATION` for the lock instead of exiting 75 at once"},
		&cli.StringFlag{Name: "shard", Usage: "read only shard `I/N` of the inputs (I from 0; see logmr plan), or env/N to take I from " +
			"JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID (0-based) or PARALLEL_SEQ (1-based)"},
		csvSafeFlag(),
		&cli.Float64Flag{Name: "max-malformed", Usage: "fail an input whose share of malformed lines is above `RATIO` (e.g. 0.01): a guard against the wrong --format; " +
			"where lines were passed over (see --check-all-lines), the share is estimated from the lines parsed and the sample"},
		&cli.BoolFlag{Name: "check-all-lines", Usage: "parse every line: by default, when the filter names text that every matching line holds " +
			"(--path, --path-prefix, a word in a regex, --vhost), only the lines that hold it and 1 in 64 of the others are parsed; " +
			"the answer is the same, but malformed lines and the time span are counted among the lines parsed"},
	}, filterFlags()...)
}

// decompressorFlag is the flag of the commands that aggregate (hosts,
// count): parse writes records as it reads them and inflates in this
// process (with ISA-L when it loads).
func decompressorFlag() cli.Flag {
	return &cli.StringFlag{Name: "decompressor", Value: string(logscan.DecompressAuto), Usage: "inflate gzip files with `NAME`: " +
		"auto (isal when libisal loads, else go; and igzip, when on PATH, for files with 3 or more cores each), " +
		"isal (Intel ISA-L in this process: package libisal2), go (in this process), " +
		"igzip or pigz (a child process per file); the result is the same with each. " +
		"zstd, xz, bzip2 and lz4 files are always read in this process, whatever NAME"}
}

// queryOptions are the flags every query command shares (queryFlags),
// checked. validateQuery makes them without side effects: every usage
// error is found before openQuery takes the lock or opens the cache.
type queryOptions struct {
	output string       // -o; "": stdout
	format outputFormat // -O
	// logFormat is the --format asked for; nil: detected per input.
	logFormat    *logparse.Format
	outputFilter []subproc.Stage // nil: none
	childTimeout time.Duration
	lockPath     string        // --lock; "": none
	lockWait     time.Duration // --lock-wait
	cacheDir     string        // --cache; "": none
	cacheMaxAge  time.Duration // --cache-max-age; 0: entries do not age out
	csvSafe      bool          // --csv-safe
	quiet        bool
	verbose      bool
	showProgress bool // --progress, decided
	// The lines of cat and tail (entryFlags): --label, --keep-malformed.
	label, keepMalformed bool
	// scan is what the library is asked, but for Cache and Progress,
	// which openQuery sets once it has them.
	scan logscan.ScanOptions
}

// validateQuery turns the shared flags of a query command into options,
// and refuses a command line the library would refuse, naming the flag.
func validateQuery(c *cli.Context, env *env) (queryOptions, error) {
	o := queryOptions{output: c.String("output"), csvSafe: c.Bool("csv-safe"), quiet: c.Bool("quiet"), verbose: c.Bool("verbose"),
		label: c.Bool("label"), keepMalformed: c.Bool("keep-malformed")}
	paths := c.Args().Slice()
	if len(paths) == 0 {
		return o, usagef("%s: no PATH given (use - to read standard input)", c.Command.Name)
	}
	if err := checkOutput(o.output); err != nil {
		return o, err
	}
	format, err := logparse.LookupFormat(c.String("format"))
	if err != nil {
		return o, usagef("--format: %v", err)
	}
	var from string
	if o.format, from, err = outputFormatOf(c); err != nil {
		return o, err
	}
	if err := checkCSVSafe(c, o.format); err != nil {
		return o, err
	}
	if err := checkHuman(c, o.format, from); err != nil {
		return o, err
	}
	o.logFormat = format
	if o.showProgress, err = wantProgress(c.String("progress"), o.quiet, env); err != nil {
		return o, err
	}
	if o.scan, err = validateScan(c, paths, format); err != nil {
		return o, err
	}
	if o.outputFilter, err = splitFilterFlag("output-filter", c.String("output-filter")); err != nil {
		return o, err
	}
	o.childTimeout = o.scan.ChildTimeout
	if o.lockPath, o.lockWait, err = lockFlags(c); err != nil {
		return o, err
	}
	if o.cacheDir, o.cacheMaxAge, err = cacheOptions(c); err != nil {
		return o, err
	}
	return o, probeOutput(o.output)
}

// validateScan turns the flags that say what to read, and how, into the
// library's options.
func validateScan(c *cli.Context, paths []string, format *logparse.Format) (logscan.ScanOptions, error) {
	scan := logscan.ScanOptions{Format: format, FailFast: c.Bool("fail-fast"), MaxMalformed: c.Float64("max-malformed"), CheckAllLines: c.Bool("check-all-lines"),
		ChildTimeout: c.Duration("child-timeout"), Workers: c.Int("workers"),
		Selection: logscan.Selection{Include: c.StringSlice("include"), Exclude: c.StringSlice("exclude")}}
	if scan.Workers < 0 {
		return scan, usagef("--workers %d: must be 0 (all CPUs) or more", scan.Workers)
	}
	var err error
	if scan.Filter, err = parseFilter(c); err != nil {
		return scan, err
	}
	if scan.InputFilter, err = splitFilterFlag("input-filter", c.String("input-filter")); err != nil {
		return scan, err
	}
	if scan.ChildTimeout < 0 {
		return scan, usagef("--child-timeout %v: must be positive", scan.ChildTimeout)
	}
	if ratio := scan.MaxMalformed; !(ratio >= 0 && ratio <= 1) { // NaN fails too
		return scan, usagef("--max-malformed %v: want a ratio from 0 to 1, such as 0.01", ratio)
	}
	if s := c.String("shard"); s != "" {
		if scan.Selection.Shard, err = parseShard(s, getenv); err != nil {
			return scan, err
		}
	}
	if choice := c.String("decompressor"); choice != "" { // hosts and count
		if scan.Decompressor, err = findDecompressor(choice); err != nil {
			return scan, err
		}
	}
	return scan, checkSelection(scan.Selection, paths)
}

// checkSelection refuses, as the library would, a bad --include or
// --exclude glob and a --shard of standard input.
func checkSelection(sel logscan.Selection, paths []string) error {
	for _, pattern := range append(slices.Clip(sel.Include), sel.Exclude...) {
		if _, err := filepath.Match(pattern, ""); err != nil {
			return usagef("--include or --exclude %q: %v", pattern, err)
		}
	}
	if sel.Shard.Count > 0 && slices.Contains(paths, "-") {
		return usagef("--shard: standard input cannot be split into shards")
	}
	return nil
}

// findDecompressor is logscan.FindDecompressor, its refusal worded for
// --decompressor.
func findDecompressor(choice string) (logscan.Decompressor, error) {
	d, err := logscan.FindDecompressor(logscan.DecompressorChoice(choice))
	if err == nil || !errors.Is(err, logscan.ErrInvalidOptions) {
		return d, err
	}
	if logscan.DecompressorChoice(choice) == logscan.DecompressISAL {
		return d, usagef("--decompressor isal: %v", logparse.LoadISAL())
	}
	if pkg, known := decompressorPackages[logscan.DecompressorChoice(choice)]; known {
		return d, usagef("--decompressor %s: not found on PATH (Debian/Ubuntu package %s)", choice, pkg)
	}
	return d, usagef("--decompressor %q: want auto, go, isal, igzip or pigz", choice)
}

// decompressorPackages name the package of each decompressor command.
var decompressorPackages = map[logscan.DecompressorChoice]string{logscan.DecompressIgzip: "isal", logscan.DecompressPigz: "pigz"}

// lockFlags reads --lock and --lock-wait.
func lockFlags(c *cli.Context) (path string, wait time.Duration, err error) {
	path, wait = c.String("lock"), c.Duration("lock-wait")
	if wait < 0 {
		return "", 0, usagef("--lock-wait %v: want 0 or more", wait)
	}
	if path == "" && c.IsSet("lock-wait") {
		return "", 0, usagef("--lock-wait needs --lock FILE")
	}
	return path, wait, nil
}

// wantProgress decides --progress: auto shows the bar when a person
// watches stderr.
func wantProgress(mode string, quiet bool, env *env) (bool, error) {
	switch mode {
	case "auto":
		return !quiet && env.stderrIsTerminal(), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, usagef("--progress %q: want auto, always or never", mode)
}
