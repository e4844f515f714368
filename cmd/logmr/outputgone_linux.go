package main

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// watchOutput cancels ctx with errOutputGone once out, a pipe, has no
// reader left (Linux's poll reports POLLERR on a pipe's write end then,
// whatever events were asked for; macOS's reports nothing unless asked,
// hence Linux only). It returns the context to use and the function that
// stops the watch; for an out that is not a pipe, it watches nothing.
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
	go func() {
		fds := []unix.PollFd{{Fd: fd, Events: 0}} // errors and hang-ups are always reported
		for ctx.Err() == nil {                    // until stop, or the end of the run
			n, err := unix.Poll(fds, int(outputPoll/time.Millisecond))
			switch {
			case err == nil && n > 0 && fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0:
				cancel(errOutputGone)
				return
			case err == nil && n > 0:
				return // POLLNVAL: not a descriptor to watch any more
			}
			if err != nil && !errors.Is(err, unix.EINTR) {
				return // cannot watch: the next write finds out
			}
		}
	}()
	return ctx, func() { cancel(nil) }
}

// outputPoll is how long one poll of the output waits: the bound on how
// long a finished tail -f waits to see that it is.
const outputPoll = 500 * time.Millisecond
