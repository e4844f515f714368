package main

import (
	"strings"
	"time"

	"github.com/logmr/logmr/mapreduce"
	"github.com/urfave/cli/v2"
)

// filterFlags select records; every query command has them (DESIGN.md).
// Flags are ANDed; the values of one flag, repeated or comma-separated,
// are ORed. Path and regexp values are never split on commas: URLs and
// expressions hold commas.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "path", Usage: "keep requests whose path (target before '?') equals `P`; repeatable"},
		&cli.StringSliceFlag{Name: "path-prefix", Usage: "keep requests whose path starts with `P`; repeatable"},
		&cli.StringSliceFlag{Name: "path-regex", Usage: "keep requests whose path matches the RE2 expression `RE` (unanchored); repeatable"},
		&cli.StringSliceFlag{Name: "status", Usage: "keep requests with these status `CODES` or classes, e.g. 404,5xx"},
		&cli.StringSliceFlag{Name: "method", Usage: "keep requests with these `METHODS`, e.g. POST,PUT (any case)"},
		&cli.StringFlag{Name: "since", Usage: "keep requests logged at or after `TIME`: RFC 3339, or YYYY-MM-DD[THH:MM[:SS]] in local time"},
		&cli.StringFlag{Name: "until", Usage: "keep requests logged before `TIME` (same forms as --since)"},
		&cli.StringSliceFlag{Name: "host", Usage: "keep requests from these client `ADDRESSES` or CIDR prefixes, e.g. 192.0.2.0/24,2001:db8::/32"},
		&cli.StringSliceFlag{Name: "user-agent-regex", Usage: "keep requests whose user agent matches the RE2 expression `RE`; repeatable"},
		&cli.StringSliceFlag{Name: "referer-regex", Usage: "keep requests whose referer matches the RE2 expression `RE`; repeatable"},
		&cli.StringSliceFlag{Name: "vhost", Usage: "keep requests to these virtual `HOSTS` (%v; any case)"},
	}
}

// parseFilter turns the filter flags into a mapreduce.Filter and checks it.
func parseFilter(c *cli.Context) (mapreduce.Filter, error) {
	f := mapreduce.Filter{
		Paths:            c.StringSlice("path"),
		PathPrefixes:     c.StringSlice("path-prefix"),
		PathRegexps:      c.StringSlice("path-regex"),
		UserAgentRegexps: c.StringSlice("user-agent-regex"),
		RefererRegexps:   c.StringSlice("referer-regex"),
	}
	if err := checkPathFlags(f.Paths, f.PathPrefixes); err != nil {
		return f, err
	}
	var err error
	for _, list := range []struct {
		flag string
		dst  *[]string
	}{{"status", &f.Statuses}, {"method", &f.Methods}, {"host", &f.Hosts}, {"vhost", &f.VHosts}} {
		if *list.dst, err = splitCommas(c, list.flag); err != nil {
			return f, err
		}
	}
	if f.Since, err = parseTimeFlag("since", c.String("since")); err != nil {
		return f, err
	}
	if f.Until, err = parseTimeFlag("until", c.String("until")); err != nil {
		return f, err
	}
	if err := f.Check(); err != nil {
		return f, usagef("%v", err)
	}
	return f, nil
}

// splitCommas returns the comma-separated values of a repeatable flag,
// trimmed. An empty element ("404,", "GET,,POST") is refused, as an empty
// value is (see checkFlagValues): "--status $A,$B" with $B unset must not
// quietly ask a different question.
func splitCommas(c *cli.Context, flag string) ([]string, error) {
	var out []string
	for _, v := range c.StringSlice(flag) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part == "" {
				return nil, usagef("--%s %q: empty element in the comma-separated list", flag, v)
			}
			out = append(out, part)
		}
	}
	return out, nil
}

// timeLayouts are the forms --since and --until take without an offset,
// read in local time; RFC 3339 (with its offset or Z) is tried first.
var timeLayouts = []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

func parseTimeFlag(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want RFC 3339 (2026-11-22T06:00:00Z, 2026-11-22T07:00:00+01:00) or YYYY-MM-DD[THH:MM[:SS]] in local time", name, s)
}
