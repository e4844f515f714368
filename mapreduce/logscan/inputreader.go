package logscan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/subproc"
)

// readPlan is how one input is read: what ScanOptions ask for, as the scan
// settled it for that input (without the child decompressor for an input
// with no cores to spare, or for Go's second reading; see readWithFallback).
type readPlan struct {
	format       *logparse.Format  // nil: detected from the first lines
	inputFilter  []subproc.Stage   // children the stored bytes go through first
	childTimeout time.Duration     // of inputFilter; 0: no limit
	progress     Progress          // nil: none
	keepHead     bool              // a direct read keeps its first headBytes (the cache checks them)
	decompressor subproc.Stage     // nil: gzip is inflated in this process
	inProcess    logparse.Inflater // what inflates gzip in this process
	parsers      int               // goroutines that may parse what decompressor inflates
	readAhead    bool              // Go inflates on a goroutine of its own (logparse.StreamOptions)
	// everyLine parses every line of the input, even when the filter
	// allows a literal prefilter: its Stats then have Parsed == Lines and
	// a complete time span. ScanOptions.CheckAllLines sets it for every
	// input; a scan may set it for one (cachewindow.go does, to learn a
	// file's time range).
	everyLine bool
	// rereadInGo: a read error of ISA-L's is errNativeFailed, so that Go
	// reads the input again and its error, which may say a line more or
	// less of a file cut short, is the one reported (see readWithFallback).
	rereadInGo bool
}

// newReadPlan is the plan opts ask for.
func newReadPlan(opts ScanOptions, readAhead bool) readPlan {
	return readPlan{format: opts.Format, inputFilter: opts.InputFilter, childTimeout: opts.ChildTimeout,
		progress: opts.Progress, keepHead: opts.Cache != nil, decompressor: opts.Decompressor.Command,
		inProcess: opts.Decompressor.InProcess, readAhead: readAhead, everyLine: opts.CheckAllLines}
}

// An inputReader is one input opened for reading: its stored bytes, the
// stages that turn them into log text, and the lines of that text, which
// Lines hands out. The stages are an input filter's children then Go's
// inflater (gzip sniffed in what the filter writes); or, read directly, a
// child decompressor or Go's inflater. Its format is known once it is
// open: given, or detected from the first lines.
//
// Whoever opens one calls close once, whatever happened: close waits for
// the children, returns the pooled Scanner, and closes the file that
// openInput opened. An inputReader is used by one goroutine.
type inputReader struct {
	ctx  context.Context
	plan readPlan

	file      io.ReadCloser // the stored bytes; closed by close when ownFile
	ownFile   bool
	stdin     bool
	watch     *fileWatch  // nil: not a regular file (see watchFile)
	stopClose func() bool // stops closing file when ctx is done

	counter *rawCounter       // a direct read's stored bytes
	filter  *subproc.Pipeline // the input filter, if any
	child   *subproc.Pipeline // the child decompressor, if it runs
	tail    *gzipTail         // what the child was given
	stream  *logparse.Stream  // Go's inflater, if it runs
	text    *countingReader   // the log text
	sc      *logparse.Scanner // pooled: given back by close
	ls      *lineSource       // nil until the format is known
	first   int64             // lines before the first (a resumed read)
	// textFailed: reading the text failed (a corrupt or truncated gzip
	// stream, an I/O error), rather than what was made of its lines.
	textFailed bool
}

// openInput opens in and its stages: it opens the file itself so that at
// most Workers files are open at once. An input that is not an access log
// fails here (see newLineSource), as does a stage that cannot start.
func openInput(ctx context.Context, in Input, plan readPlan) (*inputReader, error) {
	file, err := openRaw(ctx, in)
	if err != nil {
		return nil, err
	}
	r, err := openReader(ctx, file, in, plan)
	if err != nil {
		file.Close()
		return nil, err
	}
	r.ownFile = true
	return r, nil
}

// openReader is openInput for file, the opened in, which the caller
// closes. close fails the input with ErrChanged if the file shrank or was
// replaced while read. Until close, file is closed when ctx is cancelled:
// a read from a pipe or FIFO can block forever, and that wakes it.
func openReader(ctx context.Context, file io.ReadCloser, in Input, plan readPlan) (*inputReader, error) {
	watch, err := watchFile(file, in)
	if err != nil {
		return nil, err
	}
	r := &inputReader{ctx: ctx, plan: plan, file: file, stdin: in.Path == "-", watch: watch}
	r.stopClose = context.AfterFunc(ctx, func() { file.Close() })
	if err := r.start(); err != nil {
		_, err = r.close(err)
		return nil, err
	}
	return r, nil
}

// openText reads log text in format (nil: detected from the first lines),
// the first line numbered firstLine+1; it is read as it is, with no stage,
// every line parsed when everyLine is set (readPlan.everyLine).
func openText(text io.Reader, format *logparse.Format, firstLine int64, everyLine bool) (*inputReader, error) {
	r := &inputReader{ctx: context.Background(), plan: readPlan{format: format, everyLine: everyLine}}
	if err := r.startText(text, firstLine); err != nil {
		_, err = r.close(err)
		return nil, err
	}
	return r, nil
}

