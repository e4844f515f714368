package logscan

import (
	"math"
	"slices"
	"sort"
	"time"
)

// A window reorders the lines of one stream that come late by up to its
// width (see MergeOptions.Window): each line is held back until a line
// width newer than it has been read, or until the lines held back take
// more than maxBytes.
//
// The lines held back are a slice sorted by instant, then by the order
// they were read: a line in order is appended, a late one inserted a
// little before the end, and lines go out from the front, so that the
// common case costs no comparison beyond the last line's. Their text is
// copied into slabs of slabBytes, each given back once its last line has
// gone out: no allocation per line, and memory bounded by maxBytes.
type window struct {
	width    int64 // nanoseconds; negative: none (lines go out as read)
	maxBytes int   // of slabs in use
	bytes    int   // of slabs in use
	newest   int64 // the newest instant read
	lastOut  int64 // the newest instant handed out
	held     []heldLine
	first    int   // held[first:] are held back
	cur      *slab // the slab lines are copied into
	free     []*slab
	late     int64
	maxLag   int64 // the most a line came after a line of a later instant
	examples []LateLine
	maxEx    int
}

// slabBytes is the size of the slabs a window copies lines into; a
// longer line gets a slab of its own.
const slabBytes = 64 << 10

// A slab holds the text of lines held back; live counts them.
type slab struct {
	buf  []byte
	live int
}

func newWindow(width time.Duration, maxBytes int) *window {
	if width == 0 {
		width = DefaultSortWindow
	}
	if maxBytes <= 0 {
		maxBytes = defaultWindowBytes
	}
	return &window{width: int64(width), maxBytes: maxBytes, newest: math.MinInt64, lastOut: math.MinInt64, maxEx: 10}
}

// A heldLine is a line the window holds back, its text in a slab.
type heldLine struct {
	it     item
	timed  bool
	lineNo int64
	slab   *slab
	line   []byte
}

// add takes a line read and hands to out, in order, those that the
// window no longer holds back. out copies the line: it is not kept.
func (w *window) add(it item, line []byte, timed bool, lineNo int64, out func(item, []byte)) {
	if timed && it.key > w.newest {
		w.newest = it.key
	} else if timed {
		w.maxLag = max(w.maxLag, w.newest-it.key) // keys are within ±2^62: no overflow
	}
	if w.width < 0 {
		w.emit(heldLine{it: it, timed: timed, lineNo: lineNo}, line, out)
		return
	}
	h := heldLine{it: it, timed: timed, lineNo: lineNo}
	h.slab, h.line = w.store(line)
	i := len(w.held)
	if i > w.first && w.held[i-1].it.key > it.key { // late: after the lines of its instant or before
		n := len(w.held) - w.first
		i = w.first + sort.Search(n, func(j int) bool { return w.held[w.first+j].it.key > it.key })
	}
	w.held = slices.Insert(w.held, i, h)
	for w.first < len(w.held) && (w.bytes > w.maxBytes || w.newest > math.MinInt64+w.width && w.held[w.first].it.key < w.newest-w.width) {
		w.pop(out)
	}
}

// flush hands out every line held back: the stream has ended.
func (w *window) flush(out func(item, []byte)) {
	for w.first < len(w.held) {
		w.pop(out)
	}
}

// pop hands out the first line held back.
func (w *window) pop(out func(item, []byte)) {
	h := w.held[w.first]
	w.held[w.first] = heldLine{}
	w.first++
	w.emit(h, h.line, out)
	w.lineOut(h.slab)
	if w.first == len(w.held) {
		w.held, w.first = w.held[:0], 0
	} else if w.first >= 1024 && 2*w.first >= len(w.held) {
		n := copy(w.held, w.held[w.first:])
		clear(w.held[n:])
		w.held, w.first = w.held[:n], 0
	}
}

// store copies line into a slab.
func (w *window) store(line []byte) (*slab, []byte) {
	s := w.cur
	if s == nil || cap(s.buf)-len(s.buf) < len(line) {
		switch {
		case s != nil && s.live == 0 && cap(s.buf) >= len(line):
			s.buf = s.buf[:0] // every line of it went out: filled again
		case s != nil && s.live == 0:
			w.retire(s)
			fallthrough
		default:
			s = w.newSlab(len(line)) // the old one is retired with its last line
			w.cur = s
		}
	}
	off := len(s.buf)
	s.buf = append(s.buf, line...)
	s.live++
	return s, s.buf[off:len(s.buf):len(s.buf)]
}

func (w *window) newSlab(n int) *slab {
	var s *slab
	if k := len(w.free) - 1; k >= 0 && n <= slabBytes {
		s, w.free = w.free[k], w.free[:k]
	} else {
		s = &slab{buf: make([]byte, 0, max(slabBytes, n))}
	}
	w.bytes += cap(s.buf)
	return s
}

// lineOut counts out a line of s that went out.
func (w *window) lineOut(s *slab) {
	if s.live--; s.live == 0 && s != w.cur {
		w.retire(s)
	}
}

// retire gives back a slab that holds no line held back, keeping a few
// for reuse.
func (w *window) retire(s *slab) {
	w.bytes -= cap(s.buf)
	s.buf = s.buf[:0]
	if len(w.free) < 4 && cap(s.buf) == slabBytes {
		w.free = append(w.free, s)
	}
}

// emit hands a line on, counting it as late when a line of a later
// instant went before it.
func (w *window) emit(h heldLine, line []byte, out func(item, []byte)) {
	if h.timed && h.it.key < w.lastOut {
		w.late++
		if len(w.examples) < w.maxEx {
			w.examples = append(w.examples, LateLine{File: h.it.source, Line: h.lineNo, Behind: time.Duration(w.lastOut - h.it.key)})
		}
	}
	w.lastOut = max(w.lastOut, h.it.key)
	out(h.it, line)
}
