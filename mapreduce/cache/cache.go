package cache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/logmr/logmr/mapreduce/internal/binenc"
)

// A Cache keeps an entry per input file read, so that a later run of the
// same query reads only the inputs that are new or have changed (see
// logscan.ScanOptions.Cache, the one user). It is a directory:
//
//	DIR/CACHEDIR.TAG                 marks it for backup tools to skip
//	DIR/v1/QUERY/query               what the query is, in words
//	DIR/v1/QUERY/DEV-INODE           one entry per input file
//
// QUERY is a hash of the query's description: for logscan, everything that
// changes a partial result (the build, the aggregate, the format, the
// filter, the input filter). An entry holds the input's identity (device,
// inode, size, modification time, a hash of its first and last 64 KiB),
// the caller's bytes (for logscan, the input's stats and encoded partial),
// the range of the times its lines logged when known (Times), and a
// checksum of all of it. An entry may hold no partial (NoPartial): logscan
// keeps there, for the query without a time window, what a windowed query
// learnt of a file (its range and stats), so that the next window rules
// the file out without reading it.
//
// logscan uses an entry whole when the file still has its device, inode,
// size, modification time and sampled bytes, and resumes a plain-text file
// that has only grown (see Entry.Resumable). An entry that does not decode
// or whose checksum fails is an error of Load: the caller ignores it and
// replaces it.
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

// Open opens the cache in dir, creating it if needed. It fails when dir
// cannot be created or written to.
func Open(dir string) (*Cache, error) {
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

// A Query is the part of a Cache that one query uses: its entries. It is
// safe for concurrent use.
type Query struct {
	dir string // DIR/v1/QUERY
	id  [32]byte
}

// Query creates the directory of the query that description describes, and
// writes the description into it, for people.
func (c *Cache) Query(description string) (*Query, error) {
	id := sha256.Sum256([]byte(description))
	q := &Query{dir: filepath.Join(c.dir, cacheVersionDir, fmt.Sprintf("%x", id[:16])), id: id}
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

// A FileID is what the cache knows an input file by.
type FileID struct {
	Dev, Ino uint64
	Size     int64
	Mtime    int64 // Unix nanoseconds
}

// Identify returns a regular file's identity; ok is false for anything
// else (a FIFO, a terminal), which is never cached.
func Identify(info fs.FileInfo) (id FileID, ok bool) {
	st, isStat := info.Sys().(*syscall.Stat_t)
	if !isStat || !info.Mode().IsRegular() {
		return FileID{}, false
	}
	return FileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino), Size: info.Size(), Mtime: info.ModTime().UnixNano()}, true
}

// An Entry is what the cache keeps of the first Size bytes of one input
// file: its identity, and the caller's bytes.
type Entry struct {
	Dev, Ino uint64
	Size     int64
	// Mtime is the file's modification time when it was Size bytes long,
	// if HasMtime; without it (the file grew while read) the entry can
	// only be resumed.
	Mtime    int64
	HasMtime bool
	Sample   [32]byte // SampleHash of the first Size bytes
	// Resumable: plain text read directly, ending with a newline, its
	// format settled (given, or detected from full sample lines), so a
	// read of bytes appended later continues it exactly.
	Resumable bool
	Path      string // absolute, when written: Prune checks it
	Format    string // the detected format's name; "" when one was given
	Stats     []byte // opaque: logscan's encoding of the input's Stats
	Partial   []byte // opaque: the aggregate's encoded partial
	// NoPartial: the entry holds the input's Stats and Times but no
	// partial (they were learnt by a query that differs from this one
	// only in its time window). It is never used as a partial.
	NoPartial bool
	// Times is the range of the times logged by the well-formed lines of
	// the first Size bytes, when known for every one of them; nil when
	// not known.
	Times *Times
}

// Times is the range of the times logged by the well-formed lines of a
// file. It is a fact about the file, not about a query: a time window
// rules out, or in, a file whose range is wholly outside, or inside, it.
type Times struct {
	First, Last int64 // Unix seconds, First <= Last
	// None: the file has no well-formed line; First and Last are 0.
	None bool
}

