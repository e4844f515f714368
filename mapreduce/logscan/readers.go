package logscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/logmr/logmr/logparse"
)

// openRaw opens an input's stored bytes; "-" is standard input, which
// closing leaves open. Opening a FIFO ends when ctx is done (openFile).
func openRaw(ctx context.Context, in Input) (io.ReadCloser, error) {
	switch {
	case in.Open != nil:
		return in.Open(ctx)
	case in.Path == "-":
		return io.NopCloser(os.Stdin), nil
	}
	return openFile(ctx, in.Path)
}

// progressReader reports every read to a Progress.
type progressReader struct {
	r io.Reader
	p Progress
}

func (r progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		r.p.Add(int64(n))
	}
	return n, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (r *countingReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.n += int64(n)
	return n, err
}

// rawCounter counts the bytes read through it and keeps the last, and
// with keepHead a copy of the first headBytes.
type rawCounter struct {
	r        io.Reader
	n        int64
	last     byte
	keepHead bool
	head     []byte
}

// headBytes is how much of a file's start a direct read keeps, to check
// that the file was not rewritten while read (the cache).
const headBytes = 4 << 10

func (r *rawCounter) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		if r.keepHead && len(r.head) < headBytes {
			r.head = append(r.head, b[:min(n, headBytes-len(r.head))]...)
		}
		r.n += int64(n)
		r.last = b[n-1]
	}
	return n, err
}

// lineSource hands out an input's lines, first those it buffered to detect
// the format, then the rest from the Scanner.
type lineSource struct {
	sc     *logparse.Scanner
	format *logparse.Format

	sample      [][]byte // copies of the first lines, when detecting
	sampleTrunc []bool
	sampleNext  int  // the next sample line to hand out
	inSample    bool // the current line comes from sample
	// sampledToEOF: detection saw every line there was, fewer than it
	// wanted; more lines could change the format it picks.
	sampledToEOF bool
	base         int64 // lines before the first (a resumed read)
	// parsers is how many goroutines may parse the lines (see
	// scanLinesParallel); 0 or 1: the caller's alone.
	parsers int
	// everyLine: every line is parsed, whatever prefilter the filter
	// allows (readPlan.everyLine).
	everyLine bool
}

// maxSampleBytes bounds the copies made for detection: on binary junk with
// huge "lines", a few lines are as telling as 64.
const maxSampleBytes = 1 << 20

// newLineSource uses format, or detects it from the first lines when nil.
// An input whose first lines parse in no format Detect knows, or none of
// them in format, is an error wrapping logparse.ErrNotAccessLog, unless
// reading them failed (the Scanner's error is then what to report). A
// resumed read (resumed set: the lines go on from a part already read)
// takes format as known.
func newLineSource(sc *logparse.Scanner, format *logparse.Format, resumed bool) (*lineSource, error) {
	// A JSON string may spell a filter's text with \u escapes, and a W3C
	// directive changes the lines after it: every line is parsed.
	ls := &lineSource{sc: sc, format: format, everyLine: format.ParsesEveryLine()}
	if resumed {
		return ls, nil
	}
	sampled := 0
	for len(ls.sample) < logparse.DetectLines && sampled < maxSampleBytes && sc.Scan() {
		ls.sample = append(ls.sample, append([]byte(nil), sc.Bytes()...))
		ls.sampleTrunc = append(ls.sampleTrunc, sc.Truncated())
		sampled += len(sc.Bytes())
	}
	ls.sampledToEOF = len(ls.sample) < logparse.DetectLines && sampled < maxSampleBytes
	if what := logparse.SniffContent(sampleHead(ls.sample)); what != "" {
		// Most likely logs that logmr cannot read (rotated with xz, say):
		// a failure, never skipped, so that the answer says it lacks them.
		return nil, &notLogError{what: what, hint: "which is not read (decompress or unpack it first, e.g. with --input-filter)", unread: true}
	}
	ok := true
	if format == nil {
		format, ok = logparse.Detect(ls.sample)
	} else {
		ok = logparse.Fits(format, ls.sample) || onlyDirectives(format, ls.sample)
	}
	if !ok && sc.Err() == nil {
		return nil, notAccessLog(ls.sample, ls.format) // ls.format: the one given, if any
	}
	if !ok {
		format = logparse.Combined // the read error is reported after the lines
	}
	ls.format = format
	ls.everyLine = format.ParsesEveryLine()
	return ls, nil
}

// onlyDirectives reports whether lines hold directives of format and no
// record, as a W3C log does just after it was started (its header alone).
func onlyDirectives(format *logparse.Format, lines [][]byte) bool {
	if !format.Stateful() {
		return false
	}
	p := logparse.NewParser(format)
	var rec logparse.Record
	seen := false
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		if p.Parse(line, &rec) != logparse.ErrNotRecord {
			return false
		}
		seen = true
	}
	return seen
}

