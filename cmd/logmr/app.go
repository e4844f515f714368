package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// env is the process's outside world, injectable for tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "logmr: "+format+"\n", args...)
}

// stderrIsTerminal decides the "auto" behaviours: progress and summary.
func (e *env) stderrIsTerminal() bool { return isTerminal(e.stderr) }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newApp(env *env) *cli.App {
	app := &cli.App{
		Name:    "logmr",
		Usage:   "answer questions about web-server access logs, on every core",
		Version: version,
		Description: "logmr reads Apache and nginx access logs (plain or gzip, detected from content),\n" +
			"whole directories of rotated files at once, by map-reduce over every CPU core.",
		Writer:                    env.stdout,
		ErrWriter:                 env.stderr,
		Reader:                    env.stdin,
		DisableSliceFlagSeparator: true,                         // "--path /a,b" is one path: commas are legal in URLs
		ExitErrHandler:            func(*cli.Context, error) {}, // main decides exit codes
		OnUsageError:              onUsageError,
		Commands:                  []*cli.Command{hostsCommand(env), countCommand(env), parseCommand(env), mergeCommand(env), planCommand(env)},
	}
	for _, cmd := range app.Commands {
		cmd.Before = checkFlagValues
	}
	return app
}
