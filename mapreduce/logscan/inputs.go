package logscan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/cache"
)

// ErrInvalidOptions is returned when options cannot be used as given: a bad
// glob, an unknown format, a bad filter. Nothing was read. It is
// filter.ErrInvalidOptions itself, so one errors.Is test covers both.
var ErrInvalidOptions = filter.ErrInvalidOptions

// ErrTooMalformed fails an input with more malformed lines than
// ScanOptions.MaxMalformed allows.
var ErrTooMalformed = errors.New("too many malformed lines")

// An Input is one log stream to read: a file, "-" for standard input, or
// any source an embedder opens itself (an object in a store, an HTTP body).
type Input struct {
	Path string // a file; with Open, only the input's name in errors and Stats
	Size int64  // bytes on disk, -1 when unknown (stdin, a pipe, an Open source)
	// Open, when set, opens the input instead of Path naming a file. It is
	// called once per reading, on the worker that reads the input: at
	// most Workers sources are open at once. Such an input is never
	// cached, never read by a child decompressor, and never checked for a
	// change while read (those need a file); a failed Open fails the
	// input, named by Path. See ScanInputs.
	Open func(ctx context.Context) (io.ReadCloser, error)
	// listed is the file as FindInputs found it, to tell when it is
	// opened whether another file took its name meanwhile; nil: unknown.
	listed fs.FileInfo
	// walked: found by walking a directory, not named; such a file that
	// is recognisably not an access log is skipped (Stats.Skipped).
	walked bool
}

// Selection chooses the files taken from directories.
type Selection struct {
	// Include keeps only files whose base name matches one of these globs
	// (filepath.Match syntax); empty keeps all. Exclude drops files whose base
	// name matches one of its globs. Both apply to files found by walking a
	// directory, never to a file named on the command line.
	Include, Exclude []string
	// Shard keeps only the inputs of one shard (PlanShards) of all those
	// found; the zero Shard keeps all.
	Shard Shard
}

func (s Selection) validate() error {
	if err := s.Shard.validate(); err != nil {
		return err
	}
	for _, pattern := range append(s.Include, s.Exclude...) {
		if _, err := filepath.Match(pattern, ""); err != nil {
			return fmt.Errorf("%w: glob %q: %v", ErrInvalidOptions, pattern, err)
		}
	}
	return nil
}

func (s Selection) keeps(name string) bool {
	if matchesAny(s.Exclude, name) {
		return false
	}
	return len(s.Include) == 0 || matchesAny(s.Include, name)
}

func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// FindInputs expands paths into inputs: a file is taken as is, "-" is
// standard input, a directory is walked recursively in lexical order, its
// hidden entries (names starting with ".") and cache directories (tagged
// with a CACHEDIR.TAG) skipped, its regular files kept when sel keeps them. A file reached twice (named twice, or through a
// link) is read once. With sel.Shard, only that shard's inputs are
// returned, and the failures only to shard 0. A path that cannot
// be read is returned as a *mapreduce.InputError, and the others are still expanded.
func FindInputs(paths []string, sel Selection) ([]Input, []*mapreduce.InputError, error) {
	if err := sel.validate(); err != nil {
		return nil, nil, err
	}
	var inputs []Input
	var failed []*mapreduce.InputError
	seen := make(map[any]bool)
	add := func(in Input, info fs.FileInfo) {
		key := fileIdentity(in.Path, info)
		if !seen[key] {
			seen[key] = true
			inputs = append(inputs, in)
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(Input{Path: "-", Size: -1}, nil)
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			failed = append(failed, &mapreduce.InputError{Input: p, Err: unwrapPathError(err)})
		case info.IsDir():
			failed = append(failed, walkDir(p, sel, add)...)
		default:
			add(Input{Path: filepath.Clean(p), Size: sizeOf(info), listed: info}, info)
		}
	}
	return sel.Shard.Keep(inputs, failed)
}

// walkDir adds the files under root that sel keeps. Symbolic links to files
// are followed; links to directories are not, so a loop cannot trap the walk.
func walkDir(root string, sel Selection, add func(Input, fs.FileInfo)) []*mapreduce.InputError {
	var failed []*mapreduce.InputError
	if info, err := os.Lstat(root); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// A root given as a link to a directory is walked: WalkDir would
		// not descend into it, but a trailing separator makes it.
		root += string(filepath.Separator)
	}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			failed = append(failed, &mapreduce.InputError{Input: path, Err: unwrapPathError(err)})
			return nil // WalkDir skips the unreadable directory itself
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() && path != root && cache.IsCacheDir(path) {
			return filepath.SkipDir // a --cache inside the logs: not logs
		}
		if d.IsDir() || !sel.keeps(d.Name()) {
			return nil
		}
		info, err := os.Stat(path) // follows a symbolic link
		switch {
		case err != nil:
			failed = append(failed, &mapreduce.InputError{Input: path, Err: unwrapPathError(err)})
		case info.Mode().IsRegular():
			add(Input{Path: path, Size: info.Size(), listed: info, walked: true}, info)
		}
		return nil
	})
	return failed
}

// fileIdentity is what makes two paths one input: the device and inode
// where the system has them (a file named relatively and absolutely, or
// through a link, is read once), else the path.
func fileIdentity(path string, info fs.FileInfo) any {
	if info != nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			return [2]uint64{uint64(st.Dev), st.Ino}
		}
	}
	return path
}

func sizeOf(info fs.FileInfo) int64 {
	if info.Mode().IsRegular() {
		return info.Size()
	}
	return -1
}

// unwrapPathError drops the *fs.PathError wrapper: mapreduce.InputError already names
// the path, and "open x: permission denied" after "x: " says it twice.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
