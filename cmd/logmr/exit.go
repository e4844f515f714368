package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// Exit codes, the contract scripts rely on (docs/guide.md "Exit codes").
const (
	exitOK          = 0
	exitFailed      = 1   // no result written
	exitUsage       = 2   // bad flag, format or argument
	exitSomeFailed  = 3   // result written, some inputs unreadable
	exitLocked      = 75  // another run holds --lock (EX_TEMPFAIL)
	exitInterrupted = 128 // plus the signal number: 130 SIGINT, 143 SIGTERM
	exitOutputGone  = 141 // tail -f whose output pipe's reader is done, as SIGPIPE's 128+13
)

// usageError is a mistake in the command line: exit 2 with a one-line reason.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// interrupted is the cancellation cause when a signal stops the run.
type interrupted struct{ sig syscall.Signal }

// Error reads "interrupted (SIGINT)".
func (e interrupted) Error() string { return "interrupted (" + signalName(e.sig) + ")" }

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}

// exitCode decides the process's exit status, and is the only place that
// does. Errors reach stderr here, except the per-input ones the command
// already reported as they were known.
func exitCode(ctx context.Context, err error, env *env) int {
	var sig interrupted
	if err != nil && errors.As(context.Cause(ctx), &sig) { // a run that finished anyway succeeded
		if !errors.Is(err, errFollowStopped) { // tail -f ends so: nothing to say
			env.errorf("%v", sig)
		}
		return exitInterrupted + int(sig.sig)
	}
	var failed *mapreduce.FailedInputs
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errOutputGone):
		return exitOutputGone
	case errors.As(err, &failed):
		return exitSomeFailed // each input was named when it was reported
	case errors.As(err, new(errShortHelp)):
		return exitUsage // the short help said it
	case errors.As(err, new(lockedError)):
		env.errorf("%v", err)
		return exitLocked
	case isUsage(err):
		env.errorf("%v", err)
		env.errorf("run 'logmr help' for usage")
		return exitUsage
	}
	env.errorf("%v", err)
	return exitFailed
}

// isUsage reports whether err is a mistake in the command line. The
// commands word their own (usageError) and check what the library would
// refuse before they run, naming the flag; a library refusal not foreseen
// still exits 2, in the library's words.
func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u) || errors.Is(err, logscan.ErrInvalidOptions) ||
		errors.Is(err, logparse.ErrUnknownFormat)
}
