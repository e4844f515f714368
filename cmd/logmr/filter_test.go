package main

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// refLineRE reads host, time, status and bytes of a well-formed generated
// line, the straightforward way: a regexp and time.Parse, nothing shared
// with the production parser.
var refLineRE = regexp.MustCompile(`^(\S+) \S+ .*? \[([^\]]+)\] "(?:[^"\\]|\\.)*" (\d{3}|-) (\d+|-)`)

// refCanonicalHost is the canonical form docs/guide.md defines, computed with
// net/netip and strconv.
func refCanonicalHost(h string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String()
	}
	parts := strings.Split(s, ".")
	if len(parts) == 4 {
		var quad [4]byte
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 255 || len(p) > 3 || p[0] == '+' || p[0] == '-' {
				return h
			}
			quad[i] = byte(n)
		}
		return netip.AddrFrom4(quad).String()
	}
	return h
}

func readTextLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// The "done when": hosts with --status and a time window equal an
// independent computation over a generated corpus, for -j 1 and -j 8.
func TestHostsStatusWindowMatchesReference(t *testing.T) {
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 1 << 20, Seed: 11, GzipLevel: 1})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		host   string
		at     time.Time
		status string
	}
	var all []line
	for _, path := range truth.Files {
		for _, l := range readTextLines(t, path) {
			m := refLineRE.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("%s: reference cannot read %q", filepath.Base(path), l)
			}
			at, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[2])
			if err != nil {
				t.Fatalf("%s: %q: %v", filepath.Base(path), l, err)
			}
			all = append(all, line{refCanonicalHost(m[1]), at, m[3]})
		}
	}
	slices.SortFunc(all, func(a, b line) int { return a.at.Compare(b.at) })
	since, until := all[len(all)/4].at, all[len(all)*3/4].at // instants, whatever the lines' offsets
	want := map[string]bool{}
	for _, l := range all {
		if (l.status == "404" || l.status[0] == '5') && !l.at.Before(since) && l.at.Before(until) {
			want[l.host] = true
		}
	}
	wantHosts := slices.Sorted(func(yield func(string) bool) {
		for h := range want {
			if !yield(h) {
				return
			}
		}
	})
	if len(wantHosts) < 10 {
		t.Fatalf("only %d reference hosts: the window or statuses select too little", len(wantHosts))
	}
	// --since in another offset than the lines, --until in UTC: both are instants.
	sinceFlag := since.In(time.FixedZone("", -5*3600)).Format(time.RFC3339)
	untilFlag := until.UTC().Format(time.RFC3339)
	var outputs []string
	for _, j := range []string{"1", "8"} {
		r := run(t, nil, "hosts", "-j", j, "--status", "404,5xx", "--since", sinceFlag, "--until", untilFlag, dir)
		if r.code != 0 {
			t.Fatalf("-j %s: exit %d, stderr %q", j, r.code, r.stderr)
		}
		got := strings.Fields(r.stdout)
		slices.Sort(got)
		if !slices.Equal(got, wantHosts) {
			t.Errorf("-j %s: %d hosts, reference %d; first difference: %s", j, len(got), len(wantHosts), firstDiff(got, wantHosts))
		}
		outputs = append(outputs, r.stdout)
	}
	if outputs[0] != outputs[1] {
		t.Errorf("-j 1 and -j 8 print different bytes")
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return "got " + got[i] + ", want " + want[i]
		}
	}
	return "one is a prefix of the other"
}

func TestFilterFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--status", "6xx"}, {"--status", "40"}, {"--host", "example.com"}, {"--path-regex", "("},
		{"--since", "tomorrow"}, {"--until", "-7x"}, {"--tz", "Mars/Olympus"}, {"--since", "2026-11-22", "--until", "2026-11-21"}, {"--user-agent-regex", "[z-a]"},
	} {
		r := run(t, nil, append(append([]string{"hosts"}, args...), "../../testdata/logs")...)
		if r.code != 2 || !strings.Contains(r.stderr, strings.TrimPrefix(args[0], "--")) && !strings.Contains(r.stderr, args[1]) {
			t.Errorf("hosts %q: exit %d, stderr %q; want 2 with a reason", args, r.code, r.stderr)
		}
	}
}

// -v names each file with its lines and the summary says what each filter
// dropped.
func TestVerboseReport(t *testing.T) {
	r := run(t, nil, "hosts", "-v", "--status", "200", "--path", "/robots.txt", "../../testdata/logs")
	for _, want := range []string{"file ../../testdata/logs/access.log.1: 7 lines (3 parsed), 0 malformed", "10 matched (dropped 1 by path, 4 by status), 3 malformed in 18 parsed lines"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
}

// With a filter that names text, -v says how many lines were parsed and
// what the sample found; --check-all-lines parses every line, and
// --max-malformed then counts exactly.
func TestCheckAllLines(t *testing.T) {
	const real = "../../testdata/realdata/apache_logs.gz"
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"hosts", "-v", "--path", "/robots.txt", real}, 0,
			"10000 lines (335 parsed), 0 malformed, 2370789 bytes"},
		{[]string{"hosts", "-v", "--path", "/robots.txt", real}, 0,
			"0 malformed in 335 parsed lines (≈0.0 % in a 1/64 sample of the other 9820)"},
		{[]string{"hosts", "-v", "--path", "/robots.txt", "--check-all-lines", real}, 0,
			"1 files, 10000 lines, 180 matched (dropped 9819 by path), 1 malformed: 121 hosts"},
		{[]string{"hosts", "--max-malformed", "0.00001", "--path", "/robots.txt", real}, 0, ""},
		{[]string{"hosts", "--max-malformed", "0.00001", "--path", "/robots.txt", "--check-all-lines", real}, 1,
			"1 of 10000 lines are malformed"},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("logmr %q: exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
}
