package jobs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A partial-result file is what one machine (one shard) of a scaled-out
// run writes, and what Merge combines. It is gzip-compressed:
//
//	logmr partial\n          the magic line
//	{...}\n                  the PartialHeader, as JSON
//	uvarint length, payload  the aggregate, key-sorted (PartialCodec)
//	end SUM\n                a file cut short lacks it
//
// SUM is the hex SHA-256 of every byte before the end line: a partial
// changed after it was written (gunzipped, edited, gzipped) is refused.
const (
	partialMagic = "logmr partial\n"
	partialEnd   = "end " // then the checksum and a newline
	// PartialVersion is the version of the partial-result file format
	// this build writes and reads; a file of another version is refused.
	// Version 2 added the checksum and the failed inputs.
	PartialVersion = 2
	// maxPartialHeader bounds the header line a reader accepts.
	maxPartialHeader = 256 << 20
)

// A PartialHeader says what a partial result is of: which query, which
// shards, which inputs.
type PartialHeader struct {
	Version   int    `json:"version"`
	Tool      string `json:"tool"`       // the build that wrote it
	Query     string `json:"query"`      // hex SHA-256 of QueryText
	QueryText string `json:"query_text"` // every option that changes a partial
	Kind      string `json:"kind"`       // "hosts", "count", or a kind of RegisterKind
	// By is the count's fields.
	By []CountField `json:"by,omitempty"`
	// ShardCount is the N of --shard I/N, 1 without sharding; Shards are
	// the shards the partial covers, sorted (one, or several once merged).
	ShardCount int   `json:"shard_count"`
	Shards     []int `json:"shards"`
	// Plan is a hash of every input of the split (path and size), the same
	// for each shard when every machine listed the same files.
	Plan      string         `json:"plan"`
	Inputs    []PartialInput `json:"inputs"` // sorted by path
	Lines     int64          `json:"lines"`
	Matched   int64          `json:"matched"`
	Malformed int64          `json:"malformed"`
	// Parsed, Sampled and SampledMalformed are logscan.Stats': the lines
	// parsed in full, and of them those parsed only as the prefilter's
	// sample and those malformed. A file written before they were has
	// none: every line of it was parsed (see Partial.Stats).
	Parsed           int64 `json:"parsed"`
	Sampled          int64 `json:"sampled"`
	SampledMalformed int64 `json:"sampled_malformed"`
	Bytes            int64 `json:"bytes"` // of log text
	// Failed are the inputs of the shards that could not be read, sorted
	// by their Order; the counts and the result cover the others.
	Failed []PartialFailure `json:"failed,omitempty"`
}

// A PartialInput is one input a partial result covers.
type PartialInput struct {
	Path string `json:"path"`
	Size int64  `json:"size"` // stored bytes
	// Sample is a hex SHA-256 of the input's size and its first and last
	// 64 KiB, as the cache takes it.
	Sample string `json:"sample"`
}

// A Partial is the mergeable result of an aggregate over some inputs: for
// Hosts or Count, the host set or the counts before their final step
// (sorting, top N).
type Partial struct {
	Header PartialHeader
	agg    logscan.PartialCodec // of the kind Header.Kind names
	kind   *kindOps
}

// Aggregate returns the partial's aggregate: a *HostSet for kind "hosts",
// a *Counter for "count", an A for a kind of RegisterKind[A]. It belongs
// to the Partial: MergePartials adds to the first one's.
func (p *Partial) Aggregate() logscan.PartialCodec { return p.agg }

// Stats returns the counts of lines the partial covers.
func (p *Partial) Stats() logscan.Stats {
	h := &p.Header
	parsed := h.Parsed
	if parsed == 0 && h.Sampled == 0 && !strings.Contains("\n"+h.QueryText, "\nparsed ") {
		// Written before the counts were: every line was parsed. Not so
		// for a prefiltered query (its text says so, and is as new as
		// the counts): it may have parsed none of its lines.
		parsed = h.Lines
	}
	return logscan.Stats{Inputs: len(h.Inputs), Lines: h.Lines, Matched: h.Matched,
		Malformed: h.Malformed, Parsed: parsed, Sampled: h.Sampled, SampledMalformed: h.SampledMalformed, Bytes: h.Bytes}
}

