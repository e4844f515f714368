package logscan

import (
	"bytes"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/internal/bytepair"
)

// SampleEvery is the prefilter's sampling interval: of the lines without
// the literal, those whose number is a multiple of it are parsed all the
// same, for the malformed count and the time span (see Stats.Sampled).
const SampleEvery = 64

// A prefilter is the literal text that every line whose record can pass
// the filter holds (filter.Required), compiled for a search over many
// lines at once: only the lines that hold it, or an escape that decodes
// to one of its bytes, and a sample of the others are parsed. A prefilter
// is safe for concurrent use; each worker searches with a blockLines of
// its own.
type prefilter struct {
	anchors []anchor
	path    bool // the literals come from a path condition (filter.Required.Path)
}

// An anchor is what a search stops at: a literal's two rarest bytes at
// their distance apart (a one-byte literal's byte, in one of its two cases
// for a folded literal), verified around them; or the backslash of an
// escape that decodes to a byte of some literal.
//
// Why that is enough: an escape decodes to one byte. A field holding a
// literal that its raw text does not hold must have an escape among the
// literal's bytes, decoding to one of them; without such an escape, the
// literal's bytes are raw and adjacent in the line as in the field.
type anchor struct {
	// c, at offset off in lit, is the byte searched for when the anchor
	// is not paired: a one-byte literal's, or the backslash.
	c   byte
	off int
	lit []byte // nil: the backslash
	// fold: lit is lower case and compared in any ASCII case.
	fold bool
	// escapes: for the backslash, the bytes of every literal (in both
	// cases, folded): an escape decoding to one makes a candidate.
	escapes *[256]bool
	// paired: lit has two bytes or more, and the search looks for its
	// two rarest together (pair, in either case for a folded literal; lo
	// is the offset in lit of the first of them), not for the rarest
	// alone: that one, however rare, is still met about once a line (the
	// 'x' of /robots.txt in x64), the pair about a hundred times less.
	paired bool
	pair   bytepair.Pair
	lo     int
}

// newPrefilter returns the prefilter of m, or nil when m requires no text.
func newPrefilter(m *filter.Matcher) *prefilter {
	req := m.Required()
	if len(req.Any) == 0 {
		return nil
	}
	pf := &prefilter{path: req.Path, anchors: []anchor{{c: '\\', escapes: new([256]bool)}}}
	for _, l := range req.Any {
		for _, c := range l.Text {
			pf.anchors[0].escapes[c] = true
			if l.Fold && 'a' <= c && c <= 'z' {
				pf.anchors[0].escapes[c-'a'+'A'] = true
			}
		}
		off := filter.RareByte(l)
		c := l.Text[off]
		check := filter.NextRareByte(l, off)
		if check >= 0 {
			lo, hi := min(off, check), max(off, check)
			pf.anchors = append(pf.anchors, anchor{lit: l.Text, fold: l.Fold, paired: true, pair: bytepair.Of(l.Text, lo, hi, l.Fold), lo: lo})
			continue
		}
		pf.anchors = append(pf.anchors, anchor{c: c, off: off, lit: l.Text, fold: l.Fold})
		if l.Fold && 'a' <= c && c <= 'z' {
			pf.anchors = append(pf.anchors, anchor{c: c - 'a' + 'A', off: off, lit: l.Text, fold: true})
		}
	}
	return pf
}

// usable says whether the prefilter is exact for an input in format: a
// path literal is not when the target is joined from %U and %q.
func (pf *prefilter) usable(format *logparse.Format) bool {
	if pf == nil {
		return false
	}
	if !pf.path {
		return true
	}
	for _, f := range format.Fields() {
		if d := f.Directive; len(d) > 1 && d[0] == '%' && d[len(d)-1] == 'q' {
			return false
		}
	}
	return true
}

// find returns where the first match of a at or after from starts in buf,
// or len(buf).
func (a *anchor) find(buf []byte, from int) int {
	for {
		var i int
		if a.paired {
			if from+a.lo >= len(buf) {
				return len(buf)
			}
			i = bytepair.Index(buf[from+a.lo:], a.pair)
		} else {
			if from+a.off >= len(buf) {
				return len(buf)
			}
			i = bytes.IndexByte(buf[from+a.off:], a.c)
		}
		if i < 0 {
			return len(buf)
		}
		start := from + i
		if a.matches(buf, start) {
			return start
		}
		from = start + 1
	}
}

func (a *anchor) matches(buf []byte, start int) bool {
	if a.lit == nil {
		// Every backslash is tried as an escape's, even one that an
		// escaped backslash before it makes plain text: more candidates,
		// never fewer.
		c, n := logparse.DecodeEscape(buf[start+1:])
		return n > 0 && a.escapes[c]
	}
	if start+len(a.lit) > len(buf) {
		return false
	}
	text := buf[start : start+len(a.lit)]
	if !a.fold {
		return bytes.Equal(text, a.lit)
	}
	for i, c := range text {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != a.lit[i] {
			return false
		}
	}
	return true
}

