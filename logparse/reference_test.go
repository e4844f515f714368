package logparse

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// This file holds refParse, a slow parser written straight from the policy
// in doc.go with regexp, time.Parse and strconv, and a differential test
// that holds Parse to it, as net/netip holds ParseAddr to parseIPSlow.

// refQuoted is a quoted field: any byte but '"' and '\', or '\' and any byte.
const refQuoted = `"((?:[^"\\]|\\.)*)"`

// refHead is %h %l %u [%t] "%r" %>s %b. %l may be empty; %u may hold spaces
// and runs up to the first '[', which must follow a space.
const refHead = `(?s)^([^ ]+) ([^ ]*) ([^\[]*) \[([^\]]*)\] ` + refQuoted + ` ([^ ]+) ([^ ]+)`

var (
	// Text after the last field is allowed after a space; combined's
	// referer and agent may be missing together.
	refCommonRE   = regexp.MustCompile(refHead + `(?: .*)?$`)
	refCombinedRE = regexp.MustCompile(refHead + `(?: ` + refQuoted + ` ` + refQuoted + `(?: .*)?)?$`)

	// refTimeRE is %t as Apache writes it: fixed widths, month names in
	// title case (time.Parse alone takes "nov" and a one-digit hour).
	refTimeRE = regexp.MustCompile(`^[0-9]{2}/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/[0-9]{4}:[0-9]{2}:[0-9]{2}:([0-9]{2}) [+-]([0-9]{2})([0-9]{2})$`)

	refStatusRE = regexp.MustCompile(`^(?:-|[0-9]{3})$`)
	refBytesRE  = regexp.MustCompile(`^(?:-|[0-9]{1,18})$`) // 18 digits always fit an int64
	refEscapeRE = regexp.MustCompile(`\\(?:["\\ntrbv]|x[0-9a-fA-F]{2})`)
	refMethodRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") // RFC 9110 token
)

// refParse parses line as Common (combined false) or Combined and reports
// whether the line is well formed.
func refParse(line []byte, combined bool) (rec Record, ok bool) {
	re := refCommonRE
	if combined {
		re = refCombinedRE
	}
	m := re.FindSubmatchIndex(line)
	if m == nil {
		return Record{}, false
	}
	group := func(i int) string { return string(line[m[2*i]:m[2*i+1]]) }
	status, size := group(6), group(7)
	if !refStatusRE.MatchString(status) || !refBytesRE.MatchString(size) {
		return Record{}, false
	}
	rec.Time, rec.Offset, ok = refTime(group(4))
	if !ok {
		return Record{}, false
	}
	// A user of several words never has "-" as one of them: such lines are
	// vhost-prefixed or torn, and their host would be wrong.
	if user := group(3); strings.Contains(user, " ") && slices.Contains(strings.Split(user, " "), "-") {
		return Record{}, false
	}
	rec.Host, rec.Ident, rec.User = refDash(group(1)), refDash(group(2)), refDash(refUnescape(group(3)))
	if group(3) == `""` { // Apache's empty user
		rec.User = []byte{}
	}
	rec.Request = refDash(refUnescape(group(5)))
	refSplitRequest(&rec)
	rec.Status, rec.Bytes = -1, -1
	var err error
	if status != "-" {
		if rec.Status, err = strconv.Atoi(status); err != nil {
			panic(err) // refStatusRE let through a non-number
		}
	}
	if size != "-" {
		if rec.Bytes, err = strconv.ParseInt(size, 10, 64); err != nil {
			panic(err)
		}
	}
	if combined && m[2*8] >= 0 {
		rec.Referer = refDash(refUnescape(group(8)))
		rec.UserAgent = refDash(refUnescape(group(9)))
	}
	return rec, true
}

// refTime parses %t with time.Parse. Two rules are the parser's own on top
// of time.Parse: an offset is at most 23:59 (time.Parse takes 24:60), and
// a leap second :60 is accepted and counts as the next minute's :00, since
// Unix time has no leap seconds (time.Parse rejects it).
func refTime(s string) (unix int64, offset int32, ok bool) {
	m := refTimeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	offH, err1 := strconv.Atoi(m[2])
	offM, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil || offH > 23 || offM > 59 {
		return 0, 0, false
	}
	leap := m[1] == "60"
	if leap {
		s = s[:18] + "59" + s[20:]
	}
	t, err := time.Parse(clfLayout, s)
	if err != nil {
		return 0, 0, false
	}
	_, off := t.Zone()
	unix = t.Unix()
	if leap {
		unix++
	}
	return unix, int32(off), true
}

// refUnescape decodes Apache's \" \\ \n \t \r \b \v \xHH; other backslashes stay.
func refUnescape(s string) string {
	return refEscapeRE.ReplaceAllStringFunc(s, func(e string) string {
		switch e[1] {
		case 'n':
			return "\n"
		case 't':
			return "\t"
		case 'r':
			return "\r"
		case 'b':
			return "\b"
		case 'v':
			return "\v"
		case 'x':
			v, err := strconv.ParseUint(e[2:], 16, 8)
			if err != nil {
				panic(err)
			}
			return string([]byte{byte(v)})
		}
		return e[1:]
	})
}