// HostsPartial is Hosts, stopped before its final step: it returns the
// partial result of the inputs of opts.Selection.Shard (every input when
// unsharded), to write with WriteTo and combine with MergePartials. Errors
// are as for Hosts; the inputs of a *mapreduce.FailedInputs are also recorded in the
// partial (see Partial.Failed), so that a merge reports them.
func HostsPartial(ctx context.Context, paths []string, opts logscan.ScanOptions) (*Partial, logscan.Stats, error) {
	return ScanPartial(ctx, paths, "hosts", NewHostSet, opts)
}

// CountPartial is Count, stopped before its final step (co.Top, Per and
// Sort do not apply to a partial: all counts are kept); see HostsPartial.
func CountPartial(ctx context.Context, paths []string, co CountOptions, opts logscan.ScanOptions) (*Partial, logscan.Stats, error) {
	if err := co.check(); err != nil {
		return nil, logscan.Stats{}, err
	}
	co.Top, co.Per, co.Sort = 0, nil, SortAuto
	p, stats, err := ScanPartial(ctx, paths, "count", co.counters(nil, 0), opts)
	if p != nil {
		p.Header.By = co.By
	}
	return p, stats, err
}

// ScanPartial is logscan.ScanLogs stopped before any final step, for a
// partial-result file: it aggregates the inputs of opts.Selection.Shard
// (every input when unsharded) and returns their partial of the given
// kind, to write with WriteTo and combine with MergePartials. A reader
// needs the kind registered (RegisterKind; "hosts" and "count" are). Errors
// are as for ScanLogs; the inputs of a *mapreduce.FailedInputs are also
// recorded in the partial (see Partial.Failed), so that a merge reports
// them.
func ScanPartial[A PartialAggregate[A]](ctx context.Context, paths []string, kind string, newAggregate func() A, opts logscan.ScanOptions) (*Partial, logscan.Stats, error) {
	ops, err := lookupKind(kind)
	if err != nil {
		return nil, logscan.Stats{}, err
	}
	agg, h, stats, err := scanPartial(ctx, paths, newAggregate, opts)
	if h.Version == 0 { // nothing scanned
		return nil, stats, err
	}
	h.Kind = kind
	return &Partial{Header: h, agg: agg, kind: ops}, stats, err
}

// scanPartial scans the inputs of the shard opts names and fills in what a
// header says of them.
func scanPartial[A PartialAggregate[A]](ctx context.Context, paths []string, newAggregate func() A, opts logscan.ScanOptions) (A, PartialHeader, logscan.Stats, error) {
	var zero A
	shard := opts.Selection.Shard
	sel := opts.Selection
	sel.Shard = logscan.Shard{}
	all, failed, err := logscan.FindInputs(paths, sel)
	if err != nil {
		return zero, PartialHeader{}, logscan.Stats{}, err
	}
	listed := len(failed)
	mine, failed, err := shard.Keep(all, failed)
	if err != nil {
		return zero, PartialHeader{}, logscan.Stats{}, err
	}
	opts.Selection = logscan.Selection{} // the shard's inputs are taken as found
	agg, stats, err := logscan.ScanInputs(ctx, mine, failed, newAggregate, opts)
	var fi *mapreduce.FailedInputs
	switch {
	case errors.As(err, &fi):
		failed = fi.Errs // the listing's failures first, then the reading's
	case err != nil:
		return zero, PartialHeader{}, logscan.Stats{}, err
	default:
		failed = nil
	}
	h := PartialHeader{
		Version:    PartialVersion,
		Tool:       logscan.BuildID(),
		QueryText:  logscan.QueryDescription(agg.PartialKind(), opts),
		ShardCount: max(shard.Count, 1),
		Shards:     []int{shard.Index},
		Plan:       planFingerprint(all),
		Failed:     partialFailures(failed, all, listed),
		Lines:      stats.Lines,
		Matched:    stats.Matched,
		Malformed:  stats.Malformed,
		Parsed:     stats.Parsed,
		Sampled:    stats.Sampled,
		Bytes:      stats.Bytes,
	}
	h.SampledMalformed = stats.SampledMalformed
	sum := sha256.Sum256([]byte(h.QueryText))
	h.Query = hex.EncodeToString(sum[:])
	sizes := map[string]int64{}
	for _, in := range mine {
		sizes[in.Path] = in.Size
	}
	for _, f := range stats.Files {
		h.Inputs = append(h.Inputs, PartialInput{Path: f.Path, Size: sizes[f.Path], Sample: sampleOf(f.Path)})
	}
	slices.SortFunc(h.Inputs, func(a, b PartialInput) int { return strings.Compare(a.Path, b.Path) })
	return agg, h, stats, err
}

