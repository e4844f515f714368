package logscan

import (
	"cmp"
	"context"
	"fmt"
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
	// it (a guard against the wrong format); 0 means no limit. Where the
	// prefilter passed lines over, the share is estimated from the lines
	// parsed and the sample (see Stats.MalformedEstimate).
	MaxMalformed float64
	// CheckAllLines parses every line. Without it, when the filter
	// implies text that every matching line holds (a path, a path
	// prefix, a literal in an expression, a virtual host: see
	// filter.Matcher.Required), only the lines that hold it, or an
	// escape that decodes to one of its bytes, are parsed, with one line in 64 of the others as a
	// sample: the answer is the same, Lines is exact, and the malformed
	// count and the time span cover the lines parsed (see Stats.Parsed).
	CheckAllLines bool
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
	Lines     int64 // lines read; a W3C directive line is one, and neither matched nor malformed
	Matched   int64 // well-formed lines that passed the filter
	Malformed int64 // lines that did not parse, of those parsed
	// Parsed is the lines parsed in full, Sampled among them: Lines
	// unless the prefilter passed some over (see
	// ScanOptions.CheckAllLines). Malformed, the rejections and the time
	// span count the lines parsed.
	Parsed int64
	// Sampled is the lines without the prefilter's literal that were
	// parsed only as its sample (one in 64 by line number);
	// SampledMalformed those of them that did not parse.
	Sampled          int64
	SampledMalformed int64
	Bytes            int64 // bytes of log text, after decompression
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
	// not access logs (error logs, binary data), in no set order; data
	// that may hold logs (an archive, data compressed twice) never is. A
	// file named as an input fails instead.
	Skipped []SkippedInput
	// Cache says how the inputs read used ScanOptions.Cache.
	Cache CacheStats

	rejected [filter.NumStages]int64 // well-formed lines by the built-in filter stage that dropped them
	named    map[string]int64        // well-formed lines by the filter.Func that dropped them
	span     timeSpan                // of the well-formed lines' times: see Span
	format   string                  // of one input's stats: FileStats.Format
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
	// Parsed, Sampled and SampledMalformed are as in Stats: the input's
	// time span is complete when Parsed == Lines.
	Parsed           int64
	Sampled          int64
	SampledMalformed int64
	Bytes            int64 // of log text
	// FromCache: the cache answered for the input, all of it, or with
	// Resumed its first Cached bytes (the bytes appended since were read).
	FromCache bool
	Resumed   bool
	Cached    int64 // stored bytes the cache answered for
	// Inflater is what turned the stored bytes into log text: Go, a
	// child decompressor (which Go replaces if it fails), the decoder of
	// zstd, xz, bzip2 or lz4, nothing (plain text, or what an input
	// filter wrote was), or, for an input the cache answered for whole,
	// the cache.
	Inflater Inflater
	Elapsed  time.Duration
	// Format is the name of the format the input's lines were parsed in:
	// the one given, or the one detected ("combined", "caddy", "w3c").
	Format string
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
	s.Parsed += o.Parsed
	s.Sampled += o.Sampled
	s.SampledMalformed += o.SampledMalformed
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
	var zero A
	if err := opts.Filter.Check(); err != nil {
		return zero, Stats{}, err // before walking any directory
	}
	inputs, failed, err := FindInputs(paths, opts.Selection)
	if err != nil {
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
	inputs = slices.Clone(inputs) // the caller's stays in its order
	slices.SortStableFunc(inputs, func(a, b Input) int { return cmp.Compare(b.Size, a.Size) })
	workers, match, err := setUp(opts, inputs, failed, false)
	if err != nil {
		return zero, Stats{}, err
	}
	var cq *cache.Query // made once nothing is left to refuse
	if opts.Cache != nil {
		codec, ok := any(newAggregate()).(PartialCodec)
		if !ok {
			return zero, Stats{}, fmt.Errorf("%w: %T cannot be cached: it does not implement PartialCodec", ErrInvalidOptions, zero)
		}
		if cq, err = opts.Cache.Query("build " + strconv.Quote(BuildID()) + "\n" + QueryDescription(codec.PartialKind(), opts)); err != nil {
			return zero, Stats{}, err
		}
	}

	s := &logScanner[A]{opts: opts, filter: match, newAggregate: newAggregate, cache: cq, prefilter: newPrefilter(match),
		fields: scanFields(newAggregate, match), plan: scanPlan(opts, workers, len(inputs))}
	if cq != nil {
		if s.window, err = newWindowCache(s); err != nil {
			return zero, Stats{}, err
		}
	}
	job := mapreduce.Job[Input, scanned[A]]{
		Map: func(ctx context.Context, in Input) (scanned[A], error) {
			defer inputDone(opts.Progress)
			return s.mapInput(ctx, in)
		},
		Reduce: s.reduce,
		Name:   func(in Input) string { return in.Path },
	}
	res, err := mapreduce.Run(ctx, inputs, job, mapreduce.Options{Workers: workers, FailFast: opts.FailFast, AnyOrder: opts.AnyOrder})
	if opts.FailFast && err != nil {
		return zero, Stats{}, err // the first failing input's *InputError
	}
	if failed, err = addFailed(failed, err); err != nil {
		return zero, Stats{}, err // cancelled, or fail-fast
	}
	if res.stats.Inputs == 0 { // no input read: Run's result is the zero value
		res.agg = newAggregate()
	}
	return res.agg, res.stats, failedError(failed)
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

// scanPlan is how ScanInputs reads each of n inputs with workers workers.
func scanPlan(opts ScanOptions, workers, n int) readPlan {
	// With fewer inputs than workers, cores would idle: give each stream a
	// read-ahead inflater so it uses two (measured on one 268 MB gzip file
	// on 2 cores: 610 MB/s against 447 MB/s).
	plan := newReadPlan(opts, n < workerCount(workers))
	// Cores, not workers: -j 16 on 2 cores has none to spare.
	cores := min(workerCount(workers), runtime.GOMAXPROCS(0))
	if opts.Decompressor.SpareCoresOnly && cores < 3*n {
		plan.decompressor = nil
	}
	if plan.decompressor != nil {
		// A child inflates about 2.5 times as fast as one core parses: an
		// input with cores to spare spreads its parsing over them.
		plan.parsers = min(max(1, cores/max(n, 1)), maxParsers)
	}
	return plan
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
	plan         readPlan // how each input is read, unless readWithFallback drops the child
	cache        *cache.Query
	window       *windowCache[A] // nil: no cache, or no time window
	fields       logparse.Fields // what the filter and the aggregate read
	prefilter    *prefilter      // nil: the filter requires no text
}

func (s *logScanner[A]) reduce(acc, next scanned[A]) scanned[A] {
	acc.agg.Merge(next.agg)
	acc.stats.merge(next.stats, s.opts.maxExamples())
	return acc
}

// scanners keeps line buffers between inputs.
var scanners = sync.Pool{New: func() any { return logparse.NewScanner(nil) }}

// mapInput reads one input to the end, with the child decompressor if
// the plan has one and it can (readWithFallback).
func (s *logScanner[A]) mapInput(ctx context.Context, in Input) (scanned[A], error) {
	out, err := readWithFallback(ctx, in, s.plan, func(plan readPlan) (scanned[A], error) {
		return s.mapInputOnce(ctx, in, plan)
	})
	if skip, ok := skipped(in, err, len(s.opts.InputFilter) > 0); ok {
		return scanned[A]{agg: s.newAggregate(), stats: Stats{Skipped: []SkippedInput{skip}}}, nil
	}
	return out, err
}

func (s *logScanner[A]) mapInputOnce(ctx context.Context, in Input, plan readPlan) (scanned[A], error) {
	if s.cache != nil && in.Path != "-" && in.Open == nil {
		return s.mapCached(ctx, in, plan)
	}
	start := time.Now()
	r, err := openInput(ctx, in, plan)
	if err != nil {
		return scanned[A]{}, err
	}
	out, res, err := s.scanAll(ctx, in, r)
	if err != nil {
		return out, err
	}
	return s.finishInput(in, out, 0, CacheStats{}, res.inflater, start)
}

// scanAll reads every line of r, opened on in, into a new aggregate, and
// closes r.
func (s *logScanner[A]) scanAll(ctx context.Context, in Input, r *inputReader) (scanned[A], readResult, error) {
	out := scanned[A]{agg: s.newAggregate()}
	res, err := r.close(s.scanLines(ctx, in.Path, r.Lines(), &out))
	out.stats.Bytes, out.stats.Stored = res.text, res.stored(in, s.opts)
	if res.format != nil {
		out.stats.format = res.format.Name
	}
	return out, res, err
}

func (s *logScanner[A]) scanLines(ctx context.Context, name string, lines *lineSource, out *scanned[A]) error {
	if lines.parsers > 1 && !lines.format.Stateful() { // a stateful format's lines go to one Parser, in order
		return s.scanLinesParallel(ctx, name, lines, out)
	}
	p := s.newLineParser(ctx, name, lines.format)
	bl := s.prefilter.search(lines)
	for {
		outcome, _, ok := p.next(lines, bl, &out.stats)
		if !ok {
			return nil
		}
		switch outcome {
		case linePassed:
			out.agg.Add(&p.rec)
		case lineStopped:
			return ctx.Err()
		}
	}
}

// newLineParser returns the per-line work of one of s's workers.
func (s *logScanner[A]) newLineParser(ctx context.Context, name string, format *logparse.Format) *lineParser {
	return newLineParser(ctx, name, format, s.filter, s.fields, s.opts.maxExamples())
}

// MalformedEstimate returns how many of the lines read are malformed:
// Malformed when every line was parsed; else the malformed lines among
// those that held the prefilter's literal (all parsed) plus the sample's
// share of malformed lines applied to the lines without it. With no
// sample (fewer than 64 such lines), those lines count as well-formed.
func (s Stats) MalformedEstimate() float64 {
	if s.Sampled == 0 {
		return float64(s.Malformed)
	}
	return float64(s.Malformed-s.SampledMalformed) + float64(s.SampledMalformed)*float64(s.LinesWithoutText())/float64(s.Sampled)
}

// LinesWithoutText is the lines the prefilter found without the filter's
// text: those it passed over, and its sample of them (Sampled).
func (s Stats) LinesWithoutText() int64 { return s.Lines - (s.Parsed - s.Sampled) }

// checkMalformed applies MaxMalformed to an input's counts.
func (o ScanOptions) checkMalformed(st *Stats) error {
	estimate := st.MalformedEstimate()
	if o.MaxMalformed <= 0 || st.Lines == 0 || estimate <= o.MaxMalformed*float64(st.Lines) {
		return nil
	}
	if st.Parsed < st.Lines {
		return fmt.Errorf("%w: about %.0f of %d lines are malformed (%d of the %d parsed; estimated from a 1 in %d sample of the lines without the filter's text), more than %g of them: is the format right?",
			ErrTooMalformed, estimate, st.Lines, st.Malformed, st.Parsed, SampleEvery, o.MaxMalformed)
	}
	return fmt.Errorf("%w: %d of %d lines are malformed, more than %g of them: is the format right?",
		ErrTooMalformed, st.Malformed, st.Lines, o.MaxMalformed)
}