// notAccessLog says why an input's first lines are not a log: what the
// content is, when it is recognisably something else, or else why its
// first line does not parse.
func notAccessLog(sample [][]byte, given *logparse.Format) error {
	if what := logparse.SniffErrorLog(sample); what != "" {
		return &notLogError{what: what}
	}
	if bytes.IndexByte(sampleHead(sample), 0) >= 0 {
		return &notLogError{what: "binary data", hint: "(it holds NUL bytes)", guess: true}
	}
	if given == nil {
		nearest, line, err := logparse.Nearest(sample)
		if err == nil {
			return fmt.Errorf("%w: none of its first %d lines is in a format logmr detects (use --format to name the format)",
				logparse.ErrNotAccessLog, len(sample))
		}
		return fmt.Errorf("%w: none of its first %d lines is in a format logmr detects; nearest is %s, line %d: %v: %s (use --format to name the format)",
			logparse.ErrNotAccessLog, len(sample), nearest.Name, line, err, excerpt(sample[line-1]))
	}
	first := 0
	for first < len(sample)-1 && len(sample[first]) == 0 {
		first++
	}
	var rec logparse.Record
	perr := logparse.NewParser(given).Parse(sample[first], &rec)
	return fmt.Errorf("%w: none of its first %d lines is in the format given; line %d: %v: %s",
		logparse.ErrNotAccessLog, len(sample), first+1, perr, excerpt(sample[first]))
}

// A notLogError is an input that is recognisably something other than an
// access log: an error log, compressed or archived data, binary data. A
// file of a walked directory that is an error log or binary data is
// skipped, not failed (see Stats.Skipped): Debian keeps error.log beside
// access.log. Compressed or archived data fails: it may hold the logs.
type notLogError struct {
	what string // "an Apache error log", "xz-compressed data"
	hint string // what to do, if anything
	// guess: what was seen is no signature but a symptom (NUL bytes),
	// which an input filter's garbage (decrypted with the wrong key,
	// say) shows as well.
	guess bool
	// unread: data that may well hold logs (another compression, an
	// archive) but is not read; never skipped.
	unread bool
}

func (e *notLogError) Error() string {
	msg := logparse.ErrNotAccessLog.Error() + ": it is " + e.what
	if e.hint != "" {
		msg += " " + e.hint
	}
	return msg
}

func (e *notLogError) Unwrap() error { return logparse.ErrNotAccessLog }

// skipped returns the skip of in when err says in is not an access log
// and in was found by walking a directory: named, it fails. Read through
// an input filter (filtered), only a signature (an error log's lines, a
// magic number) is trusted: garbage out of a filter is a failure.
func skipped(in Input, err error, filtered bool) (SkippedInput, bool) {
	var nl *notLogError
	if !in.walked || !errors.As(err, &nl) || nl.unread || filtered && nl.guess {
		return SkippedInput{}, false
	}
	return SkippedInput{Path: in.Path, Reason: nl.what}, true
}

// sampleHead is the first bytes of the text the sample lines came from
// (their line endings all taken as "\n"), enough for SniffContent.
func sampleHead(sample [][]byte) []byte {
	const n = 512
	var head []byte
	for _, line := range sample {
		head = append(head, line[:min(len(line), n-len(head))]...)
		if len(head) == n {
			break
		}
		head = append(head, '\n')
	}
	return head
}

// excerpt quotes the start of a line for an error message.
func excerpt(line []byte) string {
	const n = 80
	if len(line) > n {
		return strconv.Quote(string(line[:n])) + "..."
	}
	return strconv.Quote(string(line))
}

// nextBlock advances to a block of whole lines (logparse.Scanner.ScanBlock)
// once the lines buffered for detection are handed out; false: the next
// line, if any, is read with next.
func (ls *lineSource) nextBlock() bool {
	if ls.sampleNext < len(ls.sample) {
		return false
	}
	ls.inSample = false
	return ls.sc.ScanBlock()
}

// block returns the lines of the last nextBlock, each ending in '\n', and
// the number of the first; valid until the next call to next or nextBlock.
func (ls *lineSource) block() ([]byte, int64) {
	return ls.sc.Block(), ls.base + ls.sc.BlockLine()
}

func (ls *lineSource) next() bool {
	if ls.sampleNext < len(ls.sample) {
		ls.sampleNext++
		ls.inSample = true
		return true
	}
	ls.inSample = false
	return ls.sc.Scan()
}

// bytes returns the current line, valid until the next call to next.
func (ls *lineSource) bytes() []byte {
	if ls.inSample {
		return ls.sample[ls.sampleNext-1]
	}
	return ls.sc.Bytes()
}

func (ls *lineSource) truncated() bool {
	if ls.inSample {
		return ls.sampleTrunc[ls.sampleNext-1]
	}
	return ls.sc.Truncated()
}

func (ls *lineSource) lineNo() int64 {
	if ls.inSample {
		return ls.base + int64(ls.sampleNext)
	}
	return ls.base + ls.sc.Line()
}
