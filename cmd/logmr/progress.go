package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressBar shows bytes read on stderr, with rate and ETA. It implements
// mapreduce.Progress; the library calls Start once, then Add from workers.
type progressBar struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *progressBar) Start(total int64) {
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
}

// Add is safe for concurrent use: the bar locks.
func (p *progressBar) Add(n int64) { p.bar.Add64(n) }

// finish removes the bar so that what follows starts on a clean line.
func (p *progressBar) finish() {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Finish()
	p.bar.Clear()
}
