package main

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// errOutputGone ends a tail -f whose output is a pipe that its reader
// closed (tail -f log | head -1): at once, not when the next line is
// written into the closed pipe, which may be hours later on a quiet
// server. Exit status 141, as a process killed by SIGPIPE, and nothing
// printed, as GNU tail does.
var errOutputGone = errors.New("output closed")

// watchOutput cancels ctx with errOutputGone once out, a pipe, has no
// reader left (poll reports POLLERR on a pipe's write end then). It
// returns the context to use and the function that stops the watch; for
// an out that is not a pipe, it watches nothing.
func watchOutput(ctx context.Context, out *os.File) (context.Context, func()) {
	info, err := out.Stat()
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		return ctx, func() {}
	}
	// The descriptor, without Fd's side effect of making writes block a thread.
	fd := int32(-1)
	if rc, err := out.SyscallConn(); err == nil {
		rc.Control(func(f uintptr) { fd = int32(f) })
	}
	if fd < 0 {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		fds := []unix.PollFd{{Fd: fd, Events: 0}} // errors and hang-ups are always reported
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			default:
			}
			n, err := unix.Poll(fds, int(outputPoll/time.Millisecond))
			if err == nil && n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				cancel(errOutputGone)
				return
			}
			if err != nil && !errors.Is(err, unix.EINTR) {
				return // cannot watch: the next write finds out
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// outputPoll is how long one poll of the output waits: the bound on how
// long a finished tail -f waits to see that it is.
const outputPoll = 500 * time.Millisecond
