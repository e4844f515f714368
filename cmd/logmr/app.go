package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// env is the process's outside world, injectable for tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// errorf writes one message on stderr. Its control characters are
// escaped, whatever it quotes: a file name or a log line can carry
// terminal escape sequences (or a newline that would fake a second
// message), and they must never reach a terminal raw.
func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "logmr: %s\n", escapeControl(fmt.Sprintf(format, args...)))
}

// stderrIsTerminal decides the "auto" behaviours: progress and summary.
func (e *env) stderrIsTerminal() bool { return isTerminal(e.stderr) }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func init() {
	// -v is --verbose in every command, so the version is -V.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version, VCS revision and Go version"}
	cli.FlagStringer = flagString(cli.FlagStringer)
}

func newApp(env *env) *cli.App {
	app := &cli.App{
		Name:    "logmr",
		Usage:   "answer questions about web-server access logs, on every core",
		Version: buildVersion(),
		Description: "logmr reads Apache and nginx access logs (plain or gzip, detected from content),\n" +
			"whole directories of rotated files at once, by map-reduce over every CPU core.",
		Writer:                    env.stdout,
		ErrWriter:                 env.stderr,
		Reader:                    env.stdin,
		DisableSliceFlagSeparator: true,                         // "--path /a,b" is one path: commas are legal in URLs
		ExitErrHandler:            func(*cli.Context, error) {}, // main decides exit codes
		OnUsageError:              onUsageError,
		Suggest:                   true, // "did you mean": see onUsageError and checkCommand
		EnableBashCompletion:      true, // the hidden --generate-bash-completion the completion scripts call
		Commands: []*cli.Command{hostsCommand(env), countCommand(env), reportCommand(env), parseCommand(env), catCommand(env), tailCommand(env), mergeCommand(env), planCommand(env),
			completionCommand(env), manCommand(env)},
	}
	// "logmr" alone: the commands, on stderr, and exit 2.
	app.Action = func(c *cli.Context) error {
		shortHelp(env.stderr, c.App)
		return errShortHelp{}
	}
	for _, cmd := range app.Commands {
		cmd.Before = checkFlagValues
	}
	categorize(app)
	return app
}

// action is a command's Action in two steps: validate turns the flags into
// the command's options, with no side effect, so that every usage error
// comes before anything is acquired; run acquires what it needs (a lock,
// a cache, the output) and calls the library.
func action[O any](env *env, validate func(*cli.Context, *env) (O, error), run func(context.Context, *env, O, []string) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := validate(c, env)
		if err != nil {
			return err
		}
		return run(c.Context, env, o, c.Args().Slice())
	}
}
