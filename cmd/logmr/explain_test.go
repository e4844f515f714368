package main

import (
	"regexp"
	"strings"
	"testing"
)

// An empty answer says why on stderr, off a terminal too, one line; -q
// silences it. The exit status stays 0: empty is an answer.
func TestEmptyAnswerExplained(t *testing.T) {
	const logs = "../../testdata/logs" // 23 lines, 4 malformed, 2026-11-18 08:00 … 2026-11-21 10:00 UTC
	tests := []struct {
		name string
		args []string
		want string // all of stderr
	}{
		{"time window misses the logs", []string{"hosts", "--since", "2030-01-01T00:00:00Z", logs},
			"logmr: 0 matched: 23 lines read, 19 dropped by time, 4 malformed; " +
				"the logs span 2026-11-18 08:00 … 2026-11-21 10:00 (+0000), the window is --since 2030-01-01 00:00:00 (+0000)\n"},
		{"both ends of the window", []string{"count", "--by", "status", "--since", "2020-01-01T00:00:00Z", "--until", "2021-01-01T00:00:00+01:00", logs},
			"logmr: 0 matched: 23 lines read, 19 dropped by time, 4 malformed; the logs span 2026-11-18 08:00 … 2026-11-21 10:00 (+0000), " +
				"the window is --since 2020-01-01 00:00:00 (+0000) --until 2021-01-01 00:00:00 (+0100)\n"},
		{"other filters: which dropped what", []string{"hosts", "--path", "/nothing", "--status", "404", logs},
			"logmr: 0 matched: 23 lines read, 0 of them parsed (the others lack the text the filter requires; --check-all-lines parses them all)\n"},
		{"other filters, every line parsed", []string{"hosts", "--path", "/nothing", "--status", "404", "--check-all-lines", logs},
			"logmr: 0 matched: 23 lines read, 4 dropped by path, 15 by status, 4 malformed\n"},
		{"parse", []string{"parse", "--path", "/nothing", logs},
			"logmr: 0 matched: 23 lines read, 0 of them parsed (the others lack the text the filter requires; --check-all-lines parses them all)\n"},
		{"a window and a prefilter: the span is the parsed lines'", []string{"hosts", "--path", "/robots.txt", "--since", "2030-01-01T00:00:00Z", logs},
			"logmr: 0 matched: 23 lines read, 18 of them parsed (the others lack the text the filter requires; --check-all-lines parses them all): " +
				"15 dropped by time, 3 malformed; the lines parsed span 2026-11-18 08:00 … 2026-11-21 10:00 (+0000), the window is --since 2030-01-01 00:00:00 (+0000)\n"},
		{"no lines", []string{"hosts", "/dev/null"}, "logmr: 0 matched: the inputs hold no lines\n"},
		{"-q silences it", []string{"hosts", "-q", "--since", "2030-01-01T00:00:00Z", logs}, ""},
		{"a non-empty answer says nothing", []string{"hosts", "--path", "/robots.txt", logs}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != 0 || r.stderr != tt.want {
				t.Errorf("logmr %q: exit %d, stderr %q; want exit 0, stderr %q", tt.args, r.code, r.stderr, tt.want)
			}
		})
	}
}

// A --path no request path can match is a usage error naming the flag.
func TestPathFlagWithoutSlash(t *testing.T) {
	const logs = "../../testdata/logs"
	tests := []struct {
		args []string
		want string // in stderr; "" means accepted
	}{
		{[]string{"--path", "robots.txt"}, `logmr: --path "robots.txt": a request path starts with / (did you mean /robots.txt?)`},
		{[]string{"--path", "/robots.txt", "--path", "wp-login.php"}, `--path "wp-login.php": a request path starts with / (did you mean /wp-login.php?)`},
		{[]string{"--path-prefix", "wp-admin"}, `--path-prefix "wp-admin": a request path starts with / (did you mean /wp-admin?)`},
		{[]string{"--path", "*"}, ""},                    // OPTIONS *
		{[]string{"--path-prefix", "http://"}, ""},       // proxy requests
		{[]string{"--path", "example.com:443"}, ""},      // CONNECT
		{[]string{"--path-regex", "robots.txt"}, ""},     // a regexp is unanchored
		{[]string{"--path-prefix", "/robots", "-q"}, ""}, // the usual
	}
	for _, tt := range tests {
		args := append(append([]string{"hosts"}, tt.args...), logs)
		r := run(t, nil, args...)
		switch {
		case tt.want == "" && r.code != 0:
			t.Errorf("logmr %q: exit %d (%s), want it accepted", args, r.code, r.stderr)
		case tt.want != "" && (r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != ""):
			t.Errorf("logmr %q: exit %d, stderr %q, stdout %q; want exit 2 and %q", args, r.code, r.stderr, r.stdout, tt.want)
		}
	}
}

// The summary gives the answer's size and both sizes read, labelled.
func TestSummaryResultAndSizes(t *testing.T) {
	const logs = "../../testdata/logs"
	tests := []struct {
		args []string
		want string // a regexp the summary line matches
	}{
		{[]string{"hosts", "-v", "--path", "/robots.txt", logs},
			`^logmr: 4 files, 23 lines, 11 matched \(dropped 4 by path\), 3 malformed in 18 parsed lines: 10 hosts; ` +
				`1\.9 KiB read \(2\.1 KiB of text\) in [0-9.]+s: [0-9.]+ [KMG]?i?B/s read, [0-9.]+ [KMG]?i?B/s of text$`},
		{[]string{"count", "-v", "--by", "status", logs}, `: 5 rows; `},
		{[]string{"count", "-v", "--by", "status", "--status", "404", logs}, `: 1 row; `},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		summary := lines[len(lines)-1]
		if r.code != 0 || !regexp.MustCompile(tt.want).MatchString(summary) {
			t.Errorf("logmr %q: exit %d, summary %q; want it to match %q", tt.args, r.code, summary, tt.want)
		}
	}
}
