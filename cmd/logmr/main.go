// Command logmr answers questions about web-server access logs by
// map-reduce over every CPU core. Run "logmr help" for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // --tz works where the system has no zone database (containers, cron images)
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
		sig := <-caught
		// Restore the default disposition: a second Ctrl-C kills at once.
		signal.Stop(caught)
		cancel(interrupted{sig.(syscall.Signal)})
		time.AfterFunc(shutdownGrace, func() { os.Exit(exitInterrupted + int(sig.(syscall.Signal))) })
	}()
	env := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	app := newApp(env)
	err := checkCommand(app, os.Args)
	if err == nil {
		err = app.RunContext(ctx, reorderArgs(app, os.Args))
	}
	os.Exit(exitCode(ctx, err, env))
}
