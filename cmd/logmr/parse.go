package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

func parseCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "parse",
		Usage:     "print every record as JSON lines, a JSON array, CSV or TSV: logs -> structured data",
		ArgsUsage: "PATH...",
		Description: `Each well-formed line that passes the filters becomes one JSON object (or
CSV/TSV row) with a member per field of its format: host, ident, user, time
(RFC 3339 with the logged offset), request, method, target, protocol, status,
bytes, referer, user_agent, vhost, port, and snake_case names for the other
directives (duration_us for %D, bytes_out for %O, header_x_forwarded_for for
%{X-Forwarded-For}i, ...). A field logged as "-" is null (an empty CSV cell);
Apache's escapes are decoded. Output follows the input: files in argument
order, lines in file order, whatever -j is.

CSV and TSV have one header row: the fields of --format, or with --format auto
the fields of common, combined and vhost_combined together.

-O text aligns the columns for people: the records go to an unlinked
temporary file first (in $TMPDIR), then are written padded; "-" is a null.
--malformed prints the lines that do not parse instead, with file, line number
and reason (-O text for people, jsonl, json, csv or tsv for tools).

Examples:
   logmr parse access.log.2.gz | jq -r 'select(.status >= 500) | .target'
   logmr parse -O csv -o access.csv /var/log/apache2
   logmr parse --format '%h %l %u %t "%r" %>s %b %D' --path /login app.log
   logmr parse --malformed -O text --format combined access.log`,
		Flags: append(queryFlags(outJSONL, outJSON, outCSV, outTSV, outText),
			&cli.BoolFlag{Name: "malformed", Usage: "print the lines that do not parse, with file:line and reason, instead of the records"}),
		OnUsageError: onUsageError,
		Action:       action(env, validateParse, runParse),
	}
}

// parseOptions are parse's flags.
type parseOptions struct {
	query     queryOptions
	malformed bool // --malformed: the lines that do not parse, not the records
}

func validateParse(c *cli.Context, env *env) (parseOptions, error) {
	q, err := validateQuery(c, env)
	return parseOptions{query: q, malformed: c.Bool("malformed")}, err
}

// runParse acquires the lock and progress bar and streams the records of
// paths (or the malformed lines) to the output.
func runParse(ctx context.Context, env *env, o parseOptions, paths []string) error {
	q, err := openQuery(ctx, env, o.query, paths)
	if err != nil {
		return err
	}
	return q.writeRecords(ctx, o.malformed)
}

// writeRecords streams the records (or the malformed lines) to the output.
func (q *query) writeRecords(ctx context.Context, malformed bool) error {
	out, header := q.recordOutput(malformed)
	start := time.Now()
	var st logscan.Stats
	var runErr error
	werr := q.writeOutput(ctx, func(w io.Writer) error {
		var closer interface{ Close() error }
		switch {
		case q.format == outJSON:
			array := &jsonArrayWriter{w: w}
			w, closer = array, array
		case q.format == outText && !malformed:
			aligned, err := newAlignedWriter(ctx, w, q.output == "" && isTerminal(q.env.stdout))
			if err != nil {
				return err
			}
			defer aligned.release()
			w, closer = aligned, aligned
		}
		if _, err := w.Write(header); err != nil {
			return err
		}
		st, runErr = logscan.WriteRecords(ctx, q.paths, w, out, q.scan)
		if closer != nil && (runErr == nil || readSome(st)) {
			if err := closer.Close(); err != nil && runErr == nil {
				runErr = err
			}
		}
		var failed *mapreduce.FailedInputs
		switch {
		case errors.As(runErr, &failed) && readSome(st):
			return nil // the records read stand; exit 3 below
		case runErr != nil:
			return runErr
		case st.Inputs == 0:
			return noInputError(q.paths, st)
		}
		return nil
	})
	q.progress.finish()
	var failed *mapreduce.FailedInputs
	if errors.As(runErr, &failed) {
		for _, e := range failed.Errs {
			q.env.errorf("%v", e)
		}
		if !readSome(st) {
			return fmt.Errorf("no input could be read: no result written")
		}
	}
	if werr != nil {
		return werr
	}
	q.report(st, time.Since(start))
	return runErr
}

// recordOutput encodes records, or malformed lines, in q's output format;
// header is what goes first (CSV and TSV column names).
func (q *query) recordOutput(malformed bool) (out logscan.RecordOutput, header []byte) {
	var table *logparse.Table
	// Text records are TSV first (alignedWriter aligns them); text
	// --malformed lines are written as they are.
	textRecords := q.format == outText && !malformed
	if q.format == outCSV || q.format == outTSV || textRecords {
		columns := logparse.AutoColumns
		switch {
		case malformed:
			columns = []string{"file", "line", "error", "text"}
		case q.logFormat != nil:
			columns = logparse.ColumnsOf(q.logFormat)
		}
		// -O text is TSV on its way to alignedWriter: for people, exact.
		table = logparse.NewTableWith(columns, logparse.TableOptions{TSV: q.format != outCSV, FormulaSafe: q.csvSafe})
		header = table.AppendHeader(nil)
	}
	if !malformed {
		if table != nil {
			out.Record = table.AppendRow
		} else {
			out.Record = logparse.AppendJSON
		}
		return out, header
	}
	out.Malformed = func(dst []byte, e *logparse.LineError, line []byte) []byte {
		lineNo := strconv.FormatInt(e.Line, 10)
		switch q.format {
		case outText:
			return fmt.Appendf(dst, "%s:%d: %v: %s\n", e.File, e.Line, e.Err, escapeControl(string(line)))
		case outJSONL, outJSON:
			dst = append(dst, `{"file":`...)
			dst = logparse.AppendJSONString(dst, e.File)
			dst = append(append(dst, `,"line":`...), lineNo...)
			dst = logparse.AppendJSONString(append(dst, `,"error":`...), e.Err.Error())
			dst = logparse.AppendJSONString(append(dst, `,"text":`...), string(line))
			return append(dst, '}', '\n')
		}
		return table.AppendCells(dst, e.File, lineNo, e.Err.Error(), string(line))
	}
	return out, header
}

