package filter

import (
	"errors"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
)

func parseLine(t *testing.T, f *logparse.Format, line string) *logparse.Record {
	t.Helper()
	var rec logparse.Record
	if err := logparse.NewParser(f).Parse([]byte(line), &rec); err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return &rec
}

func TestFilterMatch(t *testing.T) {
	const line = `[2001:DB8::7] - - [22/Nov/2026:06:30:00 +0100] "POST /wp-login.php?x=1 HTTP/1.1" 503 5 "https://evil.example/" "Mozilla/5.0 (bot)"`
	rec := parseLine(t, logparse.Combined, line)
	at := time.Date(2026, 11, 22, 5, 30, 0, 0, time.UTC) // the line's instant
	tests := []struct {
		name   string
		filter Filter
		want   bool
	}{
		{"empty", Filter{}, true},
		{"path", Filter{Paths: []string{"/a", "/wp-login.php"}}, true},
		{"path with query is not the path", Filter{Paths: []string{"/wp-login.php?x=1"}}, false},
		{"prefix", Filter{PathPrefixes: []string{"/wp-"}}, true},
		{"prefix miss", Filter{PathPrefixes: []string{"/admin"}}, false},
		{"path and prefix both", Filter{Paths: []string{"/wp-login.php"}, PathPrefixes: []string{"/admin"}}, false},
		{"regexp", Filter{PathRegexps: []string{`\.php$`}}, true},
		{"regexp unanchored", Filter{PathRegexps: []string{`login`}}, true},
		{"regexp miss", Filter{PathRegexps: []string{`^/login`}}, false},
		{"status code", Filter{Statuses: []string{"404", "503"}}, true},
		{"status class", Filter{Statuses: []string{"5xx"}}, true},
		{"status class upper", Filter{Statuses: []string{"5XX"}}, true},
		{"status miss", Filter{Statuses: []string{"4xx", "200"}}, false},
		{"method any case", Filter{Methods: []string{"get", "post"}}, true},
		{"method miss", Filter{Methods: []string{"GET"}}, false},
		{"since inclusive", Filter{Since: at}, true},
		{"since after", Filter{Since: at.Add(time.Second)}, false},
		{"until exclusive", Filter{Until: at}, false},
		{"until after", Filter{Until: at.Add(time.Nanosecond)}, true},
		{"window in another zone", Filter{Since: at.In(time.FixedZone("", -8*3600)), Until: at.Add(time.Hour)}, true},
		{"host address", Filter{Hosts: []string{"2001:db8::7"}}, true},
		{"host prefix", Filter{Hosts: []string{"192.0.2.0/24", "2001:db8::/32"}}, true},
		{"host miss", Filter{Hosts: []string{"2001:db9::/32"}}, false},
		{"user agent", Filter{UserAgentRegexps: []string{`(?i)BOT`}}, true},
		{"user agent miss", Filter{UserAgentRegexps: []string{`curl`}}, false},
		{"referer", Filter{RefererRegexps: []string{`evil\.example`}}, true},
		{"vhost absent", Filter{VHosts: []string{"www.example.com"}}, false},
		{"all together", Filter{Paths: []string{"/wp-login.php"}, Statuses: []string{"5xx"}, Methods: []string{"POST"},
			Since: at.Add(-time.Hour), Until: at.Add(time.Hour), Hosts: []string{"2001:db8::/32"}}, true},
	}
	for _, tc := range tests {
		m, err := tc.filter.Compile()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := m.Match(rec); got != tc.want {
			t.Errorf("%s: match = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFilterHostForms(t *testing.T) {
	m, err := Filter{Hosts: []string{"10.1.2.0/24", "::ffff:192.0.2.1"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"10.1.2.3": true, "010.001.002.099": true, "::ffff:10.1.2.3": true, "[10.1.2.3]": true,
		"192.0.2.1": true, "10.1.3.1": false, "example.com": false, "10.1.2.3:80": false, "fe80::1%eth0": false,
	} {
		rec := parseLine(t, logparse.Common, host+` - - [22/Nov/2026:06:30:00 +0000] "GET / HTTP/1.1" 200 5`)
		if got := m.Match(rec); got != want {
			t.Errorf("host %s: match = %v, want %v", host, got, want)
		}
	}
	vh, err := Filter{VHosts: []string{"WWW.Example.com"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	rec := parseLine(t, logparse.VHostCombined, `www.example.com:443 192.0.2.1 - - [22/Nov/2026:06:30:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-"`)
	if !vh.Match(rec) {
		t.Errorf("vhost www.example.com does not match WWW.Example.com")
	}
}

func TestFilterErrors(t *testing.T) {
	now := time.Now()
	for name, f := range map[string]Filter{
		"status 6xx":    {Statuses: []string{"6xx"}},
		"status 99":     {Statuses: []string{"99"}},
		"status word":   {Statuses: []string{"abc"}},
		"host name":     {Hosts: []string{"example.com"}},
		"host prefix":   {Hosts: []string{"10.0.0.0/33"}},
		"path regexp":   {PathRegexps: []string{"("}},
		"agent regexp":  {UserAgentRegexps: []string{"[z-a]"}},
		"empty window":  {Since: now, Until: now},
		"reversed":      {Since: now, Until: now.Add(-time.Hour)},
		"referer regex": {RefererRegexps: []string{`\`}},
		"method space":  {Methods: []string{"GE T"}},
		"method empty":  {Methods: []string{""}},
		"method slash":  {Methods: []string{"GET/1"}},
		"method quote":  {Methods: []string{`"GET"`}},
		"method UTF-8":  {Methods: []string{"GÉT"}},
	} {
		if err := f.Check(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Check() = %v, want ErrInvalidOptions", name, err)
		}
	}
}

// TestFilterMethodTokens: every RFC 9110 tchar is accepted in a method.
func TestFilterMethodTokens(t *testing.T) {
	for _, m := range []string{"GET", "post", "PROPFIND", "M-SEARCH", "X!#$%&'*+-.^_`|~9"} {
		if err := (Filter{Methods: []string{m}}).Check(); err != nil {
			t.Errorf("Filter{Methods: %q}.Check() = %v, want nil", m, err)
		}
	}
}

// Filters are evaluated per line: they must not allocate.
func TestFilterAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("under -race, sync.Pool drops regexp machines at random")
	}
	const line = `2001:db8::7 - - [22/Nov/2026:06:30:00 +0100] "POST /wp-login.php HTTP/1.1" 503 5 "https://evil.example/" "Mozilla/5.0 (bot)"`
	rec := parseLine(t, logparse.Combined, line)
	m, err := Filter{Paths: []string{"/wp-login.php"}, PathPrefixes: []string{"/wp"}, PathRegexps: []string{`\.php$`},
		Statuses: []string{"5xx"}, Methods: []string{"post"}, Since: time.Unix(0, 0), Until: time.Now(),
		Hosts: []string{"2001:db8::/32"}, UserAgentRegexps: []string{"bot"}, RefererRegexps: []string{"evil"}}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if !m.Match(rec) {
		t.Fatal("the filter does not match its line")
	}
	if n := testing.AllocsPerRun(100, func() { m.Match(rec) }); n != 0 {
		t.Errorf("match allocates %v times a line, want 0", n)
	}
}

// Time bounds far from today (beyond what UnixNano holds) still compare.
func TestFilterFarTimes(t *testing.T) {
	rec := parseLine(t, logparse.Common, `192.0.2.1 - - [22/Nov/2026:06:30:00 +0000] "GET / HTTP/1.1" 200 5`)
	m, err := Filter{Since: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}.Compile()
	if err != nil || !m.Match(rec) {
		t.Errorf("1600..3000 does not hold 2026: %v", err)
	}
}

// A refused value comes back as a *ValueError that says which field and
// which value, so that a caller can name its own flag; it still wraps
// ErrInvalidOptions.
func TestValueError(t *testing.T) {
	since := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		f            Filter
		field, value string
	}{
		{Filter{Methods: []string{"GE T"}}, "method", "GE T"},
		{Filter{PathRegexps: []string{"("}}, "path regexp", "("},
		{Filter{UserAgentRegexps: []string{"[a"}}, "user agent regexp", "[a"},
		{Filter{RefererRegexps: []string{"*"}}, "referer regexp", "*"},
		{Filter{Statuses: []string{"6xx"}}, "status", "6xx"},
		{Filter{Hosts: []string{"example.com"}}, "host", "example.com"},
		{Filter{Since: since, Until: since}, "window", ""},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			err := tc.f.Check()
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Field != tc.field || ve.Value != tc.value || ve.Reason == "" || !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("Check() = %#v, want a *ValueError of %s %q wrapping ErrInvalidOptions", err, tc.field, tc.value)
			}
		})
	}
}
