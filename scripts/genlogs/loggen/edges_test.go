package loggen

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// edgeCase is a kind of line that must appear in the edge corpus. r is nil for a line the
// reference parser rejects.
type edgeCase struct {
	name  string
	match func(line string, r *record) bool
}

func wellFormedRequest(req string) func(string, *record) bool {
	return func(_ string, r *record) bool { return r != nil && r.request == req }
}

func wellFormedPath(path string) func(string, *record) bool {
	return func(_ string, r *record) bool { return r != nil && r.path() == path }
}

func malformedMatching(re string) func(string, *record) bool {
	rx := regexp.MustCompile(re)
	return func(line string, r *record) bool { return r == nil && rx.MatchString(line) }
}

func wellFormedHost(re string) func(string, *record) bool {
	rx := regexp.MustCompile(re)
	return func(_ string, r *record) bool { return r != nil && rx.MatchString(r.host) }
}

var zeroPaddedRE = regexp.MustCompile(`^(\d{3}\.){3}\d{3}$`)

var edgeCases = []edgeCase{
	{"robots GET", wellFormedRequest("GET /robots.txt HTTP/1.1")},
	{"robots HEAD", wellFormedRequest("HEAD /robots.txt HTTP/1.0")},
	{"robots without protocol", wellFormedRequest("GET /robots.txt")},
	{"robots with query", wellFormedRequest("GET /robots.txt?v=2 HTTP/1.1")},
	{"robots.txt.bak", wellFormedPath("/robots.txt.bak")},
	{"Robots.txt", wellFormedPath("/Robots.txt")},
	{"robots.txt/x", wellFormedPath("/robots.txt/x")},
	{"foo/robots.txt", wellFormedPath("/foo/robots.txt")},
	{"robots referer", func(_ string, r *record) bool { return r != nil && strings.Contains(r.referer, "/robots.txt") }},
	{"robots agent", func(_ string, r *record) bool { return r != nil && strings.Contains(r.agent, " /robots.txt ") }},
	{"raw space target", wellFormedRequest("GET /annual report.pdf HTTP/1.1")},
	{"no request", wellFormedRequest("-")},
	{"TLS junk", func(_ string, r *record) bool {
		return r != nil && strings.HasPrefix(r.request, `\x16\x03\x01`) && r.status == "400"
	}},
	{"CRLF", func(line string, r *record) bool { return r != nil && strings.HasSuffix(line, "\r") }},
	{"extra fields", func(_ string, r *record) bool { return r != nil && r.extra }},
	{"common format", func(_ string, r *record) bool { return r != nil && !r.hasReferer }},
	{`agent with \"`, func(_ string, r *record) bool { return r != nil && strings.Contains(r.agent, `\"`) }},
	{`agent with \\`, func(_ string, r *record) bool { return r != nil && strings.Contains(r.agent, `\\`) }},
	{"user name", func(_ string, r *record) bool { return r != nil && r.user != "-" }},
	{"ident", func(_ string, r *record) bool { return r != nil && r.ident != "-" }},
	{"POST", func(_ string, r *record) bool { return r != nil && strings.HasPrefix(r.request, "POST ") }},
	{"bytes -", func(_ string, r *record) bool { return r != nil && r.bytes == "-" }},
	{"status 500", func(_ string, r *record) bool { return r != nil && r.status == "500" }},
	{"host ::ffff:", wellFormedHost(`^::(ffff|FFFF):\d+\.\d+\.\d+\.\d+$`)},
	{"host zero-padded", func(_ string, r *record) bool {
		return r != nil && zeroPaddedRE.MatchString(r.host) && strings.Contains("."+r.host, ".0")
	}},
	{"host IPv6", wellFormedHost(`^[0-9a-f:]+:[0-9a-f:]+$`)},
	{"host IPv6 upper", wellFormedHost(`^\[?[0-9A-F:]*[A-F][0-9A-F:]*\]?$`)},
	{"host IPv6 expanded", wellFormedHost(`^\[?([0-9a-fA-F]{4}:){7}[0-9a-fA-F]{4}\]?$`)},
	{"host IPv6 bracketed", wellFormedHost(`^\[.*\]$`)},
	{"hostname", wellFormedHost(`[a-z]{2,}\.(com|net|de)$`)},
	{"truncated robots", malformedMatching(`^\S+ \S+ \S+ \[[^\]]+\] "GET /robots\.txt HTTP/1\.1" \d+ \S+ "[^"]*"( "[^"]*)?$`)},
	{"truncated timestamp", malformedMatching(`^\S+ \S+ \S+ \[[^\]"]*$`)},
	{"bad timestamp", malformedMatching(`\[\d\d/(Foo|Xyz|Nvm)/`)},
	{"bad status", malformedMatching(`" (2O0|4O4|20x|OK) `)},
	{"missing ]", malformedMatching(`\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4} "`)},
	{"garbage", malformedMatching(`^[!-~]{10,}$`)},
	{"spaces", malformedMatching(`^ +$`)},
}

func TestEdgeCasesPresent(t *testing.T) {
	truth := generate(t, edgeConfig)
	lines := corpusLines(t, truth)
	records := make([]*record, len(lines))
	for i, line := range lines {
		if line == "" {
			t.Fatalf("line %d is empty", i+1)
		}
		records[i] = parseRef(line)
	}
	for _, c := range edgeCases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			for i, line := range lines {
				if c.match(line, records[i]) {
					n++
				}
			}
			t.Logf("%d lines", n)
			if n < 2 {
				t.Errorf("%d lines of %d are %s, want at least 2", n, len(lines), c.name)
			}
		})
	}
}

func TestMalformedRobotsShare(t *testing.T) {
	truth := generate(t, edgeConfig)
	var malformed, robots int
	for _, line := range corpusLines(t, truth) {
		if parseRef(line) == nil {
			malformed++
			if strings.Contains(line, "/robots.txt") {
				robots++
			}
		}
	}
	if share := float64(robots) / float64(malformed); share < 0.2 || share > 0.5 {
		t.Errorf("%d of %d malformed lines mention /robots.txt (%.2f), want about a third", robots, malformed, share)
	}
}

// TestTimestamps checks that time advances through the corpus, oldest file first, and that
// lines use several UTC offsets.
func TestTimestamps(t *testing.T) {
	truth := generate(t, Config{Files: 4, BytesPerFile: 64 << 10, Seed: 3})
	var last time.Time
	offsets := map[int]bool{}
	for _, line := range corpusLines(t, truth) {
		r := parseRef(line)
		if r == nil {
			continue
		}
		if r.time.Before(last) {
			t.Fatalf("%v follows %v: %q", r.time, last, line)
		}
		last = r.time
		_, off := r.time.Zone()
		offsets[off] = true
	}
	if len(offsets) < 3 {
		t.Errorf("lines use %d UTC offsets, want several", len(offsets))
	}
}
