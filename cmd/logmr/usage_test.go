package main

import (
	"strings"
	"testing"
)

// TestUsageErrorsNameTheFlag: every usage error about a flag is one line
// that starts with the flag, whether logmr, urfave/cli or the library
// found the mistake; exit 2.
func TestUsageErrorsNameTheFlag(t *testing.T) {
	logs := "../../testdata/logs"
	tests := []struct {
		args []string
		want string // the start of stderr's first line, after "logmr: "
	}{
		{[]string{"hosts", "--status", "6xx", logs}, `--status "6xx": want a code from 100 to 599`},
		{[]string{"hosts", "--host", "300.1.1.1", logs}, `--host "300.1.1.1": want an IP address`},
		{[]string{"hosts", "--method", "g@t", logs}, `--method "g@t": want a token`},
		{[]string{"hosts", "--path-regex", "(", logs}, `--path-regex "(": error parsing regexp`},
		{[]string{"hosts", "--user-agent-regex", "(", logs}, `--user-agent-regex "(": error parsing regexp`},
		{[]string{"hosts", "--referer-regex", "[", logs}, `--referer-regex "[": error parsing regexp`},
		{[]string{"hosts", "--since", "2026-01-02", "--until", "2026-01-01", logs}, "--since, --until: the time window is empty"},
		{[]string{"hosts", "--include", "[a", logs}, `--include or --exclude "[a": syntax error in pattern`},
		{[]string{"hosts", "--decompressor", "zz", logs}, `--decompressor "zz": want auto, go, isal, igzip or pigz`},
		{[]string{"hosts", "--shard", "0/2", "-"}, "--shard: standard input cannot be split into shards"},
		{[]string{"hosts", "-j", "x", logs}, `--workers "x": want a whole number`},
		{[]string{"hosts", "--child-timeout", "5", logs}, `--child-timeout "5": want a duration`},
		{[]string{"hosts", "--max-malformed", "lots", logs}, `--max-malformed "lots": want a number`},
		{[]string{"hosts", logs, "--path"}, "--path: needs a value"},
		{[]string{"hosts", "--bogus", logs}, "--bogus: no such flag for hosts"},
		{[]string{"count", "--by", "foo", logs}, `--by: unknown field "foo"`},
		{[]string{"count", "--by", "status,status", logs}, `--by: field "status" given twice`},
		{[]string{"count", logs}, "--by is required"},
		{[]string{"merge", "--partial", "-O", "json", "x"}, "--partial writes a partial-result file"},
		{[]string{"plan", "--shards", "x", logs}, `--shards "x": want a whole number`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 2 || !strings.HasPrefix(line, "logmr: "+tt.want) {
				t.Errorf("logmr %q: exit %d, stderr %q; want 2 and a first line starting %q", tt.args, r.code, r.stderr, "logmr: "+tt.want)
			}
		})
	}
}

// TestPlanNeedsShards: plan without --shards is a usage error, not a
// failed run.
func TestPlanNeedsShards(t *testing.T) {
	r := run(t, nil, "plan", "../../testdata/logs")
	if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 2 || line != "logmr: --shards is required: e.g. logmr plan --shards 4 PATH..." || r.stdout != "" {
		t.Errorf("logmr plan without --shards: exit %d, stderr %q; want 2 and --shards is required", r.code, r.stderr)
	}
}

// TestDidYouMean: a mistyped command or flag is exit 2 with one line that
// names the likely one; a name like none gets no guess.
func TestDidYouMean(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"hots", "x"}, `logmr: unknown command "hots"; did you mean hosts?`},
		{[]string{"cuont", "x"}, `logmr: unknown command "cuont"; did you mean count?`},
		{[]string{"xyzzy", "x"}, `logmr: unknown command "xyzzy"`},
		{[]string{"hosts", "--pth", "/robots.txt", "x"}, "logmr: --pth: no such flag for hosts; did you mean --path?"},
		{[]string{"count", "--by", "status", "--sttaus", "404", "x"}, "logmr: --sttaus: no such flag for count; did you mean --status?"},
		{[]string{"merge", "--outptu", "x", "y"}, "logmr: --outptu: no such flag for merge; did you mean --output?"},
		{[]string{"hosts", "--zzzz", "x"}, "logmr: --zzzz: no such flag for hosts"},
		{[]string{"--verison"}, "logmr: --verison: no such flag for logmr; did you mean --version?"},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 2 || line != tt.want || r.stdout != "" {
			t.Errorf("logmr %q: exit %d, stdout %q, stderr %q; want 2 and first line %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
		}
	}
}
