package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/urfave/cli/v2"
)

type outputFormat string

const (
	outText  outputFormat = "text"
	outJSON  outputFormat = "json"
	outJSONL outputFormat = "jsonl"
	outCSV   outputFormat = "csv"
	outTSV   outputFormat = "tsv"
	outHTML  outputFormat = "html" // report, and merge of report partials
	// outRaw is each line as logged: the default of cat and tail, which
	// alone accept it (see entryFlags).
	outRaw outputFormat = "raw"
)

func parseOutputFormat(s string) (outputFormat, error) {
	switch f := outputFormat(s); f {
	case outText, outJSON, outJSONL, outCSV, outTSV, outHTML, outRaw:
		return f, nil
	}
	return "", usagef("--output-format %q: want text, json, jsonl, csv or tsv", s)
}

// extensionFormats are the output formats an -o FILE's extension names.
var extensionFormats = map[string]outputFormat{
	".json": outJSON, ".jsonl": outJSONL, ".ndjson": outJSONL, ".csv": outCSV, ".tsv": outTSV,
}

// outputFormatOf returns -O; when it is not given, the format the -o
// FILE's extension names (extensionFormats), else the command's default.
// Nothing is inferred through an --output-filter (r.json.gz is whatever
// the filter makes of -O), nor for --partial, which has no format. from
// says where the format came from, for messages.
func outputFormatOf(c *cli.Context) (f outputFormat, from string, err error) {
	writesHTML := c.Command.Name == "report" || c.Command.Name == "merge"
	if !c.IsSet("output-format") && c.String("output-filter") == "" && !c.Bool("partial") {
		ext := strings.ToLower(filepath.Ext(c.String("output")))
		if f, ok := extensionFormats[ext]; ok {
			return f, string(f) + " (the extension of -o " + c.String("output") + ")", nil
		}
		if writesHTML && (ext == ".html" || ext == ".htm") {
			return outHTML, "html (the extension of -o " + c.String("output") + ")", nil
		}
	}
	f, err = parseOutputFormat(c.String("output-format"))
	if err == nil && f == outHTML && !writesHTML {
		return f, "", usagef("-O html: only logmr report (and merge of its partials) writes HTML")
	}
	if err == nil && f == outRaw && !printsLines(c.Command) {
		err = usagef("--output-format raw: only cat and tail print lines as logged; want text, json, jsonl, csv or tsv")
	}
	return f, "-O " + string(f), err
}

// printsLines reports whether cmd prints log lines (cat, tail: the
// commands with entryFlags), which -O raw writes as logged.
func printsLines(cmd *cli.Command) bool {
	return cmd != nil && slices.ContainsFunc(cmd.Flags, func(f cli.Flag) bool { return f.Names()[0] == "label" })
}

// checkHuman refuses --human where there is no text to make readable.
func checkHuman(c *cli.Context, f outputFormat, from string) error {
	if c.Bool("human") && f != outText {
		return usagef("--human applies to -O text, not to %s", from)
	}
	return nil
}

// writeOptions say how a result is written, besides its format.
type writeOptions struct {
	terminal bool // -O text: escape control characters (stdout is a terminal)
	human    bool // count, -O text: --human
	csvSafe  bool // -O csv, tsv: --csv-safe
}

// csvSafeFlag is the flag of every command that writes CSV.
func csvSafeFlag() cli.Flag {
	return &cli.BoolFlag{Name: "csv-safe", Usage: "-O csv or tsv for spreadsheets: prefix ' to every text cell from the logs " +
		"that starts with =, +, -, @, tab or CR, so that a spreadsheet shows it instead of running it as a formula " +
		"(CSV injection); numbers are never changed. Without it every cell is the exact data"}
}

// checkCSVSafe refuses --csv-safe where there is no CSV or TSV to make safe.
func checkCSVSafe(c *cli.Context, f outputFormat) error {
	if c.Bool("csv-safe") && f != outCSV && f != outTSV {
		return usagef("--csv-safe applies to -O csv and -O tsv, not -O %s", f)
	}
	return nil
}

// table returns the CSV or TSV encoder of f.
func (f outputFormat) table(header []string, o writeOptions) *logparse.Table {
	return logparse.NewTableWith(header, logparse.TableOptions{TSV: f == outTSV, FormulaSafe: o.csvSafe})
}

