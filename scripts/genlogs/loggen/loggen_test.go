package loggen

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readText returns a file's text, decompressed when it is named .gz.
func readText(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(path) != ".gz" {
		return raw
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return text
}

// corpusLines returns the lines of all files, oldest first, without their newlines.
func corpusLines(t *testing.T, truth *Truth) []string {
	t.Helper()
	var lines []string
	for i := len(truth.Files) - 1; i >= 0; i-- {
		text := readText(t, truth.Files[i])
		if len(text) == 0 || text[len(text)-1] != '\n' {
			t.Fatalf("%s does not end with a newline", truth.Files[i])
		}
		lines = append(lines, strings.Split(string(text[:len(text)-1]), "\n")...)
	}
	return lines
}

func generate(t *testing.T, cfg Config) *Truth {
	t.Helper()
	cfg.Dir = t.TempDir()
	truth, err := Generate(cfg)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return truth
}

// edgeConfig is a 2 MiB corpus dense enough in robots.txt requests and malformed lines for
// every edge case to appear.
var edgeConfig = Config{Files: 2, BytesPerFile: 1 << 20, Seed: 42, MalformedFraction: 0.01, GzipLevel: 1, RobotsFraction: 0.01}

func TestDeterminism(t *testing.T) {
	cfg := Config{Files: 3, BytesPerFile: 200 << 10, Seed: 7, MalformedFraction: 0.002, GzipLevel: 1}
	a, b := generate(t, cfg), generate(t, cfg)
	cfg.Seed = 8
	c := generate(t, cfg)
	for i := range a.Files {
		fa, fb, fc := readFile(t, a.Files[i]), readFile(t, b.Files[i]), readFile(t, c.Files[i])
		if !bytes.Equal(fa, fb) {
			t.Errorf("%s differs between two runs with seed 7", filepath.Base(a.Files[i]))
		}
		if bytes.Equal(fa, fc) {
			t.Errorf("%s is the same with seeds 7 and 8", filepath.Base(a.Files[i]))
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSizesAndGzip(t *testing.T) {
	const per = 300 << 10
	truth := generate(t, Config{Files: 4, BytesPerFile: per, Seed: 1, GzipLevel: 6})
	want := []string{"access.log", "access.log.1", "access.log.2.gz", "access.log.3.gz"}
	var total int64
	for i, path := range truth.Files {
		if got := filepath.Base(path); got != want[i] {
			t.Errorf("Files[%d] = %q, want %q", i, got, want[i])
		}
		n := int64(len(readText(t, path)))
		if n < per || n > per+2048 {
			t.Errorf("%s has %d bytes of text, want %d to %d", want[i], n, per, per+2048)
		}
		total += n
		raw := readFile(t, path)
		if gz := bytes.HasPrefix(raw, []byte{0x1f, 0x8b}); gz != (i >= 2) {
			t.Errorf("%s: gzip magic = %v, want %v", want[i], gz, i >= 2)
		}
		if i >= 2 && (len(raw) < 4<<10 || len(raw) > per/3) {
			t.Errorf("%s is %d bytes compressed, want several KiB and well under %d", want[i], len(raw), per)
		}
	}
	if total != truth.UncompressedBytes {
		t.Errorf("UncompressedBytes = %d, want %d", truth.UncompressedBytes, total)
	}
}

// TestTruthMatchesReference reads the corpus with the reference parser and checks that it
// finds exactly the lines, malformed lines, robots.txt hosts and status tallies that
// Generate reported.
func TestTruthMatchesReference(t *testing.T) {
	truth := generate(t, edgeConfig)
	lines := corpusLines(t, truth)
	var malformed int64
	robots := map[string]bool{}
	statuses := map[string]Tally{}
	for _, line := range lines {
		r := parseRef(line)
		if r == nil {
			malformed++
			continue
		}
		n := statuses[r.status]
		n.Requests++
		if r.bytes != "-" {
			b, err := strconv.ParseInt(r.bytes, 10, 64)
			if err != nil {
				t.Fatalf("bytes %q: %v", r.bytes, err)
			}
			n.Bytes += b
		}
		statuses[r.status] = n
		if r.path() == "/robots.txt" {
			robots[canonicalHost(r.host)] = true
		}
	}
	if got := int64(len(lines)); got != truth.Lines {
		t.Errorf("reference parser read %d lines, Truth.Lines = %d", got, truth.Lines)
	}
	if malformed != truth.Malformed {
		t.Errorf("reference parser rejected %d lines, Truth.Malformed = %d", malformed, truth.Malformed)
	}
	if want := edgeConfig.MalformedFraction * float64(truth.Lines); float64(malformed) < 0.7*want || float64(malformed) > 1.3*want {
		t.Errorf("%d malformed lines of %d, want about %.0f", malformed, truth.Lines, want)
	}
	for h := range robots {
		if !truth.RobotsHosts[h] {
			t.Errorf("reference parser found robots.txt host %q, not in Truth.RobotsHosts", h)
		}
	}
	for h := range truth.RobotsHosts {
		if !robots[h] {
			t.Errorf("Truth.RobotsHosts has %q, reference parser did not find it", h)
		}
	}
	if len(statuses) < 5 {
		t.Errorf("reference parser found %d status codes, want several", len(statuses))
	}
	if !maps.Equal(statuses, truth.Statuses) {
		t.Errorf("reference parser's status tallies %v, Truth.Statuses %v", statuses, truth.Statuses)
	}
}

func TestRobotsHosts(t *testing.T) {
	truth := generate(t, edgeConfig)
	if len(truth.RobotsHosts) == 0 {
		t.Fatal("RobotsHosts is empty")
	}
	var ipv6, respelled string // a robots.txt host of each kind, as written
	for _, line := range corpusLines(t, truth) {
		r := parseRef(line)
		if r == nil || r.path() != "/robots.txt" {
			continue
		}
		canon := canonicalHost(r.host)
		if !truth.RobotsHosts[canon] {
			t.Errorf("RobotsHosts lacks %q, written %q", canon, r.host)
		}
		if strings.Contains(canon, ":") {
			ipv6 = r.host
		}
		if canon != r.host {
			respelled = r.host
		}
	}
	if ipv6 == "" {
		t.Error("no robots.txt request comes from an IPv6 host")
	}
	if respelled == "" {
		t.Error("no robots.txt request writes its host non-canonically")
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{Dir: t.TempDir(), Files: 1, BytesPerFile: 1}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no dir", func(c *Config) { c.Dir = "" }},
		{"no files", func(c *Config) { c.Files = 0 }},
		{"no bytes", func(c *Config) { c.BytesPerFile = 0 }},
		{"malformed 1", func(c *Config) { c.MalformedFraction = 1 }},
		{"malformed negative", func(c *Config) { c.MalformedFraction = -0.1 }},
		{"robots 1", func(c *Config) { c.RobotsFraction = 1 }},
		{"gzip 10", func(c *Config) { c.GzipLevel = 10 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			if _, err := Generate(cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("Generate(%+v) error = %v, want ErrConfig", cfg, err)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		index   int
		gzipped bool
		want    string
	}{
		{0, true, "access.log"}, {1, true, "access.log.1"}, {2, true, "access.log.2.gz"},
		{11, true, "access.log.11.gz"}, {2, false, "access.log.2"},
	}
	for _, tt := range tests {
		if got := FileName(tt.index, tt.gzipped); got != tt.want {
			t.Errorf("FileName(%d, %v) = %q, want %q", tt.index, tt.gzipped, got, tt.want)
		}
	}
}

func TestSortedRobotsHosts(t *testing.T) {
	truth := &Truth{RobotsHosts: map[string]bool{
		"crawl-1-2-3-4.googlebot.com": true, "2001:db8::1": true, "10.0.0.2": true,
		"9.255.0.1": true, "2001:db8::": true, "a.example": true,
	}}
	got := strings.Join(truth.SortedRobotsHosts(), " ")
	want := "9.255.0.1 10.0.0.2 2001:db8:: 2001:db8::1 a.example crawl-1-2-3-4.googlebot.com"
	if got != want {
		t.Errorf("SortedRobotsHosts() = %q, want %q", got, want)
	}
}
