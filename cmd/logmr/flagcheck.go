package main

import (
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"
)

// emptyValueHint is why an empty flag value is refused rather than read as
// "flag not given": in a cron line, --since "$(date ...)" whose command
// failed would silently widen the question.
const emptyValueHint = "empty value (a failed $(...) in a cron line?)"

// checkFlagValues refuses an empty value for every flag that takes one, and
// an empty element of a repeatable flag: --since "", -o "",
// --path /a --path "". It runs before each command's Action (see newApp),
// over the command's own flags, so no flag needs a check of its own.
// Numeric and duration flags never get here empty: the flag parser refuses
// them, and onUsageError words that the same way.
func checkFlagValues(c *cli.Context) error {
	for _, f := range c.Command.Flags {
		if v, ok := f.(cli.DocGenerationFlag); !ok || !v.TakesValue() {
			continue
		}
		name := f.Names()[0]
		if !c.IsSet(name) {
			continue
		}
		switch v := c.Value(name).(type) {
		case string:
			if v == "" {
				return usagef("--%s: %s", name, emptyValueHint)
			}
		case cli.StringSlice:
			for _, s := range v.Value() {
				if s == "" {
					return usagef("--%s: %s", name, emptyValueHint)
				}
			}
		}
	}
	return nil
}

// The flag package's errors, which onUsageError words as logmr's: the
// flag first, then what is wrong with it.
var (
	emptyParsedValue = regexp.MustCompile(`^invalid value "" for flag -+([^:]+):`)
	badParsedValue   = regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]+):`)
	undefinedFlag    = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	missingValue     = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
)

// onUsageError makes urfave/cli's flag errors usage errors (exit 2) that
// start with the flag: "--workers "x": want a whole number", "--pth: no
// such flag for hosts; did you mean --path?".
func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := err.Error()
	if m := emptyParsedValue.FindStringSubmatch(msg); m != nil {
		return usagef("--%s: %s", primaryName(c, m[1]), emptyValueHint)
	}
	if m := badParsedValue.FindStringSubmatch(msg); m != nil {
		return usagef("%s %q: %s", dashed(primaryName(c, m[2])), m[1], wantOf(lookupFlag(c, m[2])))
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return usagef("%s: needs a value", dashed(m[1]))
	}
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		where := "logmr"
		if c != nil && c.Command != nil && c.Command.Name != "" {
			where = c.Command.Name
		}
		return usagef("%s: no such flag for %s%s", dashed(m[1]), where, suggestFlag(c, m[1]))
	}
	return usageError{msg}
}

// dashed writes a flag name as it is typed: -j, --workers.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// wantOf says what a flag of f's type takes.
func wantOf(f cli.Flag) string {
	switch f.(type) {
	case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag:
		return "want a whole number"
	case *cli.Float64Flag:
		return "want a number such as 0.01"
	case *cli.DurationFlag:
		return "want a duration such as 90s, 10m or 1h30m"
	case *cli.BoolFlag:
		return "want true or false, or no value"
	}
	return "not a valid value"
}

// suggestMinSimilarity is how alike (Jaro-Winkler, as urfave/cli measures)
// a mistyped name and a real one must be for "did you mean" to name it.
const suggestMinSimilarity = 0.8

// suggestFlag returns "; did you mean --path?" for a flag name that is
// close to one of the command's, or "".
func suggestFlag(c *cli.Context, name string) string {
	if c == nil || c.Command == nil || c.App == nil || !c.App.Suggest || cli.SuggestFlag == nil {
		return ""
	}
	flags := c.Command.Flags
	if c.Command.Name == "" { // the app itself
		flags = c.App.Flags
	}
	s := cli.SuggestFlag(flags, name, false)
	if s == "" || smetrics.JaroWinkler(strings.TrimLeft(s, "-"), name, 0.7, 4) < suggestMinSimilarity {
		return ""
	}
	return "; did you mean " + s + "?"
}

// suggestCommand returns "; did you mean hosts?" for a command name that is
// close to one of app's, or "".
func suggestCommand(app *cli.App, name string) string {
	if !app.Suggest || cli.SuggestCommand == nil {
		return ""
	}
	best, score := "", 0.0
	for _, cmd := range app.VisibleCommands() {
		for _, n := range cmd.Names() {
			if d := smetrics.JaroWinkler(n, name, 0.7, 4); d > score {
				best, score = n, d
			}
		}
	}
	if score < suggestMinSimilarity {
		return ""
	}
	return "; did you mean " + best + "?"
}

// lookupFlag returns the command's flag called name, or nil.
func lookupFlag(c *cli.Context, name string) cli.Flag {
	if c == nil || c.Command == nil {
		return nil
	}
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// primaryName returns the long name of the command's flag called name ("j"
// is "workers"), or name if there is none.
func primaryName(c *cli.Context, name string) string {
	if f := lookupFlag(c, name); f != nil {
		return f.Names()[0]
	}
	return name
}
