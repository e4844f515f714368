package main

import (
	"errors"
	"strings"
	"time"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/urfave/cli/v2"
)

// filterFlags select records; every query command has them (docs/reference.md).
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
		&cli.StringFlag{Name: "since", Usage: "keep requests logged at or after `TIME`: RFC 3339, YYYY-MM-DD[THH:MM[:SS]] in --tz, " +
			"or relative to the run's start: now, today, yesterday (midnight in --tz), -30m, -36h, -7d, -2w, today-6d"},
		&cli.StringFlag{Name: "until", Usage: "keep requests logged before `TIME` (same forms as --since)"},
		&cli.StringFlag{Name: "tz", Value: "Local", Usage: "the `ZONE` of bare --since/--until times, of today and yesterday, and of count's hour and day buckets: " +
			"Local ($TZ, else the system's zone), UTC or an IANA name such as Europe/Paris"},
		&cli.StringSliceFlag{Name: "host", Usage: "keep requests from these client `ADDRESSES` or CIDR prefixes, e.g. 192.0.2.0/24,2001:db8::/32"},
		&cli.StringSliceFlag{Name: "user-agent-regex", Usage: "keep requests whose user agent matches the RE2 expression `RE`; repeatable"},
		&cli.StringSliceFlag{Name: "referer-regex", Usage: "keep requests whose referer matches the RE2 expression `RE`; repeatable"},
		&cli.StringSliceFlag{Name: "vhost", Usage: "keep requests to these virtual `HOSTS` (%v; any case)"},
	}
}

// parseFilter turns the filter flags into a filter.Filter and checks it.
func parseFilter(c *cli.Context) (filter.Filter, error) {
	f := filter.Filter{
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
	loc, err := parseZone(c)
	if err != nil {
		return f, err
	}
	start := now() // one reading: --since -1h --until now is one hour
	if f.Since, err = parseTimeFlag("since", c.String("since"), loc, start); err != nil {
		return f, err
	}
	if f.Until, err = parseTimeFlag("until", c.String("until"), loc, start); err != nil {
		return f, err
	}
	return f, checkFilter(f)
}

// filterFlagOf names, by the field a filter.ValueError names, the flag
// that gave the value.
var filterFlagOf = map[string]string{
	"method": "--method", "path regexp": "--path-regex", "user agent regexp": "--user-agent-regex",
	"referer regexp": "--referer-regex", "status": "--status", "host": "--host", "window": "--since, --until",
}

// checkFilter is filter.Check, its refusal said in the command line's
// terms: the flag and the value as typed, then the library's reason.
func checkFilter(f filter.Filter) error {
	err := f.Check()
	var ve *filter.ValueError
	if !errors.As(err, &ve) || filterFlagOf[ve.Field] == "" {
		return err // an error not foreseen is still a usage error (isUsage)
	}
	if ve.Value == "" {
		return usagef("%s: %s", filterFlagOf[ve.Field], ve.Reason)
	}
	return usagef("%s %q: %s", filterFlagOf[ve.Field], ve.Value, ve.Reason)
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

// parseZone reads --tz, the one zone of a run: bare --since/--until times,
// today and yesterday, and hour and day buckets.
func parseZone(c *cli.Context) (*time.Location, error) {
	switch tz := c.String("tz"); tz {
	case "Local":
		return time.Local, nil
	case "UTC":
		return time.UTC, nil
	default:
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" {
			return nil, usagef("--tz %q: want Local, UTC or an IANA zone name such as Europe/Paris", tz)
		}
		return loc, nil
	}
}
