package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves a command's flags before its positional arguments, so
// that "logmr hosts /var/log/apache2 --path /robots.txt" works: urfave/cli v2
// parses with the standard flag package, which stops at the first
// positional argument. Everything after "--" stays positional, and a
// one-letter flag may carry its value attached ("-j8").
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args // completing: urfave/cli wants the words as typed, that flag last
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return args
	}
	takesValue := flagArity(cmd.Flags)
	var flags, positional []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		switch {
		case arg == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case isAttachedShort(arg, takesValue):
			flags = append(flags, arg[:2], arg[2:]) // -j8 means -j 8, as in make
		case len(arg) > 1 && arg[0] == '-':
			flags = append(flags, arg)
			name := strings.TrimLeft(arg, "-")
			if strings.Contains(name, "=") || !takesValue[name] {
				continue
			}
			if i+1 == len(rest) {
				// A value flag with no value ("--path $EMPTY"): leave it last,
				// with nothing after it, so the flag parser says so (exit 2)
				// rather than taking "--" as the value.
				return append([]string{args[0], args[1]}, flags...)
			}
			i++
			flags = append(flags, rest[i])
		default:
			positional = append(positional, arg)
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out
}

// flagArity maps every flag name and alias to whether it takes a value.
func flagArity(flags []cli.Flag) map[string]bool {
	m := make(map[string]bool)
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			m[name] = !isBool
		}
	}
	return m
}

// isAttachedShort reports whether arg is a one-letter flag that takes a
// value with the value attached ("-j8", "-Ojson"), which the standard flag
// package would reject.
func isAttachedShort(arg string, takesValue map[string]bool) bool {
	if len(arg) <= 2 || arg[0] != '-' || arg[1] == '-' || arg[2] == '=' || !takesValue[arg[1:2]] {
		return false
	}
	name, _, _ := strings.Cut(arg[1:], "=")
	_, isFlag := takesValue[name] // "-output x" is the long flag with one dash
	return !isFlag
}

// checkCommand makes an unknown command a usage error (exit 2); urfave/cli
// would print a help topic error and exit 1.
func checkCommand(app *cli.App, args []string) error {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") || app.Command(args[1]) != nil {
		return nil
	}
	switch args[1] {
	case "help", "h":
		return nil
	}
	return usagef("unknown command %q%s", args[1], suggestCommand(app, args[1]))
}