// planFingerprint hashes the inputs of a split, in a set order.
func planFingerprint(inputs []logscan.Input) string {
	lines := make([]string, len(inputs))
	for i, in := range inputs {
		lines[i] = fmt.Sprintf("%q %d\n", in.Path, in.Size)
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "")))
	return hex.EncodeToString(sum[:16])
}

// sampleOf is the sample hash of a file as it is now; "" if it cannot be
// read.
func sampleOf(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return ""
	}
	sum, err := cache.SampleHash(f, info.Size())
	if err != nil {
		return ""
	}
	return hex.EncodeToString(sum[:])
}

// WriteTo writes the partial-result file.
func (p *Partial) WriteTo(w io.Writer) (int64, error) {
	payload, ok := p.agg.AppendPartial(nil)
	if !ok {
		return 0, errors.New("partial result: counts spilled to temporary files cannot be written")
	}
	header, err := json.Marshal(p.Header)
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	zw := gzip.NewWriter(cw)
	sum := sha256.New()
	var b bytes.Buffer
	b.WriteString(partialMagic)
	b.Write(header)
	b.WriteByte('\n')
	b.Write(binary.AppendUvarint(nil, uint64(len(payload))))
	for _, part := range [][]byte{b.Bytes(), payload} {
		sum.Write(part)
		if _, err := zw.Write(part); err != nil {
			return cw.n, err
		}
	}
	if _, err := io.WriteString(zw, partialEnd+hex.EncodeToString(sum.Sum(nil))+"\n"); err != nil {
		return cw.n, err
	}
	err = zw.Close()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

var (
	// ErrBadPartial is returned for a file that is not a whole
	// partial-result file this build can read: truncated, corrupt, or of
	// another version.
	ErrBadPartial = errors.New("not a partial-result file logmr can read")
	// ErrPartialChanged is returned for a whole partial-result file whose
	// content does not match the checksum it was written with.
	ErrPartialChanged = errors.New("checksum mismatch: the partial was changed after it was written")
)

// ReadPartial reads a partial-result file; name names it in errors. It
// reads r to its end: data after the partial is refused.
func ReadPartial(r io.Reader, name string) (*Partial, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: %s", name, ErrBadPartial, fmt.Sprintf(format, args...))
	}
	raw := bufio.NewReader(r) // a flate.Reader: gzip reads no further than its stream
	zr, err := gzip.NewReader(raw)
	switch {
	case errors.Is(err, io.EOF):
		return nil, bad("empty file")
	case err != nil:
		return nil, bad("not gzip-compressed: %v", err)
	}
	defer zr.Close()
	zr.Multistream(false) // one stream: what follows it is refused below
	br := bufio.NewReader(zr)
	magic := make([]byte, len(partialMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != partialMagic {
		return nil, bad("no partial-result header")
	}
	line, err := readLine(br, maxPartialHeader)
	if err != nil {
		return nil, bad("header: %v", err)
	}
	var version struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(line, &version); err != nil {
		return nil, bad("header: %v", err)
	}
	switch {
	case version.Version < PartialVersion:
		return nil, bad("format version %d, written by an older logmr: re-run that shard", version.Version)
	case version.Version > PartialVersion:
		return nil, bad("format version %d; this logmr reads version %d (a partial of a later version needs a later logmr)", version.Version, PartialVersion)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, bad("cut short before the result: %v", err)
	}
	payload, err := io.ReadAll(io.LimitReader(br, int64(min(n, 1<<62))))
	switch {
	case err != nil:
		return nil, bad("cut short in the result: %v", err)
	case uint64(len(payload)) != n:
		return nil, bad("cut short in the result: %d of its %d bytes", len(payload), n)
	}
	want, err := readEnd(br, raw)
	if err != nil {
		return nil, bad("%v", err)
	}
	sum := sha256.New()
	for _, part := range [][]byte{[]byte(partialMagic), line, {'\n'}, binary.AppendUvarint(nil, n), payload} {
		sum.Write(part)
	}
	if !bytes.Equal(sum.Sum(nil), want) {
		return nil, fmt.Errorf("%s: %w", name, ErrPartialChanged)
	}
	p := &Partial{}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p.Header); err != nil {
		return nil, bad("header: %v", err)
	}
	if p.agg, p.kind, err = p.Header.check(); err != nil {
		return nil, bad("header: %v", err)
	}
	if err := p.agg.ReadPartial(payload); err != nil {
		return nil, bad("result: %v", err)
	}
	return p, nil
}

// readEnd reads the end line from br, the partial's content, and returns
// its checksum; it checks that nothing follows, there or after the gzip
// stream in raw.
func readEnd(br, raw *bufio.Reader) ([]byte, error) {
	end, err := readLine(br, len(partialEnd)+2*sha256.Size+1) // with its newline
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errors.New("cut short before its end line")
	case err != nil && !errors.Is(err, errLineTooLong):
		return nil, fmt.Errorf("corrupt after the result: %v", err)
	}
	sum, ok := bytes.CutPrefix(end, []byte(partialEnd))
	if ok {
		sum, err = hex.DecodeString(string(sum))
	}
	if !ok || err != nil || len(sum) != sha256.Size {
		return nil, errors.New("no end line after the result")
	}
	switch _, err := br.ReadByte(); {
	case err == nil:
		return nil, errors.New("data after its end line")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errors.New("cut short after its end line")
	case !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("corrupt: %v", err)
	}
	if _, err := raw.ReadByte(); err == nil {
		return nil, errors.New("data after its end (after the gzip stream)")
	}
	return sum, nil
}