// readSome reports whether a run read anything: an input to its end, or
// the lines of one before it failed (a truncated gzip), which parse keeps.
func readSome(st logscan.Stats) bool { return st.Inputs > 0 || st.Lines > 0 }

// jsonArrayWriter turns JSON lines into one JSON array: "[" first, a comma
// before every line but the first, "]" at Close. JSON lines hold a raw
// newline only between values (inside strings it is escaped), so each
// newline followed by more output starts the next element.
type jsonArrayWriter struct {
	w       io.Writer
	started bool // "[" written
	between bool // the last byte written ended a line
	buf     []byte
}

func (a *jsonArrayWriter) Write(p []byte) (int, error) {
	n := len(p)
	a.buf = a.buf[:0]
	if !a.started {
		a.buf, a.started = append(a.buf, '['), true
	}
	for len(p) > 0 {
		if a.between {
			a.buf, a.between = append(a.buf, ','), false
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			a.buf, p = append(a.buf, p...), nil
			break
		}
		a.buf, p, a.between = append(a.buf, p[:i+1]...), p[i+1:], true
	}
	if _, err := a.w.Write(a.buf); err != nil {
		return 0, err
	}
	return n, nil
}

// Close ends the array; with no element it is "[]".
func (a *jsonArrayWriter) Close() error {
	end := "]\n"
	if !a.started {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}

// alignedWriter writes TSV rows as aligned text columns. Column widths are
// known only at the end, so rows go to an unlinked temporary file while
// the widths are measured, and Close writes them out padded: memory stays
// bounded whatever the number of records. On a terminal, control
// characters are escaped. Cancelling ctx stops Close between two rows.
type alignedWriter struct {
	ctx      context.Context
	out      io.Writer
	spool    *os.File
	buffered *bufio.Writer
	widths   []int
	partial  []byte // an unfinished line across Writes
	terminal bool
}

func newAlignedWriter(ctx context.Context, out io.Writer, terminal bool) (*alignedWriter, error) {
	f, err := os.CreateTemp("", "logmr-text-*")
	if err != nil {
		return nil, fmt.Errorf("-O text needs a temporary file: %w", err)
	}
	os.Remove(f.Name()) // unlinked: nothing is left behind, whatever happens
	return &alignedWriter{ctx: ctx, out: out, spool: f, buffered: bufio.NewWriterSize(f, 1<<20), terminal: terminal}, nil
}

func (a *alignedWriter) Write(p []byte) (int, error) {
	if _, err := a.buffered.Write(p); err != nil {
		return 0, err
	}
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			a.partial = append(a.partial, rest...)
			return len(p), nil
		}
		line := rest[:i]
		if len(a.partial) > 0 {
			line = append(a.partial, line...)
			a.partial = a.partial[:0]
		}
		a.measure(line)
		rest = rest[i+1:]
	}
}

func (a *alignedWriter) measure(line []byte) {
	for j, cell := range bytes.Split(line, []byte{'\t'}) {
		if j == len(a.widths) {
			a.widths = append(a.widths, 0)
		}
		a.widths[j] = max(a.widths[j], utf8.RuneCountInString(a.cell(cell)))
	}
}

func (a *alignedWriter) cell(c []byte) string {
	switch {
	case len(c) == 0:
		return "-"
	case a.terminal:
		return escapeControl(string(c))
	}
	return string(c)
}

// Close writes the spooled rows, aligned. It returns the cause of the
// context's cancellation as soon as it sees it: the rows may be many and
// the reader slow (a terminal), and an interrupted run must stop at once.
func (a *alignedWriter) Close() error {
	if err := a.buffered.Flush(); err != nil {
		return err
	}
	if _, err := a.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(a.spool)
	sc.Buffer(nil, 1<<30)
	w := bufio.NewWriter(a.out)
	done := a.ctx.Done()
	for sc.Scan() {
		select {
		case <-done:
			return context.Cause(a.ctx)
		default:
		}
		cells := bytes.Split(sc.Bytes(), []byte{'\t'})
		for j, c := range cells {
			text := a.cell(c)
			w.WriteString(text)
			if j < len(cells)-1 {
				w.WriteString(strings.Repeat(" ", a.widths[j]-utf8.RuneCountInString(text)+2))
			}
		}
		w.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return w.Flush()
}

func (a *alignedWriter) release() { a.spool.Close() }
