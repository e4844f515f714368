package logscan

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrChanged fails an input that was truncated, rewritten or replaced by
// another file while it was read, or between being listed and opened
// (a log rotation at that moment): what was read of it is not the file
// as it is or was, and reading it again gives the right answer.
var ErrChanged = errors.New("changed while read")

// fileWatch notes what a regular file was when reading it began, to tell
// at the end whether it shrank or lost its name to another file meanwhile.
// A file that only grew (a live log) has not changed in this sense: what
// was read is all it held at some moment.
type fileWatch struct {
	f      *os.File
	path   string
	opened fs.FileInfo
}

// watchFile starts watching file, the opened in, and checks it against
// what in was when listed. It returns a nil watch for anything but a
// regular file (standard input, a pipe, a FIFO): those cannot shrink.
func watchFile(file io.Reader, in Input) (*fileWatch, error) {
	f, ok := file.(*os.File)
	if !ok {
		return nil, nil
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil, nil
	}
	if in.listed != nil {
		switch {
		case !os.SameFile(in.listed, info):
			return nil, fmt.Errorf("%w: another file took its name after it was listed (rotated?)", ErrChanged)
		case info.Size() < in.listed.Size():
			return nil, fmt.Errorf("%w: it shrank from %d to %d bytes after it was listed", ErrChanged, in.listed.Size(), info.Size())
		}
	}
	return &fileWatch{f: f, path: in.Path, opened: info}, nil
}

// check says whether the file changed since watchFile; read is how many
// of its stored bytes were read (-1 when not known: through a filter).
func (w *fileWatch) check(read int64) error {
	if w == nil {
		return nil
	}
	now, err := w.f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrChanged, err)
	}
	if size := now.Size(); size < w.opened.Size() || size < read {
		return fmt.Errorf("%w: it shrank from %d to %d bytes (truncated or rewritten)", ErrChanged, max(w.opened.Size(), read), size)
	}
	// A file removed or renamed while read was read whole, from its
	// inode; another file under its name means the name now holds data
	// this run did not read.
	if w.path == "-" {
		return nil // standard input redirected from a file: it has no name here
	}
	if byName, err := os.Stat(w.path); err == nil && !os.SameFile(byName, now) {
		return fmt.Errorf("%w: another file took its name (rotated?)", ErrChanged)
	}
	return nil
}