// refSplitRequest sets Method, Target and Protocol from "METHOD SP TARGET
// [SP PROTOCOL]", the protocol being a last token that starts "HTTP/".
func refSplitRequest(rec *Record) {
	method, rest, ok := strings.Cut(string(rec.Request), " ")
	if !ok || !refMethodRE.MatchString(method) {
		return
	}
	target, proto := rest, ""
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
		target, proto = rest[:i], rest[i+1:]
	}
	if target == "" {
		return
	}
	rec.Method, rec.Target = []byte(method), []byte(target)
	if proto != "" {
		rec.Protocol = []byte(proto)
	}
}

// refDash maps "-" to nil and anything else, "" included, to a non-nil slice.
func refDash(s string) []byte {
	if s == "-" {
		return nil
	}
	return append([]byte{}, s...)
}

// checkAgainstRef parses line with p and with refParse and reports every
// disagreement. It returns what p parsed, valid until p's next Parse.
func checkAgainstRef(t *testing.T, p *Parser, where string, line []byte) (rec Record, err error) {
	t.Helper()
	err = p.Parse(line, &rec)
	want, ok := refParse(line, p.Format() == Combined)
	switch {
	case err != nil && ok:
		t.Errorf("%s: %s Parse(%q) = %v, reference parses it", where, p.Format().Name, line, err)
	case err == nil && !ok:
		t.Errorf("%s: %s Parse(%q) = nil error, reference rejects it", where, p.Format().Name, line)
	case err == nil:
		for _, d := range diffRecord(&rec, &want) {
			t.Errorf("%s: %s Parse(%q).%s", where, p.Format().Name, line, d)
		}
	}
	return rec, err
}

func TestParseMatchesReference(t *testing.T) {
	parsers := []*Parser{NewParser(Common), NewParser(Combined)}
	// The compiled parsers of the same LogFormat strings must agree with
	// the hand-written ones on every line, well formed or not.
	compiled := []*Parser{NewParser(mustCompile(t, Common.LogFormat)), NewParser(mustCompile(t, Combined.LogFormat))}
	check := func(t *testing.T, name string, lines [][]byte) (malformed []int) {
		for i, line := range lines {
			where := name + ":" + strconv.Itoa(i+1)
			for j, p := range parsers {
				rec, err := checkAgainstRef(t, p, where, line)
				checkCompiled(t, compiled[j], where, line, &rec, err)
				if j == 1 && err != nil {
					malformed = append(malformed, i+1)
				}
			}
		}
		return malformed
	}
	t.Run("apache_logs", func(t *testing.T) {
		lines := readLines(t, realLogs)
		bad := check(t, "apache_logs", lines)
		if len(lines) != 10000 || len(bad) != 1 || bad[0] != 8899 {
			t.Errorf("apache_logs: %d lines, combined-malformed lines %v; want 10000 lines, [8899]", len(lines), bad)
		}
	})
	t.Run("vhost_combined", func(t *testing.T) {
		check(t, "vhost_combined", readLines(t, vhostLog))
	})
	t.Run("rotated", func(t *testing.T) {
		for _, path := range rotatedLogFiles(t) {
			bad := check(t, filepath.Base(path), readLines(t, path))
			if filepath.Base(path) == "access.log" && !slices.Equal(bad, []int{5, 6, 7, 8}) {
				t.Errorf("access.log: combined-malformed lines %v, want [5 6 7 8]", bad)
			}
		}
	})
	t.Run("generated", func(t *testing.T) {
		truth, err := loggen.Generate(loggen.Config{
			Dir: t.TempDir(), Files: 2, BytesPerFile: 1 << 20, Seed: 7,
			MalformedFraction: 0.01, RobotsFraction: 0.01, GzipLevel: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		var lines, malformed int64
		for _, path := range truth.Files {
			ls := readLines(t, path)
			lines += int64(len(ls))
			malformed += int64(len(check(t, filepath.Base(path), ls)))
		}
		if lines != truth.Lines || malformed != truth.Malformed {
			t.Errorf("generated: %d lines, %d malformed; want %d, %d", lines, malformed, truth.Lines, truth.Malformed)
		}
	})
}

func mustCompile(tb testing.TB, logFormat string) *Format {
	tb.Helper()
	f, err := Compile(logFormat)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// checkCompiled parses line with the compiled parser p and reports where it
// disagrees with want and wantErr, what the hand-written parser made of it.
func checkCompiled(t *testing.T, p *Parser, where string, line []byte, want *Record, wantErr error) {
	t.Helper()
	var rec Record
	err := p.Parse(line, &rec)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Errorf("%s: compiled %q Parse(%q) = %v, hand-written: %v", where, p.Format().LogFormat, line, err, wantErr)
	case err == nil:
		for _, d := range diffRecord(&rec, want) {
			t.Errorf("%s: compiled %q Parse(%q).%s", where, p.Format().LogFormat, line, d)
		}
	}
}
