package logscan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/subproc"
)

// An Aggregate accumulates the matching records of one input and merges
// with the aggregates of other inputs; A is the implementing type itself.
type Aggregate[A any] interface {
	// Add is called once per matching record. The record is valid only
	// during the call: copy what must be kept.
	Add(rec *logparse.Record)
	// Merge folds other, which is not used again, into the receiver.
	Merge(other A)
}

// Progress receives the bytes read from inputs, as stored (compressed).
type Progress interface {
	// Start is called once, before any Add, with the total size of the
	// inputs; -1 when unknown (standard input, a pipe).
	Start(total int64)
	// Add is called from many goroutines at once as bytes are read.
	Add(n int64)
}

// InputProgress is a Progress that also counts inputs. A run whose
// Progress is one calls StartInputs once, before Start, with the number
// of inputs it reads, then InputDone once per input as it is read to the
// end or fails, from many goroutines at once. Inputs a cancelled run
// never started are not reported done.
type InputProgress interface {
	Progress
	StartInputs(n int)
	InputDone()
}

// inputDone reports one input done to p, if it counts inputs.
func inputDone(p Progress) {
	if ip, ok := p.(InputProgress); ok {
		ip.InputDone()
	}
}

// ScanOptions configures ScanLogs. The zero value reads every line of every
// input in the format detected per input, on all CPUs.
type ScanOptions struct {
	Format    *logparse.Format // nil: detected per input (logparse.Detect)
	Filter    filter.Filter    // which records are aggregated
	Selection Selection        // which files are taken from directories
	Workers   int              // 0 means runtime.GOMAXPROCS(0); capped by the open-file limit
	FailFast  bool             // the first failing input fails the run
	// InputFilter, when set, runs each input through this pipeline of
	// child processes (decrypting, say) before it is read; a failing child
	// fails that input. At most Workers pipelines run at once.
	InputFilter []subproc.Stage
	// Decompressor, when it has a Command (see FindDecompressor),
	// inflates each regular gzip file of 256 KiB or more read directly
	// (not through InputFilter) in a child process while this one parses:
	// the answer is the same as in Go, which reads the file again from the
	// start if the child fails (but see docs/guide.md on trailing data). With
	// cores to spare, an input's records may reach its aggregate's Add in
	// any order (scanLinesParallel). WriteRecords ignores it.
	Decompressor Decompressor
	// ChildTimeout kills an input's filter pipeline that runs longer and
	// fails the input; 0 means no limit.
	ChildTimeout time.Duration
	// MaxMalformed fails an input whose share of malformed lines is above
	// it (a guard against the wrong format); 0 means no limit.
	MaxMalformed float64
	// Cache, when set, keeps each input's partial result, and reuses it
	// while the input is unchanged (see Cache): the result is the same as
	// without it (Stats.Examples of a cached input are those the run that
	// saved it kept, at most its MaxExamples). Standard input and pipes
	// are never cached. An aggregate can be cached when it implements
	// PartialCodec; ScanLogs with another fails with ErrInvalidOptions.
	Cache *cache.Cache
	// AnyOrder merges the inputs' aggregates as they finish rather than in
	// input order (see mapreduce.Options.AnyOrder): for an Aggregate whose
	// Merge is commutative, such as a count.
	AnyOrder bool

	// parsers is how many goroutines parse an input that a Decompressor
	// inflates (see scanLinesParallel).
	parsers  int
	Progress Progress // nil: none
	// MaxExamples is how many malformed lines are kept, with their place,
	// for the caller to show: 0 means 10, negative means none.
	MaxExamples int
}

func (o ScanOptions) maxExamples() int {
	if o.MaxExamples == 0 {
		return 10
	}
	return max(o.MaxExamples, 0)
}

// Stats describe what a scan read.
type Stats struct {
	Inputs    int   // inputs read to the end
	Lines     int64 // lines read
	Matched   int64 // well-formed lines that passed the filter
	Malformed int64 // lines that did not parse
	Bytes     int64 // bytes of log text, after decompression
	// Stored is the bytes of the inputs as stored, before decompression
	// or InputFilter: what Progress counts (a cached input counts its
	// size, a pipe what was read of it through InputFilter not at all).
	Stored int64
	// Examples are the first malformed lines, in the order inputs were
	// scheduled (largest first), at most MaxExamples; in the order inputs
	// finished when partials are merged as they finish (Count with Top).
	Examples []*logparse.LineError
	// Files has one entry per input read to the end, in no set order.
	Files []FileStats
	// Skipped are the files of walked directories that are recognisably
	// not access logs (error logs, binary or compressed data other than
	// gzip), in no set order. A file named as an input fails instead.
	Skipped []SkippedInput
	// Cache says how the inputs read used ScanOptions.Cache.
	Cache CacheStats

	rejected [filter.NumStages]int64 // well-formed lines by the built-in filter stage that dropped them
	named    map[string]int64        // well-formed lines by the filter.Func that dropped them
	span     timeSpan                // of the well-formed lines' times: see Span
}