// blockLines hands out the lines of blocks that a worker must parse: those
// where the prefilter's search stops, and the sample of the others. It
// counts every line it passes over in Stats.Lines; the lines it hands out
// are counted by lineParser.parse. A blockLines is used by one goroutine.
type blockLines struct {
	pf   *prefilter
	next []int // per anchor, where its next match starts; -1: not searched
	buf  []byte
	pos  int   // buf[pos:] is yet to be handed out or passed over
	no   int64 // the number of the line before buf[pos:]
}

// search returns the search for one reader's lines, or nil when every
// line is to be parsed: no prefilter, one not exact for the lines'
// format, or an input whose every line is parsed (readPlan.everyLine,
// which ScanOptions.CheckAllLines sets for all).
func (pf *prefilter) search(lines *lineSource) *blockLines {
	if lines.everyLine || !pf.usable(lines.format) {
		return nil
	}
	return newBlockLines(pf)
}

func newBlockLines(pf *prefilter) *blockLines {
	return &blockLines{pf: pf, next: make([]int, len(pf.anchors))}
}

// reset starts on block, whole lines each ending in '\n', the first
// numbered first.
func (b *blockLines) reset(block []byte, first int64) {
	b.buf, b.pos, b.no = block, 0, first-1
	for i := range b.next {
		b.next[i] = -1
	}
}

// candidate returns where the next match of any anchor starts, or len(buf).
func (b *blockLines) candidate() int {
	best := len(b.buf)
	for i := range b.pf.anchors {
		if b.next[i] < b.pos {
			b.next[i] = b.pf.anchors[i].find(b.buf, b.pos)
		}
		best = min(best, b.next[i])
	}
	return best
}

// line returns the next line to parse, without its line ending, and its
// number; sampled says it is there only as the sample. ok is false at the
// end of the block. Lines passed over are added to st.Lines.
//
// It does not look at each line: it counts the line endings (bytes.Count,
// a few times faster than one IndexByte per line) up to the next sampled
// line or the next match, whichever comes first, and finds that line's
// bounds alone.
func (b *blockLines) line(st *Stats) (line []byte, no int64, sampled, ok bool) {
	if b.pos >= len(b.buf) {
		return nil, 0, false, false
	}
	hit := b.candidate()
	// Lines no+1 ... no+before are passed over unless the match is in
	// one; line no+before+1 is the next sampled one.
	before := SampleEvery - 1 - int(b.no%SampleEvery)
	start, passed := skipLines(b.buf, b.pos, hit, before)
	sampled = passed == before
	if !sampled {
		// Fewer line endings than that before the match: the match's
		// line comes first, or, with no match, the block ends first.
		if hit == len(b.buf) {
			st.Lines += int64(passed)
			b.pos, b.no = len(b.buf), b.no+int64(passed)
			return nil, 0, false, false
		}
		start = b.pos + bytes.LastIndexByte(b.buf[b.pos:hit], '\n') + 1
	}
	st.Lines += int64(passed)
	b.no += int64(passed)
	if start == len(b.buf) {
		b.pos = start
		return nil, 0, false, false
	}
	end := start + bytes.IndexByte(b.buf[start:], '\n')
	b.pos, b.no = end+1, b.no+1
	return trimCR(b.buf[start:end]), b.no, sampled && hit >= end, true
}

var newline = []byte{'\n'}

// skipChunk is how much text skipLines counts the line endings of at once:
// a few lines, so that finding the last one's place costs a few IndexByte
// calls more, not many.
const skipChunk = 2 << 10

// skipLines passes over n line endings in buf[from:limit] and returns the
// position after the last one and n; when fewer lie there, it passes over
// them all and returns limit and how many.
func skipLines(buf []byte, from, limit, n int) (pos, passed int) {
	pos = from
	for passed < n && pos < limit {
		end := min(pos+skipChunk, limit)
		if c := bytes.Count(buf[pos:end], newline); passed+c < n {
			pos, passed = end, passed+c
			continue
		}
		for passed < n { // the n-th is in this chunk
			pos += bytes.IndexByte(buf[pos:end], '\n') + 1
			passed++
		}
	}
	return pos, passed
}

// one says what to do with a line handed out alone (by lineSource.next,
// not in a block), as line would in a block: parse it (a candidate, or
// sampled) or pass over it.
func (b *blockLines) one(line []byte, no int64) (parse, sampled bool) {
	for i := range b.pf.anchors {
		if b.pf.anchors[i].find(line, 0) < len(line) {
			return true, false
		}
	}
	return no%SampleEvery == 0, no%SampleEvery == 0
}

// trimCR strips the '\r' of a "\r\n" line ending, as logparse.Scanner does.
func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}