// writeHosts writes hosts in f. Text bound for a terminal has its control
// characters escaped: a log line can carry ANSI escape sequences, and they
// must never reach a terminal raw. The machine formats are exact, unless
// --csv-safe asks otherwise.
func (f outputFormat) writeHosts(w io.Writer, hosts []string, o writeOptions) error {
	switch f {
	case outJSON:
		if hosts == nil {
			hosts = []string{}
		}
		b, err := json.Marshal(hosts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case outJSONL:
		enc := json.NewEncoder(w)
		for _, h := range hosts {
			if err := enc.Encode(h); err != nil {
				return err
			}
		}
		return nil
	case outCSV, outTSV:
		table := f.table([]string{"host"}, o)
		bw := bufio.NewWriter(w)
		buf := table.AppendHeader(nil)
		for _, h := range hosts {
			bw.Write(buf)
			buf = table.AppendCells(buf[:0], h)
		}
		bw.Write(buf)
		return bw.Flush()
	}
	for _, h := range hosts {
		if o.terminal {
			h = escapeControl(h)
		}
		if _, err := fmt.Fprintln(w, h); err != nil {
			return err
		}
	}
	return nil
}

// escapeControl writes control characters (C0, DEL, C1) as \xHH or \uHHHH.
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case isControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// writeOutput runs write against stdout, or against a temporary file in the
// directory of path that is renamed over path once complete: readers of path
// never see a half-written result, and a failed or interrupted run leaves
// path untouched (see createTemp for what a killed one leaves). A path that
// is a link is followed, dangling or not, and the link stays; one that is
// not a regular file (a FIFO, /dev/stdout) is written in place.
func writeOutput(ctx context.Context, path string, stdout io.Writer, write func(io.Writer) error) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if path == "" || path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	target, existing, err := resolveOutput(path)
	if err == nil {
		if existing != nil && !existing.Mode().IsRegular() {
			err = writeInPlace(target, write)
		} else {
			err = writeAtomically(ctx, target, existing, write)
		}
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	return nil
}

// checkOutput refuses an -o that is a directory, or whose directory is
// missing or not a directory, before any input is read: a bad -o value, a
// usage error (exit 2) like a bad -O, not a failed run after minutes of
// work. The message names the path given.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	target, existing, rerr := resolveOutput(path)
	if rerr != nil {
		target = path // a/b when a is a file: say so below; else writeOutput reports it
	}
	if existing != nil && existing.IsDir() {
		return usagef("--output %s is a directory", path)
	}
	dir := filepath.Dir(target)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("--output %s: directory %s does not exist", path, dir)
	case errors.Is(err, syscall.ENOTDIR), err == nil && !info.IsDir():
		return usagef("--output %s: %s is not a directory", path, dir)
	}
	return nil
}

// probeOutput fails at once (exit 1) when no file can be created in -o's
// directory (no write permission, a read-only file system), rather than
// when the result is written, after all the input was read: it creates
// the temporary file writeOutput will, and removes it. It runs after
// every usage check, which come first.
func probeOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	target, existing, err := resolveOutput(path)
	if err != nil || existing != nil && !existing.Mode().IsRegular() {
		return nil // writeOutput says what is wrong; a FIFO or device is written in place
	}
	dir := filepath.Dir(target)
	tmp, err := createTemp(target)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // not the temporary file's name
		}
		return fmt.Errorf("--output %s: cannot create a file in %s: %w", path, dir, err)
	}
	tmp.discard()
	return nil
}

// maxOutputLinks bounds the chain of links resolveOutput follows, as the
// kernel's ELOOP does.
const maxOutputLinks = 40

// resolveOutput follows path through symbolic links, dangling ones too, to
// the file a write should replace or create, and returns it with its
// FileInfo (nil if it does not exist yet). A relative link is read from
// the directory that holds it.
func resolveOutput(path string) (target string, existing fs.FileInfo, err error) {
	target = path
	for links := 0; ; links++ {
		info, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return target, info, nil
		}
		if links == maxOutputLinks {
			return "", nil, fmt.Errorf("more than %d symbolic links, the last %s", maxOutputLinks, target)
		}
		if err := checkLinkOwner(target, info); err != nil {
			return "", nil, err
		}
		if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
			// A FIFO or device at the end of links the kernel resolves,
			// some of which Readlink cannot (/dev/stdout to a pipe:
			// /proc/self/fd/1 reads "pipe:[…]"): written in place,
			// through this name.
			return target, fi, nil
		}
		dest, err := os.Readlink(target)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(dest) {
			dir, err := filepath.EvalSymlinks(filepath.Dir(target))
			if err != nil {
				return "", nil, err
			}
			dest = filepath.Join(dir, dest)
		}
		target = dest
	}
}

// checkLinkOwner refuses the link at path, with info, that another user
// planted in a sticky world-writable directory such as /tmp, as the
// kernel's protected_symlinks does for the links it follows: -o
// /tmp/report.html from root's cron would otherwise replace the file any
// user's link there names (/etc/passwd).
func checkLinkOwner(path string, info fs.FileInfo) error {
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return err
	}
	link, ok1 := info.Sys().(*syscall.Stat_t)
	d, ok2 := dir.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 || dir.Mode()&fs.ModeSticky == 0 || dir.Mode().Perm()&0o002 == 0 {
		return nil
	}
	if euid := uint32(os.Geteuid()); link.Uid != euid && link.Uid != d.Uid {
		return fmt.Errorf("%s is a symbolic link of another user in the world-writable %s: not followed", path, filepath.Dir(path))
	}
	return nil
}

