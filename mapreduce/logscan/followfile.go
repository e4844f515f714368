package logscan

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/logmr/logmr/logparse"
)

// fileKey is a file's identity: device and inode.
type fileKey [2]uint64

func keyOf(info fs.FileInfo) fileKey {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return fileKey{uint64(st.Dev), st.Ino}
	}
	return fileKey{}
}

// followed is one followed name and the file open under it; or, retired,
// a file rotated away from its name and still read for a while.
type followed struct {
	path   string
	walked bool        // found in a directory: left out, silently, when not a log
	file   *os.File    // nil: the name does not exist (yet), or is not followed
	info   fs.FileInfo // file's, when opened: os.SameFile tells a rotation
	offset int64       // bytes of file read
	// pending is the start of a line whose newline is not written yet:
	// the bytes read before offset not handed out.
	pending    []byte
	pendingAt  int64 // the offset of pending's first byte
	discarding bool  // inside a line longer than MaxLineBytes, already handed out cut
	numbered   bool  // lineNo is known (see lineNoAt)
	mute       int64 // lines starting before this offset are parsed, not handed out (see last)
	lineNo     int64 // the number of the last line handed out, when numbered
	format     *logparse.Format
	parser     *lineParser
	done       bool      // not followed any more: compressed, not a log, unreadable
	grown      time.Time // retired: when it last grew
}

func (fw *followed) closeFile() {
	if fw.file != nil {
		fw.file.Close()
		fw.file = nil
	}
}

// add follows path; initial: its last records come first (FollowOptions.Last),
// else it is new and read from its start.
func (f *follower) add(path string, walked, initial bool) {
	fw := &followed{path: path, walked: walked}
	f.files = append(f.files, fw)
	f.byPath[path] = true
	if !f.open(fw, false) {
		return
	}
	if initial {
		f.last(fw)
	}
}

// open opens fw's name from its start; false when there is nothing to read
// (yet). A name that does not exist is waited for when following; again
// says it existed a moment ago (it is checked again after a rotation), so
// that its absence, a rename caught between two system calls, is no error.
func (f *follower) open(fw *followed, again bool) bool {
	file, err := os.Open(fw.path)
	var info fs.FileInfo
	if err == nil {
		if info, err = file.Stat(); err == nil && !info.Mode().IsRegular() {
			err = errors.New("not a regular file: only files can be followed")
		} else if err == nil && f.ignored(info) {
			err = ErrIgnored
		}
		if err != nil {
			file.Close()
		}
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) || f.opts.Once || fw.walked {
			fw.done = true
		}
		// A file of a directory may be gone since it was listed, a name
		// renamed away since it was checked, or a file the output: left
		// out. Any other error is the user's to know.
		missing := errors.Is(err, fs.ErrNotExist)
		switch {
		case missing && (fw.walked || again):
		case fw.walked && errors.Is(err, ErrIgnored):
		default:
			f.fail(fw.path, err)
		}
		return false
	}
	fw.file, fw.info, fw.offset, fw.pending, fw.discarding = file, info, 0, fw.pending[:0], false
	f.opened++
	fw.numbered, fw.lineNo = true, 0
	f.remember(file, info)
	var head [logparse.CompressedHead]byte
	if n, _ := file.ReadAt(head[:], 0); logparse.Compressed(head[:n]) {
		fw.done = true // read once, by last: a compressed file is not appended to
	}
	return true
}

// detect sets fw's format from the first lines of its file (or to the one
// FollowOptions give); false when it cannot yet (no whole line) or fw is
// not a log, which is then failed or, found in a directory, left out.
func (f *follower) detect(fw *followed, final bool) bool {
	if fw.format != nil {
		return true
	}
	info, err := fw.file.Stat()
	if err != nil {
		f.drop(fw, err)
		return false
	}
	head := make([]byte, min(info.Size(), maxSampleBytes))
	n, err := fw.file.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		f.drop(fw, err)
		return false
	}
	head = head[:n]
	if !final || n == maxSampleBytes { // whole lines only
		head = head[:bytes.LastIndexByte(head, '\n')+1]
	}
	if len(head) == 0 && f.opts.Format == nil {
		return false
	}
	ls, err := newLineSource(logparse.NewScanner(bytes.NewReader(head)), f.opts.Format, false)
	if err != nil {
		if s, skip := skipped(Input{Path: fw.path, walked: fw.walked}, err, false); skip {
			fw.done = true
			fw.closeFile()
			f.lost++
			f.skipped = append(f.skipped, s)
			return false
		}
		f.drop(fw, err)
		return false
	}
	f.setFormat(fw, ls.format)
	return true
}

func (f *follower) setFormat(fw *followed, format *logparse.Format) {
	fw.format = format
	fw.parser = newLineParser(f.ctx, fw.path, format, f.match, logparse.AllFields, 0)
	fw.parser.lineErrors = true
}

// drop stops following fw, failed with err.
func (f *follower) drop(fw *followed, err error) {
	fw.done = true
	fw.closeFile()
	f.lost++
	f.fail(fw.path, err)
}

