package main

import (
	"regexp"
	"slices"

	"github.com/urfave/cli/v2"
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

// emptyParsedValue matches the flag package's error for an empty numeric or
// duration value (--workers "").
var emptyParsedValue = regexp.MustCompile(`^invalid value "" for flag -+([^:]+):`)

// onUsageError makes urfave/cli's flag errors usage errors (exit 2).
func onUsageError(c *cli.Context, err error, _ bool) error {
	if m := emptyParsedValue.FindStringSubmatch(err.Error()); m != nil {
		return usagef("--%s: %s", primaryName(c, m[1]), emptyValueHint)
	}
	return usageError{err.Error()}
}

// primaryName returns the long name of the command's flag called name ("j"
// is "workers"), or name if there is none.
func primaryName(c *cli.Context, name string) string {
	if c == nil || c.Command == nil {
		return name
	}
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			return f.Names()[0]
		}
	}
	return name
}
