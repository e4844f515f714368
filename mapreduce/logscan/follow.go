package logscan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
)

// FollowOptions configures Follow. The zero value follows every input from
// its current end, watching with inotify, each line parsed in the format
// detected per input.
type FollowOptions struct {
	Format    *logparse.Format // nil: detected per input (logparse.Detect)
	Filter    filter.Filter    // which records are handed out
	Selection Selection        // which files are taken from directories
	// Last is how many of the last matching records of each input come
	// first, in input order: 0 none, AllRecords every one (with a
	// Filter.Since, a replay from that time). A plain file is read
	// backwards from its end, in blocks, until it has them; a compressed
	// one is read whole.
	Last int
	// Once returns after the last records, without following (tail
	// without -f). A final line without its newline is then a line.
	Once bool
	// Poll, when set, checks the inputs every Poll instead of watching
	// them with inotify (fsnotify). Polling is also what Follow falls
	// back to, every DefaultPoll, when inotify cannot start or watch.
	Poll time.Duration
	// RotateGrace is how long a file renamed or deleted away from a
	// followed name is still read (a server may log a few more lines to
	// it before it reopens its logs); its final line, if it lacks its
	// newline, is handed out when the grace ends. 0 means DefaultRotateGrace.
	RotateGrace time.Duration
	// Ignore names files that are never read, by identity (os.SameFile),
	// wherever they are found: the file the output is written to, which,
	// in a followed directory, would be read back and written again
	// without end. Such a file named as a path is yielded as an
	// InputError wrapping ErrIgnored.
	Ignore []fs.FileInfo
	// Flush, when set, is called whenever Follow has handed out all it
	// has read and is about to wait: the place to flush a buffered
	// output. Its error ends the iteration, which yields it.
	Flush func() error
}

// ErrNoInput is what Follow with Once yields last, in a NoInputError,
// when it read no file: its paths held none (a directory without logs),
// or each failed (and was yielded) or was left out as not an access log.
// Following, Follow waits for files instead.
var ErrNoInput = errors.New("no file to read")

// A NoInputError wraps ErrNoInput; Skipped are the files of directories
// left out as not access logs (an Apache error log), as Stats.Skipped.
type NoInputError struct {
	Skipped []SkippedInput
}

func (e *NoInputError) Error() string { return ErrNoInput.Error() }
func (e *NoInputError) Unwrap() error { return ErrNoInput }

// ErrIgnored is returned (in an InputError) when a path given to Follow
// names a file of FollowOptions.Ignore.
var ErrIgnored = errors.New("it is the output (reading it would copy it into itself without end)")

// AllRecords, as FollowOptions.Last, hands out every matching record of
// each input before following.
const AllRecords = -1

const (
	// DefaultPoll is how often polling checks the inputs when inotify
	// cannot be used and FollowOptions.Poll is not set.
	DefaultPoll = time.Second
	// DefaultRotateGrace is FollowOptions.RotateGrace's default.
	DefaultRotateGrace = 5 * time.Second
)

// Follow hands out the last matching records of each input that paths name
// (a file, or a directory's live logs: the files opts.Selection keeps that
// are not rotations, such as access.log.1 or access.log.2.gz), then,
// unless opts.Once, every line appended to them as it is appended, until
// ctx is done or the caller stops ranging. Entries come from the calling
// goroutine alone, one at a time, so the lines of different inputs never
// interleave; each line is handed out once it is whole (its newline
// written), and once.
//
// Names are followed, like tail -F: a file renamed away (rename-and-create
// rotation) or deleted is read to its end through the descriptor still
// open, for opts.RotateGrace, while the new file under the name is read
// from its start; a file that shrinks (copytruncate) is read again from
// its start; a directory's new files that opts.Selection keeps are read
// from their start, but never a rotation of a file already followed
// (access.log.1, access.log.1.gz).
//
// Malformed lines are handed out too, with Entry.Err set. An input that
// cannot be read is yielded as a *mapreduce.InputError and the others go
// on; a file of a walked directory that is not an access log (an error
// log) is left out. A cancelled ctx ends the iteration without an error:
// the caller tells by ctx.Err(). Invalid options are yielded once, as an
// error wrapping ErrInvalidOptions, before anything is read. With
// opts.Once, a *NoInputError (ErrNoInput) comes last when no file was
// read: none found, or each failed or was left out.
func Follow(ctx context.Context, paths []string, opts FollowOptions) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) {
		f, err := newFollower(ctx, paths, opts, yield)
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.close()
		if !f.start() || ctx.Err() != nil {
			return
		}
		if opts.Once {
			if f.opened == f.lost {
				yield(nil, &NoInputError{Skipped: f.skipped})
			}
			return
		}
		f.follow()
	}
}