func writeInPlace(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeAtomically writes a temporary file beside path (createTemp) and
// renames it over path, unless ctx is cancelled first. A new file gets 0666
// less the umask, as any file a command creates; a replaced one keeps its
// mode.
func writeAtomically(ctx context.Context, path string, existing fs.FileInfo, write func(io.Writer) error) (err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer onForcedExit(tmp.removeName)()
	defer func() {
		if err != nil {
			tmp.discard()
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if existing != nil {
		if err = tmp.Chmod(existing.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = context.Cause(ctx); err != nil {
		return err // interrupted: the old file stays
	}
	return tmp.commit(path)
}

// writeCount writes a count's rows in f: a header (or member names) of the
// --by fields, requests and bytes. In JSON a status is a number and an
// absent key null; in CSV and TSV it is an empty cell, in text "-".
func (f outputFormat) writeCount(w io.Writer, res *jobs.CountResult, o writeOptions) error {
	header := make([]string, 0, len(res.By)+2)
	for _, by := range res.By {
		header = append(header, string(by))
	}
	header = append(header, "requests", "bytes")
	bw := bufio.NewWriter(w)
	switch f {
	case outJSON, outJSONL:
		if f == outJSON {
			bw.WriteString("[")
		}
		var buf []byte
		first := true
		for row := range res.All() {
			buf = buf[:0]
			if f == outJSON && !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, '{')
			for j, by := range res.By {
				buf = logparse.AppendJSONString(buf, string(by))
				buf = append(buf, ':')
				switch {
				case row.Absent[j]:
					buf = append(buf, "null"...)
				case by == jobs.ByStatus:
					buf = append(buf, row.Key[j]...)
				default:
					buf = logparse.AppendJSONString(buf, row.Key[j])
				}
				buf = append(buf, ',')
			}
			buf = fmt.Appendf(buf, `"requests":%d,"bytes":%d}`, row.Requests, row.Bytes)
			if f == outJSONL {
				buf = append(buf, '\n')
			}
			bw.Write(buf)
		}
		if f == outJSON {
			bw.WriteString("]\n")
		}
	case outCSV, outTSV:
		table := f.table(header, o)
		bw.Write(table.AppendHeader(nil))
		cells := make([]string, len(header))
		for row := range res.All() {
			copy(cells, row.Key) // absent keys are "" already
			cells[len(res.By)] = strconv.FormatInt(row.Requests, 10)
			cells[len(res.By)+1] = strconv.FormatInt(row.Bytes, 10)
			bw.Write(table.AppendCells(nil, cells...))
		}
	default:
		writeCountText(bw, header, res, o.terminal, o.human)
	}
	if err := res.Err(); err != nil { // reading back spilled counts failed
		return err
	}
	return bw.Flush()
}

// writeCountText writes aligned columns: keys left-aligned, numbers right.
// It reads the rows twice, to size the columns, rather than hold them, and
// makes no garbage per row (a count may have millions).
func writeCountText(w *bufio.Writer, header []string, res *jobs.CountResult, terminal, human bool) {
	n := len(res.By)
	var num [2][]byte // scratch for the two numbers of a row
	cell := func(row *jobs.CountRow, j int) string {
		switch {
		case j >= n:
			return "" // numbers are formatted into num
		case row.Absent[j]:
			return "-"
		case terminal:
			return escapeControl(row.Key[j]) // allocates only for a control character
		}
		return row.Key[j]
	}
	formatNumbers := func(row *jobs.CountRow) {
		if human {
			num[0], num[1] = append(num[0][:0], groupThousands(row.Requests)...), append(num[1][:0], humanBytes(row.Bytes)...)
		} else {
			num[0], num[1] = strconv.AppendInt(num[0][:0], row.Requests, 10), strconv.AppendInt(num[1][:0], row.Bytes, 10)
		}
	}
	widths := make([]int, len(header))
	for j, h := range header {
		widths[j] = len(h)
	}
	for row := range res.All() {
		for j := range n {
			widths[j] = max(widths[j], utf8.RuneCountInString(cell(row, j)))
		}
		formatNumbers(row)
		widths[n], widths[n+1] = max(widths[n], len(num[0])), max(widths[n+1], len(num[1]))
	}
	pad := func(k int) {
		for ; k > 0; k-- {
			w.WriteByte(' ')
		}
	}
	writeLine := func(keys func(j int) string, requests, bytes []byte) {
		for j := range n {
			k := keys(j)
			w.WriteString(k)
			pad(widths[j] - utf8.RuneCountInString(k) + 2)
		}
		pad(widths[n] - len(requests))
		w.Write(requests)
		pad(2 + widths[n+1] - len(bytes))
		w.Write(bytes)
		w.WriteByte('\n')
	}
	writeLine(func(j int) string { return header[j] }, []byte(header[n]), []byte(header[n+1]))
	for row := range res.All() {
		formatNumbers(row)
		writeLine(func(j int) string { return cell(row, j) }, num[0], num[1])
	}
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, suffix := float64(n), "B"
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + suffix
}
