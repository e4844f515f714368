package logscan

import (
	"math"
	"syscall"
)

// fdReserve is the descriptors left for what is not an input: standard
// streams, the output file and its temporary, a lock, cache entries, the Go
// runtime's poller.
const fdReserve = 32

// openFileWorkers is opts.Workers (0: GOMAXPROCS), capped so that as many
// inputs read at once keep at most the soft RLIMIT_NOFILE open, less
// fdReserve: -j 500 under a limit of 64 reads fewer inputs at once instead
// of failing some with "too many open files". spill says that each input
// may also hold a spill file (WriteRecords). At least one input is read.
//
// The limit is read, not raised: at startup the Go runtime already raises
// the soft limit to the hard one on Unix ($GOROOT/src/syscall/rlimit.go).
// A program that embeds this package and lowered it did so on purpose.
// When the limit cannot be read, the workers are not capped.
func openFileWorkers(opts ScanOptions, spill bool) int {
	workers := workerCount(opts.Workers)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return workers
	}
	return capWorkers(workers, fdsPerInput(opts, spill), uint64(lim.Cur)) // int64 on the BSDs
}

// fdsPerInput is the most descriptors one input's reading holds at once:
// the input itself, and for each child it runs (the input filter's stages,
// or a child decompressor) the pipe to the next, its stderr pipe and its
// pidfd, plus 6 for the pipe the output is read from, the pipe the input
// is written to when it is not a file, and exec's own pipe while a child
// starts. A cache entry being written, and a spill file, count one each.
func fdsPerInput(opts ScanOptions, spill bool) int {
	children := len(opts.InputFilter)
	if children == 0 && opts.Decompressor.Command != nil {
		children = 1
	}
	n := 1
	if children > 0 {
		n += 4*children + 6
	}
	if opts.Cache != nil {
		n++
	}
	if spill {
		n++
	}
	return n
}

// capWorkers caps workers so that workers*perInput+fdReserve <= limit, but
// not below 1.
func capWorkers(workers, perInput int, limit uint64) int {
	if limit <= fdReserve+uint64(perInput) {
		return 1
	}
	room := (limit - fdReserve) / uint64(perInput)
	return max(1, min(workers, int(min(room, math.MaxInt32))))
}

// maxSpills bounds spill files whatever the limit: each holds output
// waiting on disk, and past a few hundred inputs ahead of the writer,
// waiting costs less than the disk.
const maxSpills = 512

// spillSlots is how many spill files WriteRecords may hold open at once
// with workers reading: at least one per worker (openFileWorkers counted
// those), and up to half of the descriptors the workers leave free, so
// that spills of finished inputs waiting for the writer never take the
// descriptors the inputs need.
func spillSlots(opts ScanOptions, workers int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return workers
	}
	used, cur := uint64(fdReserve+workers*fdsPerInput(opts, false)), uint64(lim.Cur) // int64 on the BSDs
	if cur <= used {
		return workers
	}
	return max(workers, int(min((cur-used)/2, maxSpills)))
}
