// Command logmr answers questions about web-server access logs by
// map-reduce over every CPU core. Run "logmr help" for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

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
	}()
	env := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	app := newApp(env)
	err := app.RunContext(ctx, reorderArgs(app, os.Args))
	os.Exit(exitCode(ctx, err, env))
}
