package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockedError is a --lock another run holds: exit 75 (EX_TEMPFAIL), try later.
type lockedError struct {
	path string
	pid  string // the holder's, as it wrote it; "" if unknown
}

func (e lockedError) Error() string {
	holder := "another run"
	if e.pid != "" {
		holder += " (pid " + e.pid + ")"
	}
	return fmt.Sprintf("%s holds the lock %s; try later (or --lock-wait)", holder, e.path)
}

// acquireLock takes an exclusive flock on path for the rest of the process
// and writes this process's pid into it. flock is released by the kernel
// when the process ends, however it ends, so a crashed run never leaves a
// stale lock. With wait > 0 it retries until then; ctx cancels the wait.
func acquireLock(ctx context.Context, path string, wait time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("--lock %s: %w", path, err)
		}
		if !time.Now().Before(deadline) {
			b, _ := os.ReadFile(path)
			f.Close()
			return nil, lockedError{path: path, pid: strings.TrimSpace(string(b))}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, context.Cause(ctx)
		case <-time.After(min(100*time.Millisecond, time.Until(deadline))):
		}
	}
	// The pid is for people: the flock, not the file's content, is the lock.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
