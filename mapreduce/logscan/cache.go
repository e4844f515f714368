package logscan

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/logmr/logmr/logparse"
)

// A Cache keeps the partial result of each input read, so that a later run
// of the same query reads only the inputs that are new or have changed
// (ScanOptions.Cache). It is a directory:
//
//	DIR/CACHEDIR.TAG                 marks it for backup tools to skip
//	DIR/v1/QUERY/query               what the query is, in words
//	DIR/v1/QUERY/DEV-INODE           one entry per input file
//
// QUERY is a hash of everything that changes a partial result: the build of
// logmr, the aggregate (hosts, count and its fields), the format, the
// filter, the input filter. An entry holds the input's identity (device,
// inode, size, modification time, a hash of its first and last 64 KiB),
// its counts and its encoded partial, and a checksum of all of it.
//
// An entry is used whole when the file still has its device, inode, size,
// modification time and sampled bytes. A plain-text file read directly
// (no input filter) that has only grown, its old bytes unchanged by the
// same test, is resumed: the cached partial is merged with a read of the
// new bytes alone. Anything else (a rename across filesystems, a
// recompressed archive, a truncated or replaced file) reads the input again
// and replaces the entry. An entry that does not decode or whose checksum
// fails is ignored and replaced.
//
// Entries are written to a temporary file and renamed into place, so a
// reader sees a whole entry or none, and runs sharing a cache cannot
// corrupt it. The file's modification time records when it was last used.
type Cache struct {
	dir string
}

const (
	cacheVersionDir = "v1"
	cacheMagic      = "logmr cache\n"
	// cacheSampleBytes is how much of each end of an input the entry's
	// sample hash covers.
	cacheSampleBytes  = 64 << 10
	cacheTagName      = "CACHEDIR.TAG"
	cacheTagSignature = "Signature: 8a477f597d28d172789f06886806bc55"
	cacheTag          = cacheTagSignature + "\n" +
		"# This file marks a cache directory of logmr (partial results per log file).\n" +
		"# For information about cache directory tags, see https://bford.info/cachedir/\n"
	// tmpPrefix names entries being written; a crashed run's are pruned.
	tmpPrefix = ".tmp-"
)