// Lines returns the input's lines, valid until close.
func (r *inputReader) Lines() *lineSource { return r.ls }

func (r *inputReader) start() error {
	var raw io.Reader = r.file
	if r.plan.progress != nil {
		raw = progressReader{r: r.file, p: r.plan.progress}
	}
	if len(r.plan.inputFilter) == 0 {
		r.counter = &rawCounter{r: raw, keepHead: r.plan.keepHead}
		if r.plan.decompressor != nil && !r.stdin {
			return r.startChild(r.counter)
		}
		return r.startGo(r.counter)
	}
	// The file (an *os.File, unless progress wraps it) is the first
	// child's stdin itself; what the last child writes is read as the
	// input, gzip sniffed as from a file.
	if f, ok := r.file.(*os.File); ok && r.plan.progress == nil {
		raw = f
	} else if r.stdin && r.plan.progress == nil {
		raw = os.Stdin // handed over too: a copying goroutine could block Wait on a slow producer
	}
	filter, err := subproc.Start(r.ctx, r.plan.inputFilter, raw, nil, subproc.Options{Timeout: r.plan.childTimeout})
	if err != nil {
		return fmt.Errorf("input filter: %w", err)
	}
	r.filter = filter
	return r.startGo(filter.Stdout())
}

// startGo sniffs raw (a file, or a filter's output) and inflates it in
// this process if it is gzip.
func (r *inputReader) startGo(raw io.Reader) error {
	stream, err := logparse.NewStreamWith(raw, logparse.StreamOptions{ReadAhead: r.plan.readAhead, Inflater: r.plan.inProcess})
	if err != nil {
		return err
	}
	r.stream = stream
	return r.startText(stream, 0)
}

// startChild inflates raw, a gzip file, in the child plan.decompressor.
// Its output is read as plain text: a file that is gzip inside gzip is
// inflated once, as in Go. See closeChild for when it fails.
func (r *inputReader) startChild(raw io.Reader) error {
	br := bufio.NewReaderSize(raw, 64<<10)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return r.startGo(br) // not gzip: nothing to inflate
	}
	r.tail = &gzipTail{r: br}
	child, err := subproc.Start(r.ctx, []subproc.Stage{r.plan.decompressor}, r.tail, nil, subproc.Options{})
	if err != nil {
		return fmt.Errorf("%w: %v", errNativeFailed, err)
	}
	r.child = child
	if err := r.startText(child.Stdout(), 0); err != nil {
		return err
	}
	r.ls.parsers = r.plan.parsers
	return nil
}

// startText reads lines of text and picks their format.
func (r *inputReader) startText(text io.Reader, firstLine int64) error {
	r.text = &countingReader{r: text}
	r.sc = scanners.Get().(*logparse.Scanner)
	r.sc.Reset(r.text)
	r.first = firstLine
	ls, err := newLineSource(r.sc, r.plan.format, firstLine > 0)
	if err != nil {
		return err
	}
	ls.base = firstLine
	ls.everyLine = ls.everyLine || r.plan.everyLine
	r.ls = ls
	return nil
}

// close ends the read and says what was read. err is how reading the
// lines ended (nil: Lines was read to the end, or as far as wanted with
// no error). It closes the stages from the text outwards, each deciding
// which error explains the input's failure: a failing input filter's
// over what its garbage was taken for, a failing child decompressor's as
// errNativeFailed. It waits for every child.
func (r *inputReader) close(err error) (readResult, error) {
	res, err := r.closeText(err)
	if r.child != nil {
		res, err = r.closeChild(res, err)
	} else if r.stream != nil {
		r.stream.Close()
		res.compressed = r.stream.Compressed()
		res.inflater = streamInflater(r.stream)
		if res.inflater == InflatedByISAL && r.textFailed && r.plan.rereadInGo && r.ctx.Err() == nil {
			err = fmt.Errorf("%w: %v", errNativeFailed, err)
		}
	}
	if r.counter != nil {
		res.raw, res.endsWithNewline, res.head = r.counter.n, r.counter.last == '\n', r.counter.head
	} else if r.filter != nil {
		res, err = r.closeFilter(res, err)
	}
	if r.stopClose != nil {
		r.stopClose()
	}
	if err == nil {
		read := res.raw
		if len(r.plan.inputFilter) > 0 {
			read = -1
		}
		err = r.watch.check(read)
	}
	if r.ownFile {
		r.file.Close()
	}
	return res, err
}

