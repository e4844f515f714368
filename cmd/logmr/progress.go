package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressBar draws on stderr, with github.com/schollz/progressbar, the
// inputs done and the stored bytes read (as on disk, compressed: the only
// size known before reading, so the only one a percentage and an ETA can
// be had of), the rate, and the time left when the total is known:
//
//	reading 7/16 files  47% [=========>           ] (1.3/2.8 MiB, 672 KiB/s) [2s]
//
// The time left comes from the rate over the last seconds (progressbar
// keeps ten half-second rates), never from the first frame alone. With
// the total unknown (standard input, a FIFO) a spinner shows the bytes
// and the rate only.
//
// It implements mapreduce.InputProgress: Add and InputDone may be called
// from any goroutine (progressbar locks).
type progressBar struct {
	ctx context.Context // the run's: finish draws the last, complete frame only if it was not cancelled
	w   io.Writer

	inputs atomic.Int64
	done   atomic.Int64

	mu      sync.Mutex // guards bar once started, and stopped
	bar     *progressbar.ProgressBar
	stopped bool // cleared: nothing more is drawn
}

// activeBar is the bar drawn now, for clearProgress.
var activeBar atomic.Pointer[progressBar]

func newProgressBar(ctx context.Context, w io.Writer) *progressBar {
	return &progressBar{ctx: ctx, w: w}
}

// progressThrottle is the least time between two frames.
const progressThrottle = 200 * time.Millisecond

// StartInputs is called once, before Start.
func (p *progressBar) StartInputs(n int) { p.inputs.Store(int64(n)) }

// Start is called once, before any Add.
func (p *progressBar) Start(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// A frame must never wrap: a wrapped line cannot be cleared, and the
	// terminal echoes a Ctrl-C as "^C" after it. What is not the bar
	// itself takes about 60 columns.
	width := min(max(terminalWidth(p.w)-len(p.description())-60, 10), 50)
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.description()),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetTheme(progressbar.Theme{Saucer: "=", SaucerHead: ">", SaucerPadding: " ", BarStart: "[", BarEnd: "]"}),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(width),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionThrottle(progressThrottle),
		progressbar.OptionSpinnerType(14),
		// No goroutine of the bar's own redrawing the spinner: it would
		// outlive the run and draw over the line once cleared.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSetRenderBlankState(true),
	)
	activeBar.Store(p)
}

func (p *progressBar) description() string {
	return fmt.Sprintf("reading %d/%d files", p.done.Load(), p.inputs.Load())
}

func (p *progressBar) Add(n int64) { p.bar.Add64(n) }

func (p *progressBar) InputDone() {
	p.done.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped { // Describe draws a frame, even after Exit
		p.bar.Describe(p.description())
	}
}

// stop stops the bar and clears its line, after drawing the last frame,
// complete, when last is set. Safe to call more than once and from any
// goroutine.
func (p *progressBar) stop(last bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.bar == nil {
		return
	}
	p.stopped = true
	if last {
		// A throttled bar may never have drawn the final state: the
		// last frame seen is the complete one.
		p.bar.Describe(p.description())
		p.bar.Finish()
	}
	// Exit waits for a frame being drawn and makes later Adds draw
	// nothing; then the line is cleared here rather than by the bar's
	// Clear, which skips a line it thinks it never drew.
	p.bar.Exit()
	fmt.Fprint(p.w, "\r\x1b[K")
}

// finish removes the bar so that what follows starts on a clean line:
// the complete frame first, unless the run was cancelled.
func (p *progressBar) finish() {
	if p == nil {
		return
	}
	p.stop(p.ctx.Err() == nil)
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
