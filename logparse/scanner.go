package logparse

import (
	"bytes"
	"io"
)

const (
	// DefaultMaxLineBytes is the longest line a Scanner hands out whole.
	// Real access-log lines are far shorter (Apache and nginx refuse
	// request lines and headers over 8 KiB by default); the bound is what
	// a Scanner's memory grows to, whatever the input: binary junk with no
	// newline for gigabytes costs a worker 1 MiB, not the line's length.
	DefaultMaxLineBytes = 1 << 20
	initialBufferSize   = 256 << 10
)

// A Scanner reads lines from a stream. Lines are handed out as sub-slices of
// one large reused buffer, so a line costs no allocation; the buffer grows
// to hold long lines, up to MaxLineBytes.
//
// Long-line policy: a line longer than MaxLineBytes is neither an error nor
// the end of the file. Bytes returns its first MaxLineBytes bytes, Truncated
// reports true, the rest of the line is read and discarded without being
// buffered, and scanning goes on.
//
// Cut-line policy: a line is complete when a newline ends it or when the
// input ends cleanly (io.EOF). When a read fails part way through a line
// (a truncated gzip stream, an I/O error), that cut line is never handed
// out: it would be a record with wrong values (a byte count cut
// mid-number). Dropped reports it.
//
// A Scanner strips "\n" and a "\r" before it. It is not safe for concurrent use.
type Scanner struct {
	r            io.Reader
	MaxLineBytes int // 0 means DefaultMaxLineBytes; set before the first Scan

	buf        []byte
	start, end int // unconsumed bytes are buf[start:end]
	searched   int // buf[start:searched] is known to hold no '\n'
	line       []byte
	lineNo     int64
	block      []byte // the lines ScanBlock handed out
	blockFirst int64  // the number of block's first line
	truncated  bool
	discarding bool // inside the tail of a truncated line
	eof        bool
	err        error
	dropped    int // bytes of a line cut by a read error, not handed out
	emptyReads int // consecutive reads that returned (0, nil)
}

// maxEmptyReads is how many (0, nil) reads in a row Scan tolerates before
// failing with io.ErrNoProgress, as bufio does, rather than spin forever.
const maxEmptyReads = 100

// NewScanner returns a Scanner reading from r.
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{r: r}
}

// Reset makes s read from r, keeping its buffer.
func (s *Scanner) Reset(r io.Reader) {
	*s = Scanner{r: r, buf: s.buf, MaxLineBytes: s.MaxLineBytes}
}

// Bytes returns the current line without its line ending. It aliases the
// Scanner's buffer and is valid until the next call to Scan.
func (s *Scanner) Bytes() []byte { return s.line }

// Line returns the 1-based number of the current line.
func (s *Scanner) Line() int64 { return s.lineNo }

// Truncated reports whether the current line was longer than MaxLineBytes.
func (s *Scanner) Truncated() bool { return s.truncated }

// Err returns the first read error other than io.EOF.
func (s *Scanner) Err() error { return s.err }

// Dropped returns the length of the line that a read error cut short, which
// Scan did not hand out; 0 when there was none.
func (s *Scanner) Dropped() int { return s.dropped }

// ScanBlock advances past every complete line buffered, reading more
// first when none is, and hands them out together: Block returns them and
// BlockLine the number of the first; Line is then the number of the last.
// It returns false, having consumed nothing, when the next line is not
// one that a block can hold: the end of the input, an unterminated last
// line, a line longer than MaxLineBytes or the rest of one, or a line cut
// by a read error. Scan then hands it out (or returns false), after which
// ScanBlock can be called again. Mixing the two keeps every policy of Scan
// (line numbers, long lines, Dropped) while a caller that looks for a
// needle searches many lines at once.
func (s *Scanner) ScanBlock() bool {
	s.allocate()
	// A line in the buffer longer than maxLine is cut by Scan alone: with
	// a buffer no longer than maxLine+1, no complete line in it is.
	if s.discarding || len(s.buf) > s.maxLine()+1 {
		return false
	}
	for {
		if i := bytes.LastIndexByte(s.buf[s.searched:s.end], '\n'); i >= 0 {
			nl := s.searched + i
			s.block, s.blockFirst = s.buf[s.start:nl+1], s.lineNo+1
			s.lineNo += int64(bytes.Count(s.block, newline))
			s.line, s.truncated = nil, false
			s.consume(nl + 1)
			return true
		}
		s.searched = s.end
		if s.eof || s.err != nil || s.end-s.start > s.maxLine() {
			return false
		}
		s.fill()
		if len(s.buf) > s.maxLine()+1 {
			return false
		}
	}
}