// closeText gives the Scanner back, and reports a read error (a truncated
// gzip file) as readError does.
func (r *inputReader) closeText(err error) (readResult, error) {
	if r.sc == nil {
		return readResult{}, err
	}
	defer func() {
		r.sc.Reset(nil) // drop the stream: a pooled Scanner must not pin an inflater
		scanners.Put(r.sc)
		r.sc = nil
	}()
	if err != nil {
		return readResult{}, err
	}
	if err := r.sc.Err(); err != nil {
		r.textFailed = true
		return readResult{}, readError(r.sc, r.first, err)
	}
	return readResult{text: r.text.n, format: r.ls.format, settled: (r.plan.format != nil || !r.ls.sampledToEOF) && !r.ls.format.Stateful()}, nil
}

// closeChild waits for the child decompressor. A child that failed, output
// that does not read as a log, or output that does not end where the
// stream's last gzip trailer says it should, is errNativeFailed: Go then
// decides what is wrong with the input, so that the error is the one it
// would give alone. The trailer check is what keeps the answer Go's: igzip
// ignores data after the last member, where Go reports ErrTrailingData. It
// costs a multi-member file (whose last member is not all of the text) a
// second reading, in Go.
func (r *inputReader) closeChild(res readResult, err error) (readResult, error) {
	werr := r.child.Wait()
	switch {
	case r.ctx.Err() != nil:
		return readResult{}, r.ctx.Err()
	case werr != nil:
		return readResult{}, fmt.Errorf("%w: %v", errNativeFailed, werr)
	case err != nil:
		return readResult{}, fmt.Errorf("%w: %v", errNativeFailed, err)
	case !r.tail.endsWith(res.text):
		return readResult{}, fmt.Errorf("%w: its output does not end where the input's last gzip trailer says", errNativeFailed)
	}
	res.compressed = true
	res.inflater = InflatedByChild(r.plan.decompressor[0])
	return res, nil
}

// closeFilter waits for the input filter, and decides whose failure it was.
func (r *inputReader) closeFilter(res readResult, err error) (readResult, error) {
	// Whether the child wrote all it had: then its failure is its own,
	// not a consequence of reading stopping early.
	ended := err != nil && r.ctx.Err() == nil && drainEnded(r.filter.Stdout())
	ferr := r.filter.Wait()
	var ee *subproc.ExitError
	switch {
	case ferr == nil:
	case err == nil, ended:
		// The child's failure explains a short or garbled stream
		// (openssl with the wrong key writes garbage, then "bad
		// decrypt"): what the garbage was taken for says nothing more.
		return readResult{}, fmt.Errorf("input filter: %w", ferr)
	case errors.As(ferr, &ee) && ee.BrokenPipe():
		// Killed by SIGPIPE: it only says that reading stopped.
	default:
		// Reading stopped early, and the child failed: maybe for that
		// reason (openssl: "error writing output"), but a failing
		// child (openssl: "bad decrypt") is the likelier cause of what
		// reading found (garbage that is not a log): it comes first,
		// and only it can be matched with errors.As. A file whose
		// filter failed is never skipped as not a log.
		return readResult{}, fmt.Errorf("input filter: %w (and reading its output: %v)", ferr, err)
	}
	return res, err
}

// drainLimit and drainWait bound what drainEnded reads, and how long: a
// child that has finished left at most a pipe buffer (subproc grows it to
// 1 MiB) unread, at once.
const (
	drainLimit = 2 << 20
	drainWait  = 250 * time.Millisecond
)

// drainEnded reads and discards what is left of a filter's output, up to
// drainLimit and for drainWait at most, and reports whether it ended
// there: the child closed its output, having written everything it was
// going to. A slow child (ssh host zcat) still writing is not waited for.
func drainEnded(r io.Reader) bool {
	if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok {
		d.SetReadDeadline(time.Now().Add(drainWait))
	}
	_, err := io.CopyN(io.Discard, r, drainLimit)
	return err == io.EOF
}

// readError says where reading an input failed, and that the line the
// failure cut short was dropped rather than taken as a record.
func readError(sc *logparse.Scanner, firstLine int64, err error) error {
	if n := sc.Dropped(); n > 0 {
		return fmt.Errorf("after line %d: %w (the %d bytes of line %d before it were dropped)", firstLine+sc.Line(), err, n, firstLine+sc.Line()+1)
	}
	return fmt.Errorf("after line %d: %w", firstLine+sc.Line(), err)
}

// readResult says what was read of an input.
type readResult struct {
	text   int64            // bytes of log text, after decompression
	format *logparse.Format // what the lines were parsed with
	// settled: the format would be the same were the input longer, and
	// a read could go on from the end (a stateful format's cannot).
	settled    bool
	compressed bool
	inflater   Inflater // see FileStats.Inflater
	// raw and endsWithNewline describe the stored bytes read, when read
	// directly (no input filter).
	raw             int64
	endsWithNewline bool
	head            []byte // the first bytes read (headBytes at most)
}

// stored is the stored bytes read of in (Stats.Stored): what was read
// directly, or through an input filter the size of a regular file.
func (r readResult) stored(in Input, opts ScanOptions) int64 {
	if len(opts.InputFilter) > 0 {
		return max(in.Size, 0)
	}
	return r.raw
}
