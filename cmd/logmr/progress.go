package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

const (
	progressInterval = 200 * time.Millisecond // between frames
	// rateWindow is how far back the rate, and so the ETA, looks: the
	// last seconds, not the run so far (a start spent opening files, or
	// a cache that answered for the first inputs, would skew it).
	rateWindow = 10 * time.Second
	// etaAfter is how much of the window must have passed before an ETA
	// is shown: no wild guess from the first frame.
	etaAfter = 2 * time.Second
)

// progressBar draws on stderr the inputs done and the stored bytes read
// (as on disk, compressed: the only size known before reading, so the
// only one a percentage and an ETA can be had of), a rate, and an ETA
// when the total is known:
//
//	reading 12/32 files, 45.0 MiB/168.0 MiB  27% [=====>      ] 38.2 MiB/s  ETA 4s
//
// It implements mapreduce.InputProgress. Add and InputDone are atomic
// adds, safe from any goroutine; a goroutine started by Start draws a
// frame every progressInterval until finish or clearProgress stops it.
type progressBar struct {
	ctx context.Context // the run's: finish draws the last, complete frame only if it was not cancelled
	w   io.Writer

	total  int64 // set by Start, before the drawer starts: -1 when unknown
	inputs atomic.Int64
	read   atomic.Int64
	done   atomic.Int64

	mu      sync.Mutex // held while writing to w; guards shown and stopped
	shown   bool       // a frame is on the line
	stopped bool       // nothing more is drawn
	quit    chan struct{}
	drawer  sync.WaitGroup // the drawing goroutine
	started time.Time
	samples []progressSample // the drawer's, within rateWindow
	width   int              // the terminal's columns
}

type progressSample struct {
	at   time.Time
	read int64
}

// activeBar is the bar drawn now, for clearProgress.
var activeBar atomic.Pointer[progressBar]

func newProgressBar(ctx context.Context, w io.Writer) *progressBar {
	return &progressBar{ctx: ctx, w: w, quit: make(chan struct{})}
}

// StartInputs is called once, before Start.
func (p *progressBar) StartInputs(n int) { p.inputs.Store(int64(n)) }

// Start is called once, before any Add; it starts the drawing goroutine.
func (p *progressBar) Start(total int64) {
	p.total, p.started, p.width = total, time.Now(), terminalWidth(p.w)
	activeBar.Store(p)
	p.drawer.Add(1)
	go p.draw()
}

func (p *progressBar) Add(n int64) { p.read.Add(n) }

func (p *progressBar) InputDone() { p.done.Add(1) }

func (p *progressBar) draw() {
	defer p.drawer.Done()
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case <-p.quit:
			return
		case now := <-tick.C:
			perSec, settled := p.rate(now)
			p.frame(p.line(p.read.Load(), p.done.Load(), perSec, settled))
		}
	}
}

// rate records a sample and returns the bytes per second over the
// samples in rateWindow, and whether they span etaAfter at least.
func (p *progressBar) rate(now time.Time) (perSec float64, settled bool) {
	p.samples = append(p.samples, progressSample{now, p.read.Load()})
	if len(p.samples) == 1 {
		p.samples = append([]progressSample{{p.started, 0}}, p.samples...)
	}
	for len(p.samples) > 2 && now.Sub(p.samples[1].at) >= rateWindow {
		p.samples = p.samples[1:]
	}
	first, last := p.samples[0], p.samples[len(p.samples)-1]
	span := last.at.Sub(first.at)
	if span <= 0 {
		return 0, false
	}
	return float64(last.read-first.read) / span.Seconds(), span >= etaAfter
}

// line renders one frame.
func (p *progressBar) line(read, done int64, perSec float64, settled bool) string {
	inputs := p.inputs.Load()
	var b strings.Builder
	fmt.Fprintf(&b, "reading %d/%d files, %s", done, inputs, humanBytes(read))
	tail := ""
	if perSec > 0 {
		tail = "  " + humanBytes(int64(perSec)) + "/s"
	}
	if p.total < 0 { // a pipe: no percentage, no ETA
		return b.String() + tail
	}
	fmt.Fprintf(&b, "/%s", humanBytes(p.total))
	fraction := 1.0
	if p.total > 0 {
		fraction = min(float64(read)/float64(p.total), 1)
	}
	fmt.Fprintf(&b, " %3.0f%% ", 100*fraction)
	if settled && perSec > 0 && read < p.total {
		tail += "  ETA " + formatETA(time.Duration(float64(p.total-read)/perSec*float64(time.Second)))
	}
	if room := p.columns() - b.Len() - len(tail) - 2; room >= 10 {
		filled := int(fraction * float64(room))
		bar := strings.Repeat("=", filled)
		if filled < room {
			bar += ">" + strings.Repeat(" ", room-filled-1)
		}
		b.WriteString("[" + bar + "]")
	}
	return b.String() + tail
}

// columns is how wide a frame may be: a line that wrapped could not be
// cleared, and the terminal echoes a Ctrl-C as "^C" after the frame.
func (p *progressBar) columns() int { return p.width - len("^C") - 2 }

// frame replaces the line with s, cut to columns.
func (p *progressBar) frame(s string) {
	if len(s) > p.columns() {
		s = s[:max(p.columns(), 0)]
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", s)
	p.shown = true
}

// stop stops the drawing and clears the line, after drawing the last
// frame, complete, when the run was not cancelled. Safe to call more than
// once and from any goroutine.
func (p *progressBar) stop(last bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	close(p.quit)
	if last {
		// The drawer may never have drawn the final state (it draws
		// every progressInterval): the last frame seen is complete.
		read := max(p.read.Load(), p.total)
		perSec := float64(read) / max(time.Since(p.started).Seconds(), 1e-9)
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(read, p.inputs.Load(), perSec, false))
		p.shown = true
	}
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// finish removes the bar so that what follows starts on a clean line:
// the complete frame first, unless the run was cancelled.
func (p *progressBar) finish() {
	if p == nil || p.started.IsZero() {
		return
	}
	p.stop(p.ctx.Err() == nil)
	p.drawer.Wait()
	activeBar.CompareAndSwap(p, nil)
}

// clearProgress clears the bar being drawn, if any, and stops it: a
// signal's message must start on a clean line. main calls it.
func clearProgress() {
	if p := activeBar.Load(); p != nil {
		p.stop(false)
	}
}

func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// formatETA rounds d to what a person waits by: 4s, 2m05s, 1h02m.
func formatETA(d time.Duration) string {
	switch s := int64(d.Round(time.Second) / time.Second); {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
}