// OpenCache opens the cache in dir, creating it if needed. It fails when
// dir cannot be created or written to.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(filepath.Join(dir, cacheVersionDir), 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	tag := filepath.Join(dir, cacheTagName)
	if _, err := os.Stat(tag); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(dir, cacheTagName, []byte(cacheTag)); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	// Fail now, not on every entry, when it cannot be written to.
	f, err := os.CreateTemp(filepath.Join(dir, cacheVersionDir), tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Cache{dir: dir}, nil
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// CacheStats say how a run used the cache.
type CacheStats struct {
	Hits    int // inputs answered from the cache without reading them
	Resumed int // inputs of which only the bytes appended since were read
	Misses  int // inputs read in full: new, changed, or no usable entry
	Invalid int // entries ignored because they did not decode (also Misses)
	Stored  int // entries written
	// WriteErrors counts entries that could not be written (a full disk);
	// the run is still right, the next one reads those inputs again.
	WriteErrors int
	FirstError  error // the first write error
}

func (s *CacheStats) merge(o CacheStats) {
	s.Hits += o.Hits
	s.Resumed += o.Resumed
	s.Misses += o.Misses
	s.Invalid += o.Invalid
	s.Stored += o.Stored
	s.WriteErrors += o.WriteErrors
	if s.FirstError == nil {
		s.FirstError = o.FirstError
	}
}

// cacheQuery is the part of a Cache that one query uses.
type cacheQuery struct {
	dir string // DIR/v1/QUERY
	id  [32]byte
}

// forQuery creates the query's directory (and its description).
func (c *Cache) forQuery(description string) (*cacheQuery, error) {
	id := sha256.Sum256([]byte(description))
	q := &cacheQuery{dir: filepath.Join(c.dir, cacheVersionDir, fmt.Sprintf("%x", id[:16])), id: id}
	if err := os.MkdirAll(q.dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	if _, err := os.Stat(filepath.Join(q.dir, "query")); err != nil {
		if err := writeAtomic(q.dir, "query", []byte(description)); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	return q, nil
}

// fileID is what the cache knows an input file by.
type fileID struct {
	dev, ino uint64
	size     int64
	mtime    int64 // Unix nanoseconds
}

// identify returns a regular file's identity; ok is false for anything
// else (a FIFO, a terminal), which is never cached.
func identify(info fs.FileInfo) (id fileID, ok bool) {
	st, isStat := info.Sys().(*syscall.Stat_t)
	if !isStat || !info.Mode().IsRegular() {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: info.Size(), mtime: info.ModTime().UnixNano()}, true
}

// A cacheEntry is the saved partial result of the first size bytes of one
// input file.
type cacheEntry struct {
	dev, ino uint64
	size     int64
	// mtime is the file's modification time when it was size bytes long,
	// if hasMtime; without it (the file grew while read) the entry can
	// only be resumed.
	mtime    int64
	hasMtime bool
	sample   [32]byte // SampleHash of the first size bytes
	// resumable: plain text read directly, ending with a newline, its
	// format settled (given, or detected from full sample lines), so a
	// read of bytes appended later continues it exactly.
	resumable bool
	path      string // absolute, when written: pruning checks it
	format    string // the detected format's name; "" when one was given
	stats     Stats  // Lines, Matched, Malformed, Bytes, rejected, span, Examples
	partial   []byte
}

func (q *cacheQuery) entryPath(dev, ino uint64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%x-%x", dev, ino))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (q *cacheQuery) encode(e *cacheEntry) []byte {
	b := []byte(cacheMagic)
	b = append(b, q.id[:]...)
	b = binary.AppendUvarint(b, e.dev)
	b = binary.AppendUvarint(b, e.ino)
	b = binary.AppendUvarint(b, uint64(e.size))
	b = binary.AppendVarint(b, e.mtime)
	b = append(b, e.sample[:]...)
	flags := byte(0)
	if e.resumable {
		flags |= 1
	}
	if e.hasMtime {
		flags |= 2
	}
	b = append(b, flags)
	b = appendString(b, e.path)
	b = appendString(b, e.format)
	st := &e.stats
	for _, n := range []int64{st.Lines, st.Matched, st.Malformed, st.Bytes} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = binary.AppendUvarint(b, uint64(len(st.rejected)))
	for _, n := range st.rejected {
		b = binary.AppendUvarint(b, uint64(n))
	}
	if st.span.ok {
		b = append(b, 1)
		b = binary.AppendVarint(b, st.span.first)
		b = binary.AppendVarint(b, st.span.last)
		b = binary.AppendVarint(b, int64(st.span.firstOff))
		b = binary.AppendVarint(b, int64(st.span.lastOff))
	} else {
		b = append(b, 0)
	}
	names := slices.Sorted(maps.Keys(st.named))
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		b = appendString(b, name)
		b = binary.AppendUvarint(b, uint64(st.named[name]))
	}
	b = binary.AppendUvarint(b, uint64(len(st.Examples)))
	for _, ex := range st.Examples {
		b = binary.AppendUvarint(b, uint64(ex.Line))
		b = appendString(b, ex.Excerpt)
		b = appendString(b, ex.Err.Error())
	}
	b = appendString(b, string(e.partial))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// decode reads an entry; every field is checked, so any bytes give an
// entry or an error, never a panic. file names the input in examples.
func (q *cacheQuery) decode(data []byte, file string) (*cacheEntry, error) {
	if len(data) < len(cacheMagic)+len(q.id)+4 || !strings.HasPrefix(string(data), cacheMagic) {
		return nil, errors.New("not a cache entry")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("checksum mismatch")
	}
	d := decoder{buf: body[len(cacheMagic):]}
	var id [32]byte
	d.fixed(id[:])
	if d.err == nil && id != q.id {
		return nil, errors.New("entry of another query")
	}
	e := &cacheEntry{}
	e.dev, e.ino = d.uint(), d.uint()
	e.size, e.mtime = d.int(), d.varint()
	d.fixed(e.sample[:])
	var flags [1]byte
	d.fixed(flags[:])
	e.resumable, e.hasMtime = flags[0]&1 != 0, flags[0]&2 != 0
	e.path, e.format = d.string(), d.string()
	st := &e.stats
	st.Lines, st.Matched, st.Malformed, st.Bytes = d.int(), d.int(), d.int(), d.int()
	if n := d.uint(); n != uint64(len(st.rejected)) {
		d.fail()
	}
	for i := range st.rejected {
		st.rejected[i] = d.int()
	}
	var hasSpan [1]byte
	switch d.fixed(hasSpan[:]); hasSpan[0] {
	case 1:
		sp := &st.span
		sp.first, sp.last = d.varint(), d.varint()
		sp.firstOff, sp.lastOff = int32(d.varint()), int32(d.varint())
		if sp.ok = sp.first <= sp.last; !sp.ok {
			d.fail()
		}
	case 0:
	default:
		d.fail()
	}
	for range d.count() {
		name, n := d.string(), d.int()
		if d.err == nil {
			st.addNamed(name, n)
		}
	}
	n := d.count()
	for range n {
		line, excerpt, msg := d.int(), d.string(), d.string()
		st.Examples = append(st.Examples, &logparse.LineError{File: file, Line: line, Excerpt: excerpt, Err: errors.New(msg)})
	}
	e.partial = d.bytes()
	if err := d.finish(); err != nil {
		return nil, err
	}
	return e, nil
}

// load returns the entry for a file, nil if there is none; an error when
// there is one that cannot be used.
func (q *cacheQuery) load(id fileID, file string) (*cacheEntry, error) {
	data, err := os.ReadFile(q.entryPath(id.dev, id.ino))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e, err := q.decode(data, file)
	if err == nil && (e.dev != id.dev || e.ino != id.ino) {
		err = errors.New("entry of another file")
	}
	return e, err
}

// store writes an entry atomically.
func (q *cacheQuery) store(e *cacheEntry) error {
	name, data := filepath.Base(q.entryPath(e.dev, e.ino)), q.encode(e)
	err := writeAtomic(q.dir, name, data)
	if errors.Is(err, fs.ErrNotExist) {
		// A concurrent Prune removed the query's directory while empty.
		if err = os.MkdirAll(q.dir, 0o700); err == nil {
			err = writeAtomic(q.dir, name, data)
		}
	}
	return err
}

// touch records that an entry was used, for pruning.
func (q *cacheQuery) touch(id fileID) {
	now := time.Now()
	os.Chtimes(q.entryPath(id.dev, id.ino), now, now)
}

// writeAtomic writes name in dir through a temporary file renamed into
// place: a reader sees the old file or the new one, never a part.
func writeAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// SampleHash hashes the first and last cacheSampleBytes of the first size
// bytes of f, and size: cheap, and it changes when a file is truncated and
// rewritten, or replaced in place, whatever its size and time say.
func SampleHash(f *os.File, size int64) ([32]byte, error) {
	h := sha256.New()
	var sz [8]byte
	binary.LittleEndian.PutUint64(sz[:], uint64(size))
	h.Write(sz[:])
	head := min(size, cacheSampleBytes)
	tailStart := max(head, size-cacheSampleBytes)
	for _, r := range [][2]int64{{0, head}, {tailStart, size}} {
		if _, err := io.Copy(h, io.NewSectionReader(f, r[0], r[1]-r[0])); err != nil {
			return [32]byte{}, err
		}
	}
	return [32]byte(h.Sum(nil)), nil
}

// PruneOptions say which entries Prune removes.
type PruneOptions struct {
	// MaxAge removes entries not used for longer; 0 keeps them.
	MaxAge time.Duration
	// UsedSince keeps every entry used at or after it (the run that just
	// finished), whatever else holds.
	UsedSince time.Time
}

// PruneStats say what Prune did.
type PruneStats struct {
	Kept, Removed int
	Bytes         int64 // of the entries kept
}

// staleTempAge is when a temporary file is a crashed run's, not one being
// written.
const staleTempAge = time.Hour

// Prune removes the entries, of every query, whose input is gone (neither
// at the path it was read from nor renamed within that directory) or that were not
// used for opts.MaxAge, and query directories left empty. Entries used at
// or after opts.UsedSince are kept. Another run may use the cache at the
// same time: an entry it needs and Prune removes is only read again.
func (c *Cache) Prune(ctx context.Context, opts PruneOptions) (PruneStats, error) {
	var ps PruneStats
	root := filepath.Join(c.dir, cacheVersionDir)
	queries, err := os.ReadDir(root)
	if err != nil {
		return ps, fmt.Errorf("cache: %w", err)
	}
	now := time.Now()
	dirs := dirIdentities{}
	for _, qd := range queries {
		if ctx.Err() != nil {
			return ps, ctx.Err()
		}
		if !qd.IsDir() {
			removeStaleTemp(root, qd, now)
			continue
		}
		dir := filepath.Join(root, qd.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		left := 0
		for _, de := range entries {
			if de.Name() == "query" || removeStaleTemp(dir, de, now) {
				continue
			}
			info, err := de.Info()
			if err != nil {
				continue // removed meanwhile
			}
			if opts.keeps(filepath.Join(dir, de.Name()), info.ModTime(), now, dirs) {
				ps.Kept++
				ps.Bytes += info.Size()
				left++
				continue
			}
			if os.Remove(filepath.Join(dir, de.Name())) == nil {
				ps.Removed++
			}
		}
		if left == 0 {
			if info, err := os.Stat(filepath.Join(dir, "query")); err != nil || opts.UsedSince.IsZero() || info.ModTime().Before(opts.UsedSince) {
				os.Remove(filepath.Join(dir, "query"))
				os.Remove(dir) // fails, harmlessly, if a run has just written to it
			}
		}
	}
	return ps, nil
}

// keeps decides an entry's fate from when it was last used.
func (opts PruneOptions) keeps(entry string, used, now time.Time, dirs dirIdentities) bool {
	switch {
	case !opts.UsedSince.IsZero() && !used.Before(opts.UsedSince):
		return true
	case opts.MaxAge > 0 && now.Sub(used) > opts.MaxAge:
		return false
	}
	return inputPresent(entry, dirs)
}

func removeStaleTemp(dir string, de fs.DirEntry, now time.Time) bool {
	if !strings.HasPrefix(de.Name(), tmpPrefix) {
		return false
	}
	if info, err := de.Info(); err == nil && now.Sub(info.ModTime()) > staleTempAge {
		os.Remove(filepath.Join(dir, de.Name()))
	}
	return true
}

// dirIdentities caches, per directory, the device and inode of the files
// in it.
type dirIdentities map[string]map[[2]uint64]bool

func (d dirIdentities) has(dir string, dev, ino uint64) bool {
	ids, ok := d[dir]
	if !ok {
		ids = map[[2]uint64]bool{}
		entries, _ := os.ReadDir(dir)
		for _, de := range entries {
			if info, err := os.Stat(filepath.Join(dir, de.Name())); err == nil {
				if id, ok := identify(info); ok {
					ids[[2]uint64{id.dev, id.ino}] = true
				}
			}
		}
		d[dir] = ids
	}
	return ids[[2]uint64{dev, ino}]
}

// inputPresent reports whether the file an entry was read from is still
// there: at the path it was read from, or renamed within its directory
// (logrotate's access.log -> access.log.1), since the entry's path is
// written when it is stored, not when a later run finds the file renamed.
// An entry that does not decode is not kept.
func inputPresent(entryPath string, dirs dirIdentities) bool {
	f, err := os.Open(entryPath)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64<<10) // the fields up to the path fit
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if len(head) < len(cacheMagic)+32 || !strings.HasPrefix(string(head), cacheMagic) {
		return false
	}
	d := decoder{buf: head[len(cacheMagic)+32:]}
	dev, ino := d.uint(), d.uint()
	d.uint()          // size
	d.varint()        // mtime
	var skip [33]byte // sample and flags
	d.fixed(skip[:])
	path := d.string()
	if d.err != nil {
		return false
	}
	if info, err := os.Stat(path); err == nil {
		if id, ok := identify(info); ok && id.dev == dev && id.ino == ino {
			return true
		}
	}
	return dirs.has(filepath.Dir(path), dev, ino)
}
