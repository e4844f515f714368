// Command logmr answers questions about web-server access logs by
// map-reduce over every CPU core. Run "logmr help" for usage.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // --tz works where the system has no zone database (containers, cron images)

	"github.com/logmr/logmr/subproc"
)

// shutdownGrace is how long a cancelled run may take to stop before the
// process exits anyway: a read from a terminal or a pipe on standard input
// cannot be woken any other way.
const shutdownGrace = 2 * time.Second

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := (<-caught).(syscall.Signal)
		clearProgress() // every message after this starts on a clean line
		cancel(interrupted{sig})
		// The run stops by itself within the grace, or is stopped: a
		// second signal (an impatient Ctrl-C) ends it at once.
		select {
		case <-caught:
			fmt.Fprintf(os.Stderr, "logmr: %v again: stopped at once\n", interrupted{sig})
		case <-time.After(shutdownGrace):
			fmt.Fprintf(os.Stderr, "logmr: %v: not stopped after %v, stopped\n", interrupted{sig}, shutdownGrace)
		}
		forceExit(exitInterrupted + int(sig))
	}()
	env := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	app := newApp(env)
	err := checkCommand(app, os.Args)
	if err == nil {
		err = app.RunContext(ctx, reorderArgs(app, os.Args))
	}
	os.Exit(exitCode(ctx, err, env))
}

// forcedExitCleanups undo what a run has half done (a temporary output
// file) when the process exits without finishing: see onForcedExit.
var forcedExitCleanups struct {
	sync.Mutex
	next int
	fns  map[int]func()
}

// onForcedExit registers fn to run if the process is forced to exit; the
// returned function unregisters it.
func onForcedExit(fn func()) (unregister func()) {
	c := &forcedExitCleanups
	c.Lock()
	defer c.Unlock()
	if c.fns == nil {
		c.fns = map[int]func(){}
	}
	id := c.next
	c.next++
	c.fns[id] = fn
	return func() {
		c.Lock()
		defer c.Unlock()
		delete(c.fns, id)
	}
}

// forceExit ends the process now: no child process is left behind (their
// groups get SIGKILL) and no temporary output file.
func forceExit(code int) {
	subproc.KillAll()
	c := &forcedExitCleanups
	c.Lock() // held: nothing may register after this
	for _, fn := range c.fns {
		fn()
	}
	os.Exit(code)
}
