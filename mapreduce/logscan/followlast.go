package logscan

import (
	"bytes"
	"io"

	"github.com/logmr/logmr/logparse"
)

// lastBlock is how much of a plain file last reads at a time, backwards.
const lastBlock = 64 << 10

// last hands out the last FollowOptions.Last matching records of fw's
// file, as it is now, and leaves fw.offset where following goes on: after
// its last whole line (a line still being written is handed out once its
// newline is). A plain file is read backwards in blocks from its end
// until it holds that many, then forwards from the first of them; a
// compressed file is read whole.
func (f *follower) last(fw *followed) {
	if fw.done { // compressed
		f.lastCompressed(fw)
		return
	}
	size := fw.info.Size()
	end := size
	if !f.opts.Once {
		end = f.lineEnd(fw, size)
	}
	if end == 0 {
		fw.offset, fw.numbered = end, true
		return
	}
	// A stateful format's line means something only after the directives
	// before it (W3C's #Fields): its file is read from the start, the
	// lines before the last ones parsed for their directives only.
	directivesOnly := f.opts.Last == 0 && f.detect(fw, f.opts.Once) && fw.format.Stateful()
	if f.opts.Last == 0 && !directivesOnly {
		fw.offset = end
		return
	}
	if !f.detect(fw, f.opts.Once) {
		return // followed from its start, once it holds a line
	}
	start := int64(0)
	switch {
	case directivesOnly:
		fw.mute = end
	case f.opts.Last > 0 && fw.format.Stateful():
		fw.mute = f.lastStartForward(fw, end)
	case f.opts.Last > 0:
		start = f.lastStart(fw, end)
	}
	defer func() { fw.mute = 0 }()
	fw.offset, fw.numbered = start, start == 0
	f.read(fw, end, f.opts.Once)
}

// lastStartForward is lastStart for a stateful format: it reads fw's file
// forwards from its start to end, and returns the offset of the first of
// its last FollowOptions.Last lines that pass the filter, 0 when it holds
// fewer.
func (f *follower) lastStartForward(fw *followed, end int64) int64 {
	p := newLineParser(f.ctx, fw.path, fw.format, f.match, logparse.AllFields, 0)
	var st Stats
	starts := make([]int64, 0, f.opts.Last) // a ring: the offsets of the last lines passed
	next := 0
	block := make([]byte, lastBlock)
	var carry []byte
	for pos := int64(0); pos < end && f.ctx.Err() == nil; {
		n, err := fw.file.ReadAt(block[:min(int64(lastBlock), end-pos)], pos)
		if n == 0 {
			f.fail(fw.path, err)
			return 0
		}
		data := append(carry, block[:n]...)
		at := pos - int64(len(carry))
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			line := bytes.TrimSuffix(data[:i], []byte{'\r'})
			if len(line) <= logparse.DefaultMaxLineBytes && p.parse(line, false, 0, &st) == linePassed {
				if len(starts) < cap(starts) {
					starts = append(starts, at)
				} else {
					starts[next] = at
					next = (next + 1) % len(starts)
				}
			}
			st.Examples = st.Examples[:0]
			data, at = data[i+1:], at+int64(i+1)
		}
		carry = append(carry[:0], data...)
		pos += int64(n)
	}
	if len(starts) < f.opts.Last {
		return 0
	}
	return starts[next]
}

// lineEnd returns the offset after the last newline before size in fw's
// file: 0 when there is none.
func (f *follower) lineEnd(fw *followed, size int64) int64 {
	block := make([]byte, lastBlock)
	for pos := size; pos > 0; {
		n := min(int64(lastBlock), pos)
		pos -= n
		k, err := fw.file.ReadAt(block[:n], pos)
		if i := bytes.LastIndexByte(block[:k], '\n'); i >= 0 {
			return pos + int64(i) + 1
		}
		if err != nil && err != io.EOF {
			return 0
		}
	}
	return 0
}

