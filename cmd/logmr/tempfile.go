package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// tempOutput is the file an -o result is written to before it replaces its
// target. Where the system allows it (Linux, O_TMPFILE), the file has no
// name until commit, so a process killed with SIGKILL leaves nothing
// behind; elsewhere it is named by tempName and a later run removes it
// (removeStaleTemps).
type tempOutput struct {
	*os.File
	dir, base string
	name      atomic.Pointer[string] // the file's name once it has one; read by forced-exit cleanup
}

// useUnnamedTemp is false to force the named fallback (tests).
var useUnnamedTemp = true

// tempMarker is in the name of every named temporary output file:
// .BASE.logmr-tmp-HOST-PID-RANDOM, HOST a hash of the host name: a
// directory shared between machines (NFS, where O_TMPFILE is not
// supported) holds other machines' files, whose PIDs mean nothing here.
const tempMarker = ".logmr-tmp-"

// hostTag is this machine's HOST in temporary file names.
var hostTag = sync.OnceValue(func() string {
	name, _ := os.Hostname()
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%08x", h.Sum32())
})

// createTemp creates the temporary file for path, in path's directory,
// with mode 0666 less the umask: the permissions of any file a command
// creates. First it removes the temporary files that runs killed in that
// directory left there.
func createTemp(path string) (*tempOutput, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir)
	t := &tempOutput{dir: dir, base: base}
	if useUnnamedTemp {
		f, err := openUnnamed(dir)
		if err == nil {
			t.File = f
			return t, nil
		}
		if !errors.Is(err, errUnnamedUnsupported) {
			return nil, err
		}
	}
	for {
		name := tempName(dir, base)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			t.File = f
			t.name.Store(&name)
			return t, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
}

// tempName returns a fresh name for a temporary file for base in dir.
func tempName(dir, base string) string {
	const maxBase = 200 // NAME_MAX is 255 on most systems
	if len(base) > maxBase {
		base = base[:maxBase]
	}
	return filepath.Join(dir, fmt.Sprintf(".%s%s%s-%d-%08x", base, tempMarker, hostTag(), os.Getpid(), rand.Uint32()))
}

// commit gives the written, synced file the name path, replacing what was
// there. The file must still be open; commit closes it.
func (t *tempOutput) commit(path string) error {
	if t.name.Load() == nil {
		// Unnamed: link it under a temporary name (link cannot replace a
		// file), then rename that over path. Only this moment leaves a name
		// that a SIGKILL could strand, and a later run removes it.
		name := tempName(t.dir, t.base)
		if err := linkUnnamed(t.File, name); err != nil {
			return err
		}
		t.name.Store(&name)
	}
	if err := t.File.Close(); err != nil {
		return err
	}
	if err := os.Rename(*t.name.Load(), path); err != nil {
		return err
	}
	syncDir(t.dir)
	return nil
}

// syncDir makes a rename in dir durable: without it a crash soon after
// can bring back the old file, or no file, though the run said it was
// written. A failure is not the run's: the file is in place.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// discard closes and removes the file; after commit it does nothing harmful.
func (t *tempOutput) discard() {
	t.File.Close()
	t.removeName()
}

// removeName removes the file's name, if it has one: the forced-exit cleanup.
func (t *tempOutput) removeName() {
	if name := t.name.Load(); name != nil {
		os.Remove(*name)
	}
}

// removeStaleTemps removes the named temporary output files in dir whose
// writer is dead: .NAME.logmr-tmp-HOST-PID-RANDOM, HOST this machine's
// and PID no longer a process. It touches no other file, and no other
// machine's. Failures only leave the files: it is best effort.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := staleTempPID(e.Name())
		if !ok || pid == os.Getpid() || !e.Type().IsRegular() {
			continue
		}
		if unix.Kill(pid, 0) == unix.ESRCH { // EPERM: alive, another user's
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// staleTempPID returns the PID in a name made by tempName on this
// machine, and whether name is exactly of that form.
func staleTempPID(name string) (int, bool) {
	i := strings.LastIndex(name, tempMarker)
	if len(name) < 2 || name[0] != '.' || i < 2 {
		return 0, false
	}
	host, rest, ok := strings.Cut(name[i+len(tempMarker):], "-")
	if !ok || host != hostTag() {
		return 0, false
	}
	pidText, random, ok := strings.Cut(rest, "-")
	if !ok || len(random) != 8 || strings.Trim(random, "0123456789abcdef") != "" ||
		pidText == "" || pidText[0] == '0' || strings.Trim(pidText, "0123456789") != "" {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid > 1<<31-1 {
		return 0, false
	}
	return pid, true
}