// read hands out the whole lines of fw's file from fw.offset up to until
// (-1: its end), and keeps the start of an unterminated last line in
// pending; final: that start is a line too (the file will not grow).
// grew reports whether anything was read.
func (f *follower) read(fw *followed, until int64, final bool) (grew bool) {
	if fw.file == nil || !f.detect(fw, final) {
		return false
	}
	for !f.stopped {
		want := int64(len(f.buf))
		if until >= 0 {
			want = min(want, until-fw.offset)
		}
		if want <= 0 {
			break
		}
		n, err := fw.file.ReadAt(f.buf[:want], fw.offset)
		if n > 0 {
			grew = true
			f.split(fw, f.buf[:n])
		}
		if err == io.EOF || n == 0 {
			break
		}
		if err != nil {
			f.drop(fw, err)
			return grew
		}
	}
	if final && len(fw.pending) > 0 && !f.stopped {
		f.emit(fw, fw.pending, fw.pendingAt, false)
		fw.pending = fw.pending[:0]
	}
	return grew
}

// split hands out the whole lines of data, the bytes of fw's file at
// fw.offset, and advances it.
func (f *follower) split(fw *followed, data []byte) {
	for len(data) > 0 && !f.stopped {
		at := fw.offset
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			fw.offset += int64(len(data))
			f.addPending(fw, data, at)
			return
		}
		line := data[:i]
		data = data[i+1:]
		fw.offset += int64(i + 1)
		if fw.discarding {
			fw.discarding = false
			continue
		}
		if len(fw.pending) > 0 {
			fw.pending = append(fw.pending, line...)
			line, at = fw.pending, fw.pendingAt
		}
		f.emit(fw, bytes.TrimSuffix(line, []byte{'\r'}), at, false)
		fw.pending = fw.pending[:0]
	}
}

// addPending keeps data, the start of a line at offset at. A line longer
// than logparse.DefaultMaxLineBytes is handed out cut, as a malformed
// line (the Scanner's long-line policy), and the rest of it skipped.
func (f *follower) addPending(fw *followed, data []byte, at int64) {
	if fw.discarding {
		return
	}
	if len(fw.pending) == 0 {
		fw.pendingAt = at
	}
	fw.pending = append(fw.pending, data...)
	if len(fw.pending) > logparse.DefaultMaxLineBytes {
		f.emit(fw, fw.pending[:logparse.DefaultMaxLineBytes], fw.pendingAt, true)
		fw.pending, fw.discarding = fw.pending[:0], true
	}
}

// emit parses line, which starts at offset at of fw's file, and hands it
// out when it passes the filter or is malformed.
func (f *follower) emit(fw *followed, line []byte, at int64, truncated bool) {
	var no int64
	if fw.numbered {
		fw.lineNo++
		no = fw.lineNo
	}
	p := fw.parser
	out := p.parse(line, truncated, no, &f.stats)
	f.stats.Examples = f.stats.Examples[:0]
	if at < fw.mute {
		return
	}
	e := &f.entry
	*e = Entry{Source: fw.path, Line: line, Format: fw.format}
	switch out {
	case lineRejected:
		return
	case lineStopped:
		f.stopped = true
		return
	case linePassed:
		e.Record = &p.rec
	case lineMalformed:
		if !fw.numbered {
			f.number(fw, at)
			p.lineErr.Line = fw.lineNo
		}
		e.Err = p.lineErr
	}
	if !f.yield(e, nil) {
		f.stopped = true
	}
}

// number learns the number of the line at offset at of fw's file, read
// backwards to it (see last), by counting the newlines before it.
func (f *follower) number(fw *followed, at int64) {
	var n int64
	buf := make([]byte, 256<<10)
	for pos := int64(0); pos < at; {
		k, err := fw.file.ReadAt(buf[:min(int64(len(buf)), at-pos)], pos)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		pos += int64(k)
		if err != nil || k == 0 {
			break
		}
	}
	fw.numbered, fw.lineNo = true, n+1
}

// ignored reports whether info is one of FollowOptions.Ignore's files.
func (f *follower) ignored(info fs.FileInfo) bool {
	for _, ig := range f.opts.Ignore {
		if os.SameFile(info, ig) {
			return true
		}
	}
	return false
}

// seenHeadBytes is how much of a followed file's start seen keeps.
const seenHeadBytes = 64

// remember marks file, with info, as followed: keeps its first bytes
// (see seenBefore). Called when it is opened, and when it is rotated away
// (it may have been empty when opened).
func (f *follower) remember(file *os.File, info fs.FileInfo) {
	head := make([]byte, seenHeadBytes)
	n, _ := file.ReadAt(head, 0)
	f.seen[keyOf(info)] = string(head[:n])
}

// seenBefore reports whether the file at path, with info, is one followed
// before under another name (a rotation, never new): it has the inode of
// one and starts with the bytes that one started with. A file system
// gives a deleted file's inode to the next file created, so the inode
// alone would take a new log for a rotation and never read it.
func (f *follower) seenBefore(path string, info fs.FileInfo) bool {
	key := keyOf(info)
	head, ok := f.seen[key]
	if !ok {
		return false
	}
	if f.holds(key) {
		return true // its inode cannot be another file's while it is open
	}
	if head == "" {
		return false // an empty file rotated away has nothing to read twice
	}
	if info.Size() < int64(len(head)) {
		return false // shorter than the file was: another file
	}
	file, err := os.Open(path)
	if err != nil {
		return true // gone again: nothing to follow
	}
	defer file.Close()
	now := make([]byte, len(head))
	n, _ := file.ReadAt(now, 0)
	return string(now[:n]) == head
}

// holds reports whether a followed or retired file open now has key.
func (f *follower) holds(key fileKey) bool {
	for _, list := range [][]*followed{f.files, f.retired} {
		for _, fw := range list {
			if fw.file != nil && keyOf(fw.info) == key {
				return true
			}
		}
	}
	return false
}