// lastStart reads fw's file backwards from end, a line boundary (or the
// end of the file, with Once), and returns the offset of the first of its
// last FollowOptions.Last lines that pass the filter: 0 when it holds
// fewer. A line longer than logparse.DefaultMaxLineBytes does not count.
func (f *follower) lastStart(fw *followed, end int64) int64 {
	p := newLineParser(f.ctx, fw.path, fw.format, f.match, logparse.AllFields, 0)
	var st Stats
	need := f.opts.Last
	block := make([]byte, lastBlock)
	var carry []byte // the start of the line that ends in the block after
	long := false    // carry is part of a line too long to count
	for pos := end; pos > 0 && f.ctx.Err() == nil; {
		n := min(int64(lastBlock), pos)
		pos -= n
		if k, err := fw.file.ReadAt(block[:n], pos); int64(k) < n {
			f.fail(fw.path, err)
			return end
		}
		data := append(block[:n:n], carry...)
		i := len(data)
		if pos+n == end && data[i-1] == '\n' {
			i--
		}
		for {
			j := bytes.LastIndexByte(data[:i], '\n')
			if j < 0 {
				break
			}
			line := bytes.TrimSuffix(data[j+1:i], []byte{'\r'})
			if !long && p.parse(line, false, 0, &st) == linePassed {
				if need--; need == 0 {
					return pos + int64(j) + 1
				}
			}
			long, i = false, j
		}
		carry = bytes.Clone(data[:i])
		if len(carry) > logparse.DefaultMaxLineBytes {
			carry, long = nil, true
		}
	}
	return 0
}

// lastCompressed hands out the last matching records of fw's compressed
// file, read whole on the read path of ScanLogs (gzip inflated in this
// process); the file is not followed.
func (f *follower) lastCompressed(fw *followed) {
	fw.closeFile()
	if f.opts.Last == 0 {
		return
	}
	r, err := openInput(f.ctx, Input{Path: fw.path, Size: -1}, readPlan{format: f.opts.Format, everyLine: true})
	if err != nil {
		f.lost++
		if s, skip := skipped(Input{Path: fw.path, walked: fw.walked}, err, false); skip {
			f.skipped = append(f.skipped, s)
		} else {
			f.fail(fw.path, err)
		}
		return
	}
	lines := r.Lines()
	f.setFormat(fw, lines.format)
	fw.numbered = true
	keep := newLastRing(f.opts.Last)
	for !f.stopped && lines.next() {
		if f.opts.Last < 0 {
			fw.lineNo = lines.lineNo() - 1
			f.emit(fw, lines.bytes(), 0, lines.truncated())
			continue
		}
		out := fw.parser.parse(lines.bytes(), lines.truncated(), lines.lineNo(), &f.stats)
		if out == linePassed || out == lineMalformed {
			keep.add(lines.bytes(), lines.lineNo(), lines.truncated(), out == linePassed)
		}
		f.stats.Examples = f.stats.Examples[:0]
	}
	if _, err := r.close(nil); err != nil && !f.stopped && f.ctx.Err() == nil {
		f.lost++ // its lines below are still handed out: the last ones read
		f.fail(fw.path, err)
	}
	for _, l := range keep.lines {
		if f.stopped {
			return
		}
		fw.lineNo = l.no - 1
		f.emit(fw, l.line, 0, l.truncated)
	}
}

// lastRing keeps copies of the last n matching lines of an input and the
// malformed lines among them (at most maxMalformedKept more).
type lastRing struct {
	n, matched, malformed int
	lines                 []keptLine
}

type keptLine struct {
	line      []byte
	no        int64
	truncated bool
	matched   bool
}

const maxMalformedKept = 1000

func newLastRing(n int) *lastRing { return &lastRing{n: n} }

func (r *lastRing) add(line []byte, no int64, truncated, matched bool) {
	r.lines = append(r.lines, keptLine{line: bytes.Clone(line), no: no, truncated: truncated, matched: matched})
	if matched {
		r.matched++
	} else {
		r.malformed++
	}
	for r.matched > r.n || r.malformed > maxMalformedKept {
		if r.lines[0].matched {
			r.matched--
		} else {
			r.malformed--
		}
		r.lines = r.lines[1:]
	}
}
