package logscan

import (
	"context"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
)

// ctxCheckLines is how often a worker looks at ctx: often enough to stop
// within milliseconds, rarely enough to cost nothing.
const ctxCheckLines = 4096

// A lineOutcome is what lineParser.parse made of a line: what its caller,
// the consumer of the records, does with it.
type lineOutcome uint8

const (
	lineRejected  lineOutcome = iota // counted; nothing more to do
	linePassed                       // p.rec passed the filter: consume it
	lineMalformed                    // counted; p.lineErr is set where lineErrors asked for it
	lineStopped                      // ctx is done: the caller returns context.Cause(ctx)
)

// lineParser is the per-line work of one worker on one input, the same for
// every reader of lines: ScanLogs (scanLines), its parsers of one input
// (scanLinesParallel) and WriteRecords. parse counts the line in Stats,
// parses it, keeps the first malformed lines as examples, applies the
// filter and counts what it rejects; the caller does the one thing that
// differs, with the record that passed (add it to an aggregate, encode
// it) or the malformed line. Returning the outcome, rather than calling a
// consumer, keeps an indirect call off ScanLogs' hot path.
//
// A lineParser is not safe for concurrent use; p.rec and p.lineErr are
// valid until the next parse.
type lineParser struct {
	ctx         context.Context // checked every ctxCheckLines lines
	name        string          // the input, for LineErrors
	parser      *logparse.Parser
	filter      *filter.Matcher
	rec         logparse.Record // the last line's record
	maxExamples int
	spans       bool // the parser fills in the time: Stats.Span is kept
	// lineErrors asks for every malformed line's *LineError in lineErr,
	// not only the examples' (WriteRecords' Malformed output).
	lineErrors bool
	lineErr    *logparse.LineError
	// directive is set when a line was a format directive (W3C's
	// #Fields: logparse.ErrNotRecord), for a caller that keeps them
	// (Merge) to clear.
	directive bool
}

// newLineParser returns a lineParser for input name in format that fills
// in the fields in need (and those the parser always fills in).
func newLineParser(ctx context.Context, name string, format *logparse.Format, match *filter.Matcher, need logparse.Fields, maxExamples int) *lineParser {
	parser := logparse.NewParser(format)
	parser.Need(need)
	return &lineParser{ctx: ctx, name: name, parser: parser, filter: match, maxExamples: maxExamples, spans: need&logparse.FieldTime != 0}
}

// parse does the per-line work for line number lineNo, cut at the
// Scanner's MaxLineBytes when truncated, counting it in st.
func (p *lineParser) parse(line []byte, truncated bool, lineNo int64, st *Stats) lineOutcome {
	if st.Lines%ctxCheckLines == ctxCheckLines-1 && p.ctx.Err() != nil {
		return lineStopped
	}
	st.Lines++
	st.Parsed++
	err := logparse.ErrLineTooLong // what a cut line's fields say is meaningless
	if !truncated {
		err = p.parser.Parse(line, &p.rec)
	}
	if err == logparse.ErrNotRecord {
		p.directive = true
		return lineRejected // a directive (W3C's #Fields): read, and neither well-formed nor malformed
	}
	if err != nil {
		st.Malformed++
		if len(st.Examples) < p.maxExamples || p.lineErrors {
			p.lineErr = logparse.NewLineError(p.name, lineNo, line, err)
			if len(st.Examples) < p.maxExamples {
				st.Examples = append(st.Examples, p.lineErr)
			}
		}
		return lineMalformed
	}
	if p.spans && p.rec.HasTime() {
		st.span.add(p.rec.Time, p.rec.Offset)
	}
	if stage := p.filter.Stage(&p.rec); stage == filter.Passed {
		st.Matched++
		return linePassed
	} else if stage < filter.NumStages { // written out: this branch is hot under a selective filter
		st.rejected[stage]++
	} else {
		st.rejectNamed(p.filter, stage)
	}
	return lineRejected
}

// parseSampled is parse for a line the prefilter passed over but for the
// sample: counted in Stats.Sampled too. It cannot pass the filter.
func (p *lineParser) parseSampled(line []byte, lineNo int64, st *Stats) lineOutcome {
	out := p.parse(line, false, lineNo, st)
	st.Sampled++
	if out == lineMalformed {
		st.SampledMalformed++
	}
	return out
}

// next returns the next line of lines that p must parse, the prefilter's
// search run when bl is set (nil: every line), and parses it; ok is false
// at the end of the lines. The lines the search passes over are counted
// here, and ctx is checked once per block (a block is at most the
// Scanner's buffer) or every ctxCheckLines lines.
func (p *lineParser) next(lines *lineSource, bl *blockLines, st *Stats) (out lineOutcome, line []byte, ok bool) {
	for bl != nil {
		if line, no, sampled, ok := bl.line(st); ok {
			if sampled {
				return p.parseSampled(line, no, st), line, true
			}
			return p.parse(line, false, no, st), line, true
		}
		if !lines.nextBlock() {
			break
		}
		if p.ctx.Err() != nil {
			return lineStopped, nil, true
		}
		bl.reset(lines.block())
	}
	for lines.next() {
		line, no := lines.bytes(), lines.lineNo()
		if bl == nil || lines.truncated() {
			return p.parse(line, lines.truncated(), no, st), line, true
		}
		switch parse, sampled := bl.one(line, no); {
		case sampled:
			return p.parseSampled(line, no, st), line, true
		case parse:
			return p.parse(line, false, no, st), line, true
		}
		if st.Lines++; st.Lines%ctxCheckLines == 0 && p.ctx.Err() != nil {
			return lineStopped, nil, true
		}
	}
	return 0, nil, false
}