var newline = []byte{'\n'}

// Block returns the lines the last ScanBlock handed out, each with its
// line ending ("\n" or "\r\n"), none longer than MaxLineBytes. It aliases
// the Scanner's buffer and is valid until the next call to Scan or
// ScanBlock.
func (s *Scanner) Block() []byte { return s.block }

// BlockLine returns the 1-based number of the first line of Block.
func (s *Scanner) BlockLine() int64 { return s.blockFirst }

// Scan advances to the next line. It returns false at the end of the input
// or on a read error; the last line need not end in a newline when the
// input ends cleanly, and is dropped when a read error cuts it.
func (s *Scanner) Scan() bool {
	s.allocate()
	for {
		if i := bytes.IndexByte(s.buf[s.searched:s.end], '\n'); i >= 0 {
			nl := s.searched + i
			if s.discarding {
				s.discarding = false
				s.consume(nl + 1)
				continue
			}
			s.emitLine(s.buf[s.start:nl])
			s.consume(nl + 1)
			return true
		}
		s.searched = s.end
		if s.discarding {
			// Everything buffered is the tail of a cut line.
			s.start, s.end, s.searched = 0, 0, 0
		}
		if s.eof || s.err != nil {
			return s.finish()
		}
		if s.end-s.start > s.maxLine() {
			s.cutLongLine()
			return true
		}
		s.fill()
	}
}

// allocate makes the buffer on first use: no longer than a line can be,
// so that no complete line in it is too long (see ScanBlock).
func (s *Scanner) allocate() {
	if s.buf == nil {
		s.buf = make([]byte, min(initialBufferSize, s.maxLine()+1))
	}
}

func (s *Scanner) maxLine() int {
	if s.MaxLineBytes > 0 {
		return s.MaxLineBytes
	}
	return DefaultMaxLineBytes
}

// finish hands out the unterminated last line, if any, unless a read
// error cut it.
func (s *Scanner) finish() bool {
	if s.err != nil && s.start < s.end && !s.discarding {
		s.dropped = s.end - s.start
	}
	if s.start == s.end || s.discarding || s.err != nil {
		s.start, s.end, s.searched, s.discarding = 0, 0, 0, false
		s.line = nil
		return false
	}
	s.emitLine(s.buf[s.start:s.end])
	s.consume(s.end)
	return true
}

// emitLine hands out a complete line, cut to maxLine bytes if longer, so
// that the limit does not depend on how much one Read brought in.
func (s *Scanner) emitLine(line []byte) {
	if len(line) > s.maxLine() {
		s.emit(line[:s.maxLine()], true)
		return
	}
	s.emit(line, false)
}

// cutLongLine hands out the first maxLine bytes of an over-long line and
// drops the rest up to the next newline.
func (s *Scanner) cutLongLine() {
	s.emit(s.buf[s.start:s.start+s.maxLine()], true)
	s.discarding = true
	s.consume(s.end)
}

func (s *Scanner) emit(line []byte, truncated bool) {
	if n := len(line); n > 0 && line[n-1] == '\r' && !truncated {
		line = line[:n-1]
	}
	s.line, s.truncated = line, truncated
	s.lineNo++
}

func (s *Scanner) consume(upTo int) {
	s.start = upTo
	if s.searched < upTo {
		s.searched = upTo
	}
}

// fill reads more input, first making room: it moves the unconsumed bytes to
// the front, and grows the buffer only when a single line fills it.
func (s *Scanner) fill() {
	if s.start > 0 && (s.end == len(s.buf) || s.start == s.end) {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.searched -= s.start
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		size := min(2*len(s.buf), s.maxLine()+1)
		grown := make([]byte, max(size, len(s.buf)+1))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	n, err := s.r.Read(s.buf[s.end:])
	s.end += n
	if n == 0 && err == nil {
		s.emptyReads++
		if s.emptyReads >= maxEmptyReads {
			err = io.ErrNoProgress
		}
	} else {
		s.emptyReads = 0
	}
	if err == io.EOF {
		s.eof = true
	} else if err != nil {
		s.err = err
	}
}
