package logscan

import (
	"context"
	"io"

	"github.com/logmr/logmr/logparse"
)

// ScanTextForTest returns one worker's per-line work (scan, parse, filter,
// aggregate) over a text, for the external tests and benchmarks that need
// jobs' aggregates. With parsers and maxLineBytes 0 it is the path of an
// input read in Go (openText, its pooled Scanner); otherwise a Scanner of
// its own with that line limit, parsed on that many goroutines. allFields
// fills in every field, as for an aggregate that does not say.
func ScanTextForTest[A Aggregate[A]](opts ScanOptions, newAggregate func() A, allFields bool) (func(r io.Reader, name string, parsers, maxLineBytes int) (A, Stats, error), error) {
	m, err := opts.Filter.Compile()
	if err != nil {
		return nil, err
	}
	fields := scanFields(newAggregate, m)
	if allFields {
		fields = logparse.AllFields
	}
	s := &logScanner[A]{opts: opts, filter: m, newAggregate: newAggregate, fields: fields, prefilter: newPrefilter(m)}
	return func(r io.Reader, name string, parsers, maxLineBytes int) (A, Stats, error) {
		out := scanned[A]{agg: newAggregate()}
		if parsers == 0 && maxLineBytes == 0 {
			tr, err := openText(r, nil, 0, opts.CheckAllLines)
			if err == nil {
				_, err = tr.close(s.scanLines(context.Background(), name, tr.Lines(), &out))
			}
			return out.agg, out.stats, err
		}
		sc := logparse.NewScanner(r)
		sc.MaxLineBytes = maxLineBytes
		lines, err := newLineSource(sc, nil, false)
		if err != nil {
			return out.agg, out.stats, err
		}
		lines.parsers = parsers
		lines.everyLine = opts.CheckAllLines // as a read plan sets it
		err = s.scanLines(context.Background(), name, lines, &out)
		return out.agg, out.stats, err
	}, nil
}
