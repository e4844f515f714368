package logparse

import "fmt"

// A Format is a log line layout that a Parser can parse.
type Format struct {
	// Name is the format's name as the command line takes it.
	Name string
	// LogFormat is the Apache LogFormat string the format parses.
	LogFormat string
	parse     func(p *Parser, line []byte, rec *Record) error
}

// The named formats.
var (
	// Common is Apache's common log format.
	Common = &Format{
		Name:      "common",
		LogFormat: `%h %l %u %t "%r" %>s %b`,
		parse: func(p *Parser, line []byte, rec *Record) error {
			return parseCLF(p, line, rec, false)
		},
	}
	// Combined is Apache's (and nginx's default) combined format. It also
	// accepts a common-format line: referer and user agent are then nil.
	Combined = &Format{
		Name:      "combined",
		LogFormat: `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`,
		parse: func(p *Parser, line []byte, rec *Record) error {
			return parseCLF(p, line, rec, true)
		},
	}
)

// AutoFormat is the format name that asks for detection per input (Detect).
const AutoFormat = "auto"

// LookupFormat returns the named format. "auto" returns nil, nil: the caller
// detects the format of each input with Detect.
func LookupFormat(name string) (*Format, error) {
	switch name {
	case AutoFormat, "":
		return nil, nil
	case Common.Name:
		return Common, nil
	case Combined.Name:
		return Combined, nil
	}
	return nil, fmt.Errorf("%w %q (want auto, common or combined)", ErrUnknownFormat, name)
}

// DetectLines is how many leading lines of an input Detect should be given.
const DetectLines = 64

// Detect picks the format of an input from its first lines. Combined wins
// when at least half of the lines common accepts carry a referer and a user
// agent; common wins otherwise (its lines end after %b or carry other fields
// there). With no parseable line at all it returns Combined, whose parser
// then counts each line as malformed.
func Detect(lines [][]byte) *Format {
	common, combined := NewParser(Common), NewParser(Combined)
	var rec Record
	commonOK, combinedFull := 0, 0
	for _, line := range lines {
		if common.Parse(line, &rec) != nil {
			continue
		}
		commonOK++
		if combined.Parse(line, &rec) == nil && rec.hasAgent {
			combinedFull++
		}
	}
	if commonOK > 0 && 2*combinedFull < commonOK {
		return Common
	}
	return Combined
}
