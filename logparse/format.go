package logparse

import (
	"fmt"
	"strings"
)

// A Format is a log line layout that a Parser can parse: a named format, a
// compiled LogFormat string (Compile) or nginx log_format (CompileNginx). A Format is immutable and safe for
// concurrent use; each goroutine needs its own Parser.
type Format struct {
	// Name is the format's name as the command line takes it; for a
	// compiled string, the string itself.
	Name string
	// LogFormat is the Apache LogFormat string the format parses; for an
	// nginx format, the log_format as given. Its fields' Directive is then
	// the variable ("$remote_addr").
	LogFormat string

	parse  func(p *Parser, line []byte, rec *Record) error
	fields []Field

	// The compiled parser (build.go, exec.go).
	steps        []step
	tail         string // literal text after the last directive
	errTail      *SyntaxError
	errClock     *SyntaxError // the pieces of %{format}t make no valid time
	errClockEnd  *SyntaxError // likewise for the end: pieces
	nExtra       int          // len(Record.extra)
	urlPath      int          // extra index of the %U the target is derived from, or -1
	query        int          // extra index of %q, or -1
	optionalFrom int          // step at which a line may end (a common line in combined), or -1
	hasTime      bool         // a %t or %{format}t fills Record.Time
	pieces       bool         // some %{format}t: the clocks are resolved after the line
	dateless     [2]bool      // the pieces of the clock (begin, end) never give a date: its time is null

	structured *structuredFormat // a JSON or W3C format (detect_formats.go); nil for a LogFormat
}

// Fields returns the values a line of f yields, in format order. The
// caller must not modify the slice.
func (f *Format) Fields() []Field { return f.fields }

func (f *Format) String() string { return f.Name }

// The named formats, as Apache's default httpd.conf and nginx define them.
var (
	// Common is Apache's common log format.
	Common = named("common", `%h %l %u %t "%r" %>s %b`, func(p *Parser, line []byte, rec *Record) error {
		return parseCLF(p, line, rec, false)
	})
	// Combined is Apache's combined format. It also accepts a common-format
	// line: referer and user agent are then nil.
	Combined = named("combined", `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, func(p *Parser, line []byte, rec *Record) error {
		return parseCLF(p, line, rec, true)
	})
	// VHostCombined is combined with the virtual host and port in front.
	VHostCombined = named("vhost_combined", `%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`, nil)
	// CombinedIO is combined with the bytes received and sent (mod_logio).
	CombinedIO = named("combinedio", `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %I %O`, nil)
	// Referer is Apache's referer log: the referring page and the path.
	Referer = named("referer", `%{Referer}i -> %U`, nil)
	// Agent is Apache's agent log: the user agent alone.
	Agent = named("agent", `%{User-Agent}i`, nil)
	// NginxCombined is nginx's default access-log format, "combined":
	// $remote_addr - $remote_user [$time_local] "$request" $status
	// $body_bytes_sent "$http_referer" "$http_user_agent".
	NginxCombined = named("nginx_combined", `%h - %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, nil)
)

// namedFormats is what LookupFormat knows, in the order help text lists them.
var namedFormats = []*Format{Common, Combined, VHostCombined, CombinedIO, Referer, Agent, NginxCombined}

// named compiles a named format's LogFormat; parse, when set, is a
// hand-written parser the compiled one is held to in the tests.
func named(name, logFormat string, parse func(p *Parser, line []byte, rec *Record) error) *Format {
	f, err := Compile(logFormat)
	if err != nil {
		panic("logparse: named format " + name + ": " + err.Error())
	}
	f.Name = name
	if parse != nil {
		f.parse = parse
	}
	return f
}

// AutoFormat is the format name that asks for detection per input (Detect).
const AutoFormat = "auto"

// LookupFormat returns the named format, or compiles s when it holds a
// %-directive (a LogFormat string, or a pasted httpd.conf LogFormat line)
// or is an nginx log_format (CompileNginx: $variables, or a pasted
// log_format directive).
// "auto" returns nil, nil: the caller detects the format of each input with
// Detect. An invalid LogFormat string returns a *FormatError.
func LookupFormat(s string) (*Format, error) {
	switch s {
	case AutoFormat, "":
		return nil, nil
	case "nginx":
		return NginxCombined, nil
	}
	if f, ok, err := lookupStructured(s); ok {
		return f, err
	}
	for _, f := range namedFormats {
		if f.Name == s {
			return f, nil
		}
	}
	if _, _, ok := logDirectiveName(s); ok {
		// A pasted httpd.conf line, whatever its file's name holds
		// (Debian's ${APACHE_LOG_DIR} is no nginx variable).
		nickname := customLogNickname(s)
		for _, f := range namedFormats {
			if f.Name == nickname {
				return f, nil
			}
		}
		return Compile(s)
	}
	if looksNginx(s) {
		return CompileNginx(s)
	}
	if strings.Contains(s, "%") {
		return Compile(s)
	}
	names := make([]string, len(namedFormats))
	for i, f := range namedFormats {
		names[i] = f.Name
	}
	names = append(names, structuredNames()...)
	return nil, fmt.Errorf("%w %q (want auto, %s, a LogFormat string such as '%%h %%l %%u %%t \"%%r\" %%>s %%b' "+
		"or an nginx log_format such as '$remote_addr [$time_local] \"$request\" $status')",
		ErrUnknownFormat, s, strings.Join(names, ", "))
}