// follower is one Follow's state, used by the calling goroutine alone.
type follower struct {
	ctx     context.Context
	opts    FollowOptions
	match   *filter.Matcher
	yield   func(*Entry, error) bool
	stopped bool // yield returned false, or ctx is done: hand out nothing more

	args    []string           // the paths given
	files   []*followed        // the followed names, in input order
	byPath  map[string]bool    // the names in files
	retired []*followed        // files rotated away, read until their grace ends
	seen    map[fileKey]string // every file followed, and its head (see seenBefore)
	dirs    []string           // directory arguments, checked for new files
	failed  map[string]bool    // paths of directories failed by listDir
	rescan  bool               // a file may have been created: list dirs again
	// watchFailed: inotify could not watch a new directory; poll instead.
	watchFailed bool
	sel         Selection      // which of their files are taken
	stats       Stats          // what lineParser counts; not handed out
	opened      int            // files opened, ever
	lost        int            // of those, dropped on an error or skipped as no access log
	skipped     []SkippedInput // the skipped ones
	entry       Entry          // the one Entry handed out, reused
	buf         []byte         // read buffer
}

func newFollower(ctx context.Context, paths []string, opts FollowOptions, yield func(*Entry, error) bool) (*follower, error) {
	if opts.Last < AllRecords || opts.Poll < 0 || opts.RotateGrace < 0 {
		return nil, fmt.Errorf("%w: FollowOptions: Last %d, Poll %v, RotateGrace %v", ErrInvalidOptions, opts.Last, opts.Poll, opts.RotateGrace)
	}
	if opts.RotateGrace == 0 {
		opts.RotateGrace = DefaultRotateGrace
	}
	match, err := opts.Filter.Compile()
	if err != nil {
		return nil, err
	}
	if err := opts.Selection.validate(); err != nil {
		return nil, err
	}
	return &follower{ctx: ctx, args: paths, opts: opts, match: match, yield: yield, sel: opts.Selection,
		byPath: map[string]bool{}, failed: map[string]bool{}, seen: map[fileKey]string{}, buf: make([]byte, 64<<10)}, nil
}

// start opens each input and hands out its last records; false when the
// iteration is over.
func (f *follower) start() bool {
	for _, p := range f.args {
		if f.stopped {
			return false
		}
		info, err := os.Stat(p)
		switch {
		case p == "-":
			f.fail(p, errors.New("standard input cannot be tailed: name a file"))
		case err == nil && info.IsDir():
			f.dirs = append(f.dirs, p)
			for _, name := range f.listDir(p) {
				f.add(name, true, true)
			}
		default:
			f.add(filepath.Clean(p), false, true)
		}
	}
	return !f.stopped
}

// fail yields an input's error; the iteration goes on unless the caller
// stops it.
func (f *follower) fail(path string, err error) {
	if !f.stopped && !f.yield(nil, &mapreduce.InputError{Input: path, Err: unwrapPathError(err)}) {
		f.stopped = true
	}
}

func (f *follower) close() {
	for _, fw := range f.files {
		fw.closeFile()
	}
	for _, fw := range f.retired {
		fw.closeFile()
	}
}
