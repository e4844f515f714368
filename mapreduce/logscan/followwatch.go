package logscan

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/logmr/logmr/mapreduce/cache"
)

// follow waits for the inputs to change and hands out what they gain,
// until ctx is done or the caller stops. It blocks in a select between
// checks: idle, it takes no CPU.
func (f *follower) follow() {
	var events chan fsnotify.Event
	var errs chan error
	var tick <-chan time.Time
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	poll := func() {
		every := f.opts.Poll
		if every == 0 {
			every = DefaultPoll
		}
		ticker = time.NewTicker(every)
		tick, events, errs = ticker.C, nil, nil
	}
	w := f.watch()
	if w != nil {
		defer w.Close()
		events, errs = w.Events, w.Errors
	} else {
		poll()
	}
	grace := time.NewTimer(time.Hour)
	defer grace.Stop()
	for {
		f.check()
		if f.stopped {
			return
		}
		if f.opts.Flush != nil {
			if err := f.opts.Flush(); err != nil {
				f.yield(nil, err)
				return
			}
		}
		if w != nil && len(f.retired) > 0 {
			grace.Reset(f.opts.RotateGrace / 4) // a retired file's grace ends without an event
		}
		select {
		case <-f.ctx.Done():
			return
		case <-tick:
			f.rescan = true
		case <-grace.C:
		case ev, ok := <-events:
			if !ok { // the watcher failed: poll instead
				poll()
				continue
			}
			created := f.event(w, ev)
			f.rescan = drain(events, func(ev fsnotify.Event) bool { return f.event(w, ev) }) || created
			if f.watchFailed {
				poll()
			}
		case <-errs: // an overflow: events were lost
			f.rescan = true
		}
	}
}

// drain passes the events already waiting to event, for one check covers
// them all, and reports whether it reported a file created among them.
func drain(events chan fsnotify.Event, event func(fsnotify.Event) bool) (created bool) {
	for {
		select {
		case ev := <-events:
			created = event(ev) || created
		default:
			return created
		}
	}
}

// event reports whether ev may have created a file (a Create or Rename),
// and watches a directory created inside a followed one, with the
// directories already in it, so that its new logs are seen and followed.
// When w cannot watch it, watchFailed asks follow to poll instead.
func (f *follower) event(w *fsnotify.Watcher, ev fsnotify.Event) (created bool) {
	if !ev.Has(fsnotify.Create) {
		return ev.Has(fsnotify.Rename)
	}
	if info, err := os.Lstat(ev.Name); err != nil || !info.IsDir() || !f.inDirs(ev.Name) {
		return true
	}
	filepath.WalkDir(ev.Name, func(path string, e os.DirEntry, err error) error {
		switch {
		case err != nil || !e.IsDir():
			return nil
		case strings.HasPrefix(e.Name(), ".") || cache.IsCacheDir(path):
			return filepath.SkipDir // as walkDir does
		case w.Add(path) != nil:
			f.watchFailed = true
			return filepath.SkipAll
		}
		return nil
	})
	return true
}