func (q *Query) entryPath(dev, ino uint64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%x-%x", dev, ino))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (q *Query) encode(e *Entry) []byte {
	b := []byte(cacheMagic)
	b = append(b, q.id[:]...)
	b = binary.AppendUvarint(b, e.Dev)
	b = binary.AppendUvarint(b, e.Ino)
	b = binary.AppendUvarint(b, uint64(e.Size))
	b = binary.AppendVarint(b, e.Mtime)
	b = append(b, e.Sample[:]...)
	flags := byte(0)
	if e.Resumable {
		flags |= 1
	}
	if e.HasMtime {
		flags |= 2
	}
	if e.NoPartial {
		flags |= 4
	}
	if e.Times != nil {
		flags |= 8
		if e.Times.None {
			flags |= 16
		}
	}
	b = append(b, flags)
	b = binenc.AppendString(b, e.Path)
	b = binenc.AppendString(b, e.Format)
	b = binenc.AppendString(b, string(e.Stats))
	b = binenc.AppendString(b, string(e.Partial))
	if e.Times != nil {
		b = binary.AppendVarint(b, e.Times.First)
		b = binary.AppendVarint(b, e.Times.Last)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// decode reads an entry; every field is checked, so any bytes give an
// entry or an error, never a panic.
func (q *Query) decode(data []byte) (*Entry, error) {
	if len(data) < len(cacheMagic)+len(q.id)+4 || !strings.HasPrefix(string(data), cacheMagic) {
		return nil, errors.New("not a cache entry")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("checksum mismatch")
	}
	d := binenc.NewDecoder(body[len(cacheMagic):], errBadEntry)
	var id [32]byte
	d.Fixed(id[:])
	if d.Err() == nil && id != q.id {
		return nil, errors.New("entry of another query")
	}
	e := &Entry{}
	e.Dev, e.Ino = d.Uint(), d.Uint()
	e.Size, e.Mtime = d.Int(), d.Varint()
	d.Fixed(e.Sample[:])
	var flags [1]byte
	d.Fixed(flags[:])
	e.Resumable, e.HasMtime, e.NoPartial = flags[0]&1 != 0, flags[0]&2 != 0, flags[0]&4 != 0
	e.Path, e.Format = d.String(), d.String()
	e.Stats, e.Partial = d.Bytes(), d.Bytes()
	if flags[0]&8 != 0 {
		e.Times = &Times{First: d.Varint(), Last: d.Varint(), None: flags[0]&16 != 0}
		if e.Times.First > e.Times.Last || e.Times.None && (e.Times.First != 0 || e.Times.Last != 0) {
			d.Fail()
		}
	}
	if flags[0]&^31 != 0 {
		d.Fail()
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return e, nil
}

// Load returns the entry for a file, nil if there is none; an error when
// there is one that cannot be used (corrupt, of another query or file).
func (q *Query) Load(id FileID) (*Entry, error) {
	data, err := os.ReadFile(q.entryPath(id.Dev, id.Ino))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e, err := q.decode(data)
	if err == nil && (e.Dev != id.Dev || e.Ino != id.Ino) {
		err = errors.New("entry of another file")
	}
	return e, err
}

// Store writes an entry atomically, replacing the file's entry if any: a
// reader sees the old entry or the new one, never a part.
func (q *Query) Store(e *Entry) error {
	name, data := filepath.Base(q.entryPath(e.Dev, e.Ino)), q.encode(e)
	err := writeAtomic(q.dir, name, data)
	if errors.Is(err, fs.ErrNotExist) {
		// A concurrent Prune removed the query's directory while empty.
		if err = os.MkdirAll(q.dir, 0o700); err == nil {
			err = writeAtomic(q.dir, name, data)
		}
	}
	return err
}

// Touch records that a file's entry was used, for Prune.
func (q *Query) Touch(id FileID) {
	now := time.Now()
	os.Chtimes(q.entryPath(id.Dev, id.Ino), now, now)
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
				if id, ok := Identify(info); ok {
					ids[[2]uint64{id.Dev, id.Ino}] = true
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
	d := binenc.NewDecoder(head[len(cacheMagic)+32:], errBadEntry)
	dev, ino := d.Uint(), d.Uint()
	d.Uint()          // size
	d.Varint()        // mtime
	var skip [33]byte // sample and flags
	d.Fixed(skip[:])
	path := d.String()
	if d.Err() != nil {
		return false
	}
	if info, err := os.Stat(path); err == nil {
		if id, ok := Identify(info); ok && id.Dev == dev && id.Ino == ino {
			return true
		}
	}
	return dirs.has(filepath.Dir(path), dev, ino)
}

var errBadEntry = errors.New("malformed cache entry")

// IsCacheDir reports whether dir is tagged as a cache directory
// (CACHEDIR.TAG, as Open writes and backup tools honour), by logmr or any
// other tool: its files are not logs.
func IsCacheDir(dir string) bool {
	f, err := os.Open(filepath.Join(dir, cacheTagName))
	if err != nil {
		return false
	}
	defer f.Close()
	sig := make([]byte, len(cacheTagSignature))
	_, err = io.ReadFull(f, sig)
	return err == nil && string(sig) == cacheTagSignature
}
