package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// errUnnamedUnsupported is returned by openUnnamed where the directory's
// file system cannot make unnamed files: the caller names one instead.
var errUnnamedUnsupported = errors.New("unnamed temporary files are not supported here")

// openUnnamed opens an unnamed file in dir (O_TMPFILE), mode 0666 less the
// umask. It is freed by the kernel however the process ends, until
// linkUnnamed gives it a name.
func openUnnamed(dir string) (*os.File, error) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return nil, errUnnamedUnsupported // linkUnnamed would fail without CAP_DAC_READ_SEARCH
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o666)
	switch {
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return nil, errUnnamedUnsupported // a file system or kernel without O_TMPFILE
	case err != nil:
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed temporary file)")), nil
}

// linkUnnamed gives the unnamed file f the name name.
func linkUnnamed(f *os.File, name string) error {
	proc := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		err = unix.Linkat(int(f.Fd()), "", unix.AT_FDCWD, name, unix.AT_EMPTY_PATH)
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err}
	}
	return nil
}