// A SkippedInput is a file left out as not an access log, and what it is.
type SkippedInput struct {
	Path   string
	Reason string // "an Apache error log", "xz-compressed data"
}

// FileStats describe what was read of one input.
type FileStats struct {
	Path      string
	Lines     int64
	Malformed int64
	Bytes     int64 // of log text
	// FromCache: the cache answered for the input, all of it, or with
	// Resumed its first Cached bytes (the bytes appended since were read).
	FromCache bool
	Resumed   bool
	Cached    int64 // stored bytes the cache answered for
	Elapsed   time.Duration
}

// Rejected returns, per filter condition that dropped any well-formed
// line, how many it dropped, each line counted against the first
// condition it failed ("status", "time", "path", ...).
func (s Stats) Rejected() map[string]int64 {
	m := map[string]int64{}
	for i, n := range s.rejected {
		if n > 0 {
			m[(*filter.Matcher)(nil).StageName(i)] = n
		}
	}
	for name, n := range s.named {
		m[name] += n
	}
	return m
}

func (s *Stats) merge(o Stats, maxExamples int) {
	s.Inputs += o.Inputs
	s.Lines += o.Lines
	s.Matched += o.Matched
	s.Malformed += o.Malformed
	s.Bytes += o.Bytes
	s.Stored += o.Stored
	room := maxExamples - len(s.Examples)
	s.Examples = append(s.Examples, o.Examples[:min(room, len(o.Examples))]...)
	s.Files = append(s.Files, o.Files...)
	s.Skipped = append(s.Skipped, o.Skipped...)
	s.Cache.merge(o.Cache)
	for i, n := range o.rejected {
		s.rejected[i] += n
	}
	for name, n := range o.named {
		s.addNamed(name, n)
	}
	s.span.merge(o.span)
}

// rejectNamed counts a line that a filter.Func dropped. Not inlined: it
// keeps the per-line path as small as it was without Funcs.
//
//go:noinline
func (s *Stats) rejectNamed(m *filter.Matcher, stage int) {
	s.addNamed(m.StageName(stage), 1)
}

// reject counts a well-formed line that m's stage dropped.
func (s *Stats) reject(m *filter.Matcher, stage int) {
	if stage < filter.NumStages {
		s.rejected[stage]++
		return
	}
	s.addNamed(m.StageName(stage), 1)
}

func (s *Stats) addNamed(name string, n int64) {
	if s.named == nil {
		s.named = map[string]int64{}
	}
	s.named[name] += n
}

// scanned is the partial result of one input: its aggregate and its stats.
type scanned[A Aggregate[A]] struct {
	agg   A
	stats Stats
}

// ScanLogs reads every input that paths name (see FindInputs), parses each
// line, and adds the records that pass opts.Filter to an aggregate made by
// newAggregate for that input; the aggregates are merged into one.
//
// Inputs are scheduled largest first so that one big file does not finish
// last, alone on one core. An input that fails (unreadable, truncated gzip)
// contributes nothing; the others are still read and ScanLogs returns their
// merged aggregate with a *mapreduce.FailedInputs naming each failure. A cancelled ctx
// stops the workers within a few thousand lines and returns ctx's error.
func ScanLogs[A Aggregate[A]](ctx context.Context, paths []string, newAggregate func() A, opts ScanOptions) (A, Stats, error) {
	inputs, failed, err := FindInputs(paths, opts.Selection)
	if err != nil {
		var zero A
		return zero, Stats{}, err
	}
	return ScanInputs(ctx, inputs, failed, newAggregate, opts)
}