var errLineTooLong = errors.New("too long")

// readLine reads a line of at most limit bytes, newline included, and
// returns it without its newline.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > limit {
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		}
	}
}

// check validates what a reader relies on, and returns an empty aggregate
// of the header's kind to read the result into.
func (h *PartialHeader) check() (logscan.PartialCodec, *kindOps, error) {
	ops, err := lookupKind(h.Kind)
	if err != nil {
		return nil, nil, err
	}
	agg, err := ops.empty(h)
	if err != nil {
		return nil, nil, err
	}
	return agg, ops, h.checkShards()
}

func (h *PartialHeader) checkShards() error {
	if h.ShardCount < 1 || len(h.Shards) == 0 {
		return fmt.Errorf("shard %v of %d", h.Shards, h.ShardCount)
	}
	for i, s := range h.Shards {
		if s < 0 || s >= h.ShardCount || i > 0 && s <= h.Shards[i-1] {
			return fmt.Errorf("shards %v of %d", h.Shards, h.ShardCount)
		}
	}
	for _, f := range h.Failed {
		if f.Path == "" || f.Error == "" {
			return fmt.Errorf("failed input %q without a path or a reason", f.Path)
		}
	}
	if sum := sha256.Sum256([]byte(h.QueryText)); hex.EncodeToString(sum[:]) != h.Query {
		return errors.New("the query does not match its hash")
	}
	return nil
}

