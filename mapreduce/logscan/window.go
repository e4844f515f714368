package logscan

import (
	"container/heap"
	"math"
	"time"
)

// A window reorders the lines of one input that came late by up to its
// width (see MergeOptions.Window): each line is held back until a line
// width newer than it has been read, or until the lines held back take
// more than maxBytes.
type window struct {
	width    int64 // nanoseconds; negative: none (lines go out as read)
	maxBytes int
	bytes    int   // of the lines held back
	newest   int64 // the newest instant read
	lastOut  int64 // the newest instant handed out
	seq      int64 // lines read: ties of instants go out in this order
	held     heldLines
	late     int64
	examples []LateLine
	maxEx    int
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

// A heldLine is a line the window holds back, with a copy of its text.
type heldLine struct {
	it     item
	seq    int64
	timed  bool
	lineNo int64
	line   []byte
}

// heldLines is a min-heap of lines by instant, then by order read.
type heldLines []heldLine

func (h heldLines) Len() int { return len(h) }
func (h heldLines) Less(i, j int) bool {
	return h[i].it.key < h[j].it.key || h[i].it.key == h[j].it.key && h[i].seq < h[j].seq
}
func (h heldLines) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heldLines) Push(x any)   { *h = append(*h, x.(heldLine)) }
func (h *heldLines) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = heldLine{}
	*h = old[:len(old)-1]
	return x
}

// add takes a line read and hands to out, in order, those that the
// window no longer holds back.
func (w *window) add(it item, line []byte, timed bool, lineNo int64, out func(item, []byte)) {
	w.seq++
	if w.width < 0 {
		w.emit(heldLine{it: it, timed: timed, lineNo: lineNo}, line, out)
		return
	}
	if timed && it.key > w.newest {
		w.newest = it.key
	}
	heap.Push(&w.held, heldLine{it: it, seq: w.seq, timed: timed, lineNo: lineNo, line: append([]byte(nil), line...)})
	w.bytes += len(line)
	for len(w.held) > 0 && (w.bytes > w.maxBytes || w.newest-w.width > w.held[0].it.key && w.newest > math.MinInt64+w.width) {
		w.pop(out)
	}
}

// flush hands out every line held back: the input has ended.
func (w *window) flush(out func(item, []byte)) {
	for len(w.held) > 0 {
		w.pop(out)
	}
}

func (w *window) pop(out func(item, []byte)) {
	h := heap.Pop(&w.held).(heldLine)
	w.bytes -= len(h.line)
	w.emit(h, h.line, out)
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