// ScanInputs is ScanLogs over inputs FindInputs already found (a shard of
// them, say), failed those that could not be listed: it keeps what
// FindInputs knew of each (found by walking a directory, or named; what it
// was when listed). opts.Selection is not applied again.
func ScanInputs[A Aggregate[A]](ctx context.Context, inputs []Input, failed []*mapreduce.InputError, newAggregate func() A, opts ScanOptions) (A, Stats, error) {
	var zero A
	opts.Workers = openFileWorkers(opts, false) // fdlimit.go
	match, err := opts.Filter.Compile()
	if err != nil {
		return zero, Stats{}, err
	}
	if opts.FailFast && len(failed) > 0 {
		return zero, Stats{}, failed[0]
	}
	var cq *cache.Query
	if opts.Cache != nil {
		codec, ok := any(newAggregate()).(PartialCodec)
		if !ok {
			return zero, Stats{}, fmt.Errorf("%w: %T cannot be cached: it does not implement PartialCodec", ErrInvalidOptions, zero)
		}
		if cq, err = opts.Cache.Query("build " + strconv.Quote(BuildID()) + "\n" + QueryDescription(codec.PartialKind(), opts)); err != nil {
			return zero, Stats{}, err
		}
	}
	slices.SortStableFunc(inputs, func(a, b Input) int { return cmp.Compare(b.Size, a.Size) })
	startProgress(opts.Progress, inputs)

	// With fewer inputs than workers, cores would idle: give each stream a
	// read-ahead inflater so it uses two (measured on one 268 MB gzip file
	// on 2 cores: 610 MB/s against 447 MB/s).
	readAhead := len(inputs) < workerCount(opts.Workers)
	// Cores, not workers: -j 16 on 2 cores has none to spare.
	cores := min(workerCount(opts.Workers), runtime.GOMAXPROCS(0))
	if opts.Decompressor.SpareCoresOnly && cores < 3*len(inputs) {
		opts.Decompressor = Decompressor{}
	}
	if opts.Decompressor.Command != nil {
		// A child inflates about 2.5 times as fast as one core parses: an
		// input with cores to spare spreads its parsing over them.
		opts.parsers = min(max(1, cores/max(len(inputs), 1)), maxParsers)
	}
	s := &logScanner[A]{opts: opts, filter: match, newAggregate: newAggregate, readAhead: readAhead, cache: cq,
		fields: scanFields(newAggregate, match)}
	job := mapreduce.Job[Input, scanned[A]]{
		Map: func(ctx context.Context, in Input) (scanned[A], error) {
			defer inputDone(opts.Progress)
			return s.mapInput(ctx, in)
		},
		Reduce: s.reduce,
		Name:   func(in Input) string { return in.Path },
	}
	res, err := mapreduce.Run(ctx, inputs, job, mapreduce.Options{Workers: opts.Workers, FailFast: opts.FailFast, AnyOrder: opts.AnyOrder})
	var fi *mapreduce.FailedInputs
	if errors.As(err, &fi) {
		failed, err = append(failed, fi.Errs...), nil
	}
	if err != nil {
		return zero, Stats{}, err // cancelled, or fail-fast
	}
	if res.stats.Inputs == 0 { // no input read: Run's result is the zero value
		res.agg = newAggregate()
	}
	if len(failed) > 0 {
		err = &mapreduce.FailedInputs{Errs: failed}
	}
	return res.agg, res.stats, err
}

// scanFields is what the parser fills in for filter and the aggregates
// newAggregate makes. Not the time when neither reads it, even for
// Stats.Span: converting it costs about a tenth of the hot path.
func scanFields[A Aggregate[A]](newAggregate func() A, match *filter.Matcher) logparse.Fields {
	if r, ok := any(newAggregate()).(FieldsReader); ok {
		return r.Fields() | match.Fields()
	}
	return logparse.AllFields
}

func workerCount(workers int) int {
	if workers > 0 {
		return workers
	}
	return runtime.GOMAXPROCS(0)
}

func startProgress(p Progress, inputs []Input) {
	if p == nil {
		return
	}
	if ip, ok := p.(InputProgress); ok {
		ip.StartInputs(len(inputs))
	}
	var total int64
	for _, in := range inputs {
		if in.Size < 0 {
			p.Start(-1)
			return
		}
		total += in.Size
	}
	p.Start(total)
}

type logScanner[A Aggregate[A]] struct {
	opts         ScanOptions
	filter       *filter.Matcher
	newAggregate func() A
	readAhead    bool // inflate on a goroutine of its own (logparse.StreamOptions)
	cache        *cache.Query
	fields       logparse.Fields // what the filter and the aggregate read
}

func (s *logScanner[A]) reduce(acc, next scanned[A]) scanned[A] {
	acc.agg.Merge(next.agg)
	acc.stats.merge(next.stats, s.opts.maxExamples())
	return acc
}

// scanners keeps line buffers between inputs.
var scanners = sync.Pool{New: func() any { return logparse.NewScanner(nil) }}