// inDirs reports whether path lies inside one of the directory arguments.
func (f *follower) inDirs(path string) bool {
	for _, d := range f.dirs {
		if rel, err := filepath.Rel(d, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// watch returns an inotify watcher of the directories that hold the
// inputs (a name is followed through renames and creations there), or nil
// to poll instead: when FollowOptions.Poll asks for it, or inotify cannot
// start or watch one of them.
func (f *follower) watch() *fsnotify.Watcher {
	if f.opts.Poll > 0 {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil
	}
	dirs := map[string]bool{}
	for _, fw := range f.files {
		dirs[filepath.Dir(fw.path)] = true
	}
	for _, d := range f.dirs {
		filepath.WalkDir(d, func(path string, e os.DirEntry, err error) error {
			if err == nil && e.IsDir() && (path == d || !strings.HasPrefix(e.Name(), ".")) {
				dirs[path] = true
			}
			return nil
		})
	}
	for d := range dirs {
		if err := w.Add(d); err != nil {
			w.Close()
			return nil
		}
	}
	return w
}

// check reads what every followed name and retired file gained, follows
// the names through rotation, and, when f.rescan says a file may have been
// created, picks up the directories' new files.
func (f *follower) check() {
	for _, fw := range f.files {
		if f.stopped {
			return
		}
		f.checkName(fw)
	}
	now := time.Now()
	kept := f.retired[:0]
	for _, fw := range f.retired {
		if f.stopped {
			return
		}
		if f.read(fw, -1, false) {
			fw.grown = now
		}
		if now.Sub(fw.grown) < f.opts.RotateGrace && fw.file != nil {
			kept = append(kept, fw)
			continue
		}
		f.read(fw, -1, true) // its final line, even without its newline
		fw.closeFile()
	}
	clear(f.retired[len(kept):])
	f.retired = kept
	if !f.rescan {
		return
	}
	f.rescan = false
	for _, d := range f.dirs {
		for _, path := range f.listDir(d) {
			if f.stopped {
				return
			}
			if f.byPath[path] {
				continue
			}
			if info, err := os.Stat(path); err == nil && !f.seenBefore(path, info) {
				f.add(path, true, false)
				f.read(f.files[len(f.files)-1], -1, false)
			}
		}
	}
}

// checkName reads what fw's file gained: from its start when it shrank
// (copytruncate), or was rewritten (see endsLine). When another file took its name, or it was deleted, it
// is read to its end and retired, and the new file read from its start.
func (f *follower) checkName(fw *followed) {
	if fw.done {
		return
	}
	if fw.file == nil {
		if _, err := os.Stat(fw.path); err != nil || !f.open(fw, true) {
			return
		}
	}
	if info, err := fw.file.Stat(); err == nil && info.Size() < fw.offset || !f.endsLine(fw) {
		fw.offset, fw.pending, fw.discarding, fw.numbered, fw.lineNo = 0, fw.pending[:0], false, true, 0
	}
	f.read(fw, -1, false)
	now, err := os.Stat(fw.path)
	if err == nil && os.SameFile(now, fw.info) || fw.done {
		return
	}
	f.read(fw, -1, false) // what was written before the rotation
	f.remember(fw.file, fw.info)
	old := *fw
	old.grown = time.Now()
	f.retired = append(f.retired, &old)
	fw.file, fw.pending = nil, nil
	if err == nil && f.open(fw, true) {
		f.read(fw, -1, false)
	}
}

// rotated matches the names of rotated logs, which a directory's live logs
// are not: access.log.1, access.log.2.gz, access.log-20261201,
// access.log.old.
var rotated = regexp.MustCompile(`(?i)(\.\d+|-\d{8,10}|\.old|\.bak|\.gz|\.bz2|\.xz|\.zst|\.lz4|\.z|\.zip)(\.gz|\.bz2|\.xz|\.zst|\.lz4)?$`)

// listDir returns the live logs in dir that the Selection keeps: rotated
// files are not followed (see rotated). What cannot be listed (a
// subdirectory without permission) is failed, once; what is gone since it
// was listed is left out.
func (f *follower) listDir(dir string) []string {
	var out []string
	failed := walkDir(dir, f.sel, func(in Input, _ os.FileInfo) {
		if !rotated.MatchString(filepath.Base(in.Path)) {
			out = append(out, in.Path)
		}
	})
	for _, e := range failed {
		if errors.Is(e.Err, fs.ErrNotExist) {
			continue // gone since it was listed: a rotation, deleted
		}
		if !f.failed[e.Input] {
			f.failed[e.Input] = true
			f.fail(e.Input, e.Err)
		}
	}
	return out
}

// endsLine reports whether the last line handed out of fw's file still
// ends with a newline where it did: a file truncated (copytruncate) and
// grown past where it was read before a check saw it smaller most likely
// has another byte there, and is read again from its start rather than
// from the middle of a line.
func (f *follower) endsLine(fw *followed) bool {
	at := fw.offset
	if len(fw.pending) > 0 {
		at = fw.pendingAt
	}
	if at == 0 || fw.discarding {
		return true
	}
	var b [1]byte
	n, _ := fw.file.ReadAt(b[:], at-1)
	return n == 1 && b[0] == '\n'
}