// MergePartials combines partial results of one query over disjoint
// shards of one split into one; names name them in errors. It refuses
// partials of different queries or splits and a shard given twice. The
// partials are consumed.
//
// When the partials record inputs that could not be read, it returns the
// merged partial with a *mapreduce.FailedInputs naming them (see Partial.Failed), as
// ScanLogs does: the result covers the other inputs.
func MergePartials(parts []*Partial, names []string) (*Partial, error) {
	if len(parts) == 0 {
		return nil, errors.New("no partial result to merge")
	}
	acc, first := parts[0], names[0]
	acc.Header.Parsed = acc.Stats().Parsed // an older file's: every line
	owner := map[int]string{}
	for _, s := range acc.Header.Shards {
		owner[s] = first
	}
	for i, p := range parts[1:] {
		name := names[i+1]
		h, a := &p.Header, &acc.Header
		switch {
		case h.Query != a.Query:
			return nil, fmt.Errorf("%s and %s are partials of different queries (%s)", first, name, queryDifference(a.QueryText, h.QueryText))
		case h.ShardCount != a.ShardCount:
			return nil, fmt.Errorf("%s is a shard of %d, %s of %d: partials of different splits", first, a.ShardCount, name, h.ShardCount)
		case h.Plan != a.Plan:
			return nil, fmt.Errorf("%s and %s split different input lists (a file added, removed or grown between them)", first, name)
		}
		for _, s := range h.Shards {
			if other, ok := owner[s]; ok {
				return nil, fmt.Errorf("shard %d/%d is in both %s and %s: it would be counted twice", s, a.ShardCount, other, name)
			}
			owner[s] = name
		}
		a.Shards = append(a.Shards, h.Shards...)
		a.Inputs = append(a.Inputs, h.Inputs...)
		a.Failed = append(a.Failed, h.Failed...)
		a.Lines += h.Lines
		a.Matched += h.Matched
		a.Malformed += h.Malformed
		a.Parsed += p.Stats().Parsed // an older file's: every line
		a.Sampled += h.Sampled
		a.SampledMalformed += h.SampledMalformed
		a.Bytes += h.Bytes
		if p.kind != acc.kind { // same query, same aggregate: only a corrupt kind name gets here
			return nil, fmt.Errorf("%s and %s are partials of different kinds (%s, %s)", first, name, a.Kind, h.Kind)
		}
		acc.kind.merge(acc.agg, p.agg)
	}
	slices.Sort(acc.Header.Shards)
	slices.SortFunc(acc.Header.Inputs, func(a, b PartialInput) int { return strings.Compare(a.Path, b.Path) })
	sortFailures(acc.Header.Failed)
	acc.Header.Tool = logscan.BuildID()
	return acc, acc.failedErr()
}

// Missing returns the shards of the split that the partial does not cover.
func (p *Partial) Missing() []int {
	var missing []int
	for s := range p.Header.ShardCount {
		if _, found := slices.BinarySearch(p.Header.Shards, s); !found {
			missing = append(missing, s)
		}
	}
	return missing
}

// HostsResult is the final answer of a hosts partial.
func (p *Partial) HostsResult() (*HostsResult, error) {
	set, ok := p.agg.(*HostSet)
	if !ok {
		return nil, fmt.Errorf("a %s partial has no hosts result", p.Header.Kind)
	}
	return &HostsResult{Hosts: set.Sorted(), Stats: p.Stats()}, nil
}

// CountResult is the final answer of a count partial: the rows o keeps, in
// its order.
func (p *Partial) CountResult(o CountOrder) (*CountResult, error) {
	counts, ok := p.agg.(*Counter)
	if !ok {
		return nil, fmt.Errorf("a %s partial has no count result", p.Header.Kind)
	}
	return counts.result(o, p.Stats())
}

// queryDifference names the first option two query descriptions differ in.
func queryDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("%s against %s", x, y)
		}
	}
	return "their hashes differ"
}