// mapInput reads one input to the end.
func (s *logScanner[A]) mapInput(ctx context.Context, in Input) (scanned[A], error) {
	// Only a regular file (Size is -1 for others) can be read again if the
	// child fails: a pipe or FIFO would be empty, or block, the second time.
	if s.opts.Decompressor.Command != nil && in.Size < nativeMinBytes {
		return s.inGo().mapInputOnce(ctx, in)
	}
	first := s
	var shown *rereadProgress
	if s.opts.Progress != nil && s.opts.Decompressor.Command != nil {
		first = s.withProgress(&rereadProgress{p: s.opts.Progress})
		shown = first.opts.Progress.(*rereadProgress)
	}
	out, err := first.mapInputOnce(ctx, in)
	if errors.Is(err, errNativeFailed) && ctx.Err() == nil {
		// What the child read is dropped: Go reads the input again, and
		// gives the answer, or the error, it would have given alone.
		inGo := s.inGo()
		if shown != nil { // the progress bar already counts what was read
			inGo = inGo.withProgress(&rereadProgress{p: s.opts.Progress, skip: shown.n})
		}
		out, err = inGo.mapInputOnce(ctx, in)
	}
	if skip, ok := skipped(in, err, len(s.opts.InputFilter) > 0); ok {
		return scanned[A]{agg: s.newAggregate(), stats: Stats{Skipped: []SkippedInput{skip}}}, nil
	}
	return out, err
}

func (s *logScanner[A]) withProgress(p Progress) *logScanner[A] {
	c := *s
	c.opts.Progress = p
	return &c
}

// inGo is s without the child decompressor.
func (s *logScanner[A]) inGo() *logScanner[A] {
	inGo := *s
	inGo.opts.Decompressor = Decompressor{}
	return &inGo
}

func (s *logScanner[A]) mapInputOnce(ctx context.Context, in Input) (scanned[A], error) {
	if s.cache != nil && in.Path != "-" {
		return s.mapCached(ctx, in)
	}
	out := scanned[A]{agg: s.newAggregate()}
	start := time.Now()
	res, err := readInput(ctx, in, s.opts, s.readAhead, func(lines *lineSource) error {
		return s.scanLines(ctx, in.Path, lines, &out)
	})
	if err != nil {
		return out, err
	}
	out.stats.Bytes, out.stats.Stored = res.text, res.stored(in, s.opts)
	return s.finishInput(in, out, 0, CacheStats{}, start)
}

// readInput opens an input, picks its format (opts.Format, or detected from
// its first lines) and calls fn with its lines; it returns the bytes of log
// text read. It opens the file itself so that at most Workers files are
// open at once.
func readInput(ctx context.Context, in Input, opts ScanOptions, readAhead bool, fn func(lines *lineSource) error) (readResult, error) {
	file, err := openRaw(ctx, in.Path)
	if err != nil {
		return readResult{}, err
	}
	defer file.Close()
	return readOpened(ctx, file, in, opts, readAhead, fn)
}

// readResult says what was read of an input.
type readResult struct {
	text       int64            // bytes of log text, after decompression
	format     *logparse.Format // what the lines were parsed with
	settled    bool             // the format would be the same were the input longer
	compressed bool
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

// readOpened reads file, the opened in (see readInput), and fails it with
// ErrChanged if it shrank or was replaced while read. It closes file when
// ctx is cancelled.
func readOpened(ctx context.Context, file io.ReadCloser, in Input, opts ScanOptions, readAhead bool, fn func(lines *lineSource) error) (readResult, error) {
	watch, err := watchFile(file, in)
	if err != nil {
		return readResult{}, err
	}
	res, err := readOpenedOnce(ctx, file, in.Path == "-", opts, readAhead, fn)
	if err == nil {
		read := res.raw
		if len(opts.InputFilter) > 0 {
			read = -1
		}
		err = watch.check(read)
	}
	return res, err
}

func readOpenedOnce(ctx context.Context, file io.ReadCloser, stdin bool, opts ScanOptions, readAhead bool, fn func(lines *lineSource) error) (readResult, error) {
	// A read from a pipe or FIFO can block forever; closing the file is what
	// wakes it when the run is cancelled.
	defer context.AfterFunc(ctx, func() { file.Close() })()
	var raw io.Reader = file
	if opts.Progress != nil {
		raw = progressReader{r: file, p: opts.Progress}
	}
	if len(opts.InputFilter) == 0 {
		counter := &rawCounter{r: raw, keepHead: opts.Cache != nil}
		var res readResult
		var err error
		if opts.Decompressor.Command != nil && !stdin {
			res, err = scanNative(ctx, counter, opts, readAhead, fn)
		} else {
			res, err = scanStream(counter, opts, readAhead, fn)
		}
		res.raw, res.endsWithNewline, res.head = counter.n, counter.last == '\n', counter.head
		return res, err
	}
	// The file (an *os.File, unless progress wraps it) is the first
	// child's stdin itself; what the last child writes is read as the
	// input, gzip sniffed as from a file.
	if f, ok := file.(*os.File); ok && opts.Progress == nil {
		raw = f
	} else if stdin && opts.Progress == nil {
		raw = os.Stdin // handed over too: a copying goroutine could block Wait on a slow producer
	}
	filter, err := subproc.Start(ctx, opts.InputFilter, raw, nil, subproc.Options{Timeout: opts.ChildTimeout})
	if err != nil {
		return readResult{}, fmt.Errorf("input filter: %w", err)
	}
	defer filter.Wait() // on every early return; the result is taken below
	res, err := scanStream(filter.Stdout(), opts, readAhead, fn)
	// Whether the child wrote all it had: then its failure is its own,
	// not a consequence of reading stopping early.
	ended := err != nil && ctx.Err() == nil && drainEnded(filter.Stdout())
	ferr := filter.Wait()
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

// scanStream reads a raw input (a file, or a filter's output): sniffs and
// inflates it, picks its format and calls fn with its lines.
func scanStream(raw io.Reader, opts ScanOptions, readAhead bool, fn func(lines *lineSource) error) (readResult, error) {
	stream, err := logparse.NewStreamWith(raw, logparse.StreamOptions{ReadAhead: readAhead})
	if err != nil {
		return readResult{}, err
	}
	defer stream.Close()
	res, err := scanText(stream, opts.Format, 0, fn)
	res.compressed = stream.Compressed()
	return res, err
}

// scanText reads lines of log text in format (nil: detected from the
// first lines) and calls fn with them; the first is numbered firstLine+1.
func scanText(r io.Reader, format *logparse.Format, firstLine int64, fn func(lines *lineSource) error) (readResult, error) {
	text := &countingReader{r: r}
	sc := scanners.Get().(*logparse.Scanner)
	defer func() {
		sc.Reset(nil) // drop the stream: a pooled Scanner must not pin an inflater
		scanners.Put(sc)
	}()
	sc.Reset(text)

	lines, err := newLineSource(sc, format, firstLine > 0)
	if err != nil {
		return readResult{}, err
	}
	lines.base = firstLine
	if err := fn(lines); err != nil {
		return readResult{}, err
	}
	if err := sc.Err(); err != nil {
		return readResult{}, readError(sc, firstLine, err)
	}
	return readResult{text: text.n, format: lines.format, settled: format != nil || !lines.sampledToEOF}, nil
}

// readError says where reading an input failed, and that the line the
// failure cut short was dropped rather than taken as a record.
func readError(sc *logparse.Scanner, firstLine int64, err error) error {
	if n := sc.Dropped(); n > 0 {
		return fmt.Errorf("after line %d: %w (the %d bytes of line %d before it were dropped)", firstLine+sc.Line(), err, n, firstLine+sc.Line()+1)
	}
	return fmt.Errorf("after line %d: %w", firstLine+sc.Line(), err)
}

func (s *logScanner[A]) scanLines(ctx context.Context, name string, lines *lineSource, out *scanned[A]) error {
	if lines.parsers > 1 {
		return s.scanLinesParallel(ctx, name, lines, out)
	}
	p := s.newLineParser(ctx, name, lines.format)
	for lines.next() {
		switch p.parse(lines.bytes(), lines.truncated(), lines.lineNo(), &out.stats) {
		case linePassed:
			out.agg.Add(&p.rec)
		case lineStopped:
			return ctx.Err()
		}
	}
	return nil
}

// newLineParser returns the per-line work of one of s's workers.
func (s *logScanner[A]) newLineParser(ctx context.Context, name string, format *logparse.Format) *lineParser {
	return newLineParser(ctx, name, format, s.filter, s.fields, s.opts.maxExamples())
}

// checkMalformed applies MaxMalformed to an input's counts.
func (o ScanOptions) checkMalformed(lines, malformed int64) error {
	if o.MaxMalformed <= 0 || lines == 0 || float64(malformed) <= o.MaxMalformed*float64(lines) {
		return nil
	}
	return fmt.Errorf("%w: %d of %d lines are malformed, more than %g of them: is the format right?",
		ErrTooMalformed, malformed, lines, o.MaxMalformed)
}
