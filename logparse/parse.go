package logparse

import (
	"bytes"
	"encoding/binary"
)

// A Parser parses lines of one Format. It owns the scratch buffer that
// unescaped fields live in, so it allocates nothing per line once warm.
// A Parser is not safe for concurrent use: use one per goroutine.
type Parser struct {
	format  *Format
	scratch []byte   // unescaped quoted fields; reset by every Parse
	skip    Fields   // fields the caller does not read (see Need)
	days    dayCache // the date of the last %t converted

	// The pieces of %{format}t a line has given, resolved after the line.
	clock, clockEnd       timeParts
	clockSet, clockEndSet bool

	structured structuredState // of a JSON or W3C format (detect_formats.go)
}

// NewParser returns a Parser for f.
func NewParser(f *Format) *Parser {
	return &Parser{format: f}
}

// Fields names groups of Record fields, for Parser.Need.
type Fields uint8

const (
	FieldTime      Fields = 1 << iota // Time, Nsec, Offset
	FieldRequest                      // Request, Method, Target, Protocol
	FieldReferer                      // Referer
	FieldUserAgent                    // UserAgent
	AllFields      = FieldTime | FieldRequest | FieldReferer | FieldUserAgent
)

// Need tells p that its caller reads only the fields in f of those Fields
// names (the others, Host and Status say, are always filled in). Parse
// still checks the whole line, so a line is malformed or not whatever f
// is, but it may leave the fields not in f zero, and save their work:
// converting the time, splitting the request, decoding escapes. A time
// given in pieces (%{format}t) is converted whatever f is. A new Parser
// needs AllFields.
func (p *Parser) Need(f Fields) { p.skip = AllFields &^ f }

// Format returns the format p parses.
func (p *Parser) Format() *Format { return p.format }

// Parse parses line into rec. The Record aliases line and p's scratch
// buffer: it is valid until the next Parse with p. A line that does not
// match the format returns a *SyntaxError saying which field failed; rec is
// then partly filled and must not be used.
func (p *Parser) Parse(line []byte, rec *Record) error {
	rec.reset()
	p.scratch = p.scratch[:0]
	if len(line) == 0 {
		return errEmpty
	}
	return p.format.parse(p, line, rec)
}

// parseCLF parses "%h %l %u %t \"%r\" %>s %b" and, when combined is set,
// the optional " \"%{Referer}i\" \"%{User-Agent}i\"" after it, in one pass
// from left to right. It runs on every line of most inputs, so it is one
// function: the fields that may be long and hold anything (host, request,
// referer, agent) end where bytes.IndexByte, which is vectorised, finds
// their delimiter; what is short or fixed is checked in place: "- - [" (no
// ident, no user) on most lines, the time stamp (validCLFStamp), the
// status and the size. A field the caller does not need (Need) is checked
// as much as a needed one, so that a line is malformed or not whatever is
// needed, but it is not converted, split or decoded.
func parseCLF(p *Parser, line []byte, rec *Record, combined bool) error {
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return errHost
	}
	rec.Host = dash(line[:i])
	rest := line[i+1:]
	if len(rest) >= 5 && binary.LittleEndian.Uint32(rest) == noIdentNoUser && rest[4] == '[' {
		rest = rest[5:] // Ident and User stay nil
	} else {
		var err error
		if rest, err = p.identUser(rest, rec); err != nil {
			return err
		}
	}

	if !validCLFStamp(rest) {
		return errTime
	}
	stamp := rest
	rest = rest[clfStampLen:]
	if len(rest) < 3 || rest[0] != ']' || rest[1] != ' ' {
		return errTime
	}
	if p.skip&FieldTime == 0 {
		rec.Time, rec.Offset = clfStampTime(stamp, &p.days)
	}
	rec.hasTime = true
	if rest[2] != '"' {
		return errRequest
	}

	s := rest[3:]
	end := closingQuoteFast(s)
	if end < 0 {
		return errRequestQuote
	}
	if end+1 < len(s) && s[end+1] != ' ' {
		return errAfterQuote
	}
	if p.skip&FieldRequest == 0 {
		rec.Request = dash(p.unescaped(s[:end]))
		splitRequest(rec)
	}
	rest = s[end+1:]

	// %>s: three digits or "-", then a space or the end.
	if len(rest) < 4 || rest[0] != ' ' {
		return errStatus
	}
	switch {
	case rest[1] == '-' && rest[2] == ' ':
		rest = rest[2:]
	case isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[3]) && (len(rest) == 4 || rest[4] == ' '):
		rec.Status = int(rest[1]-'0')*100 + int(rest[2]-'0')*10 + int(rest[3]-'0')
		rest = rest[4:]
	default:
		return errStatus
	}

	// %b: up to maxBytesDigits digits or "-", then a space or the end.
	if len(rest) < 2 || rest[0] != ' ' {
		return errBytes
	}
	if rest[1] == '-' && (len(rest) == 2 || rest[2] == ' ') {
		rest = rest[2:]
	} else {
		var size int64
		i = 1
		for ; i < len(rest) && i <= maxBytesDigits+1 && isDigit(rest[i]); i++ {
			size = size*10 + int64(rest[i]-'0')
		}
		if i == 1 || i > maxBytesDigits+1 || i < len(rest) && rest[i] != ' ' {
			return errBytes
		}
		rec.Bytes = size
		rest = rest[i:]
	}

	if !combined || len(rest) == 0 {
		return trailing(rest)
	}
	if len(rest) < 2 || rest[0] != ' ' || rest[1] != '"' {
		return errReferer
	}
	s = rest[2:]
	if len(s) >= 2 && s[0] == '-' && s[1] == '"' {
		end = 1 // "-", as referers mostly are
	} else if end = closingQuoteFast(s); end < 0 {
		return errRefererQuote
	}
	if end+1 < len(s) && s[end+1] != ' ' {
		return errAfterQuote
	}
	if p.skip&FieldReferer == 0 {
		rec.Referer = dash(p.unescaped(s[:end]))
	}
	rest = s[end+1:]

	if len(rest) < 2 || rest[0] != ' ' || rest[1] != '"' {
		return errAgent
	}
	s = rest[2:]
	if end = closingQuoteFast(s); end < 0 {
		return errAgentQuote
	}
	if end+1 < len(s) && s[end+1] != ' ' {
		return errAfterQuote
	}
	if p.skip&FieldUserAgent == 0 {
		rec.UserAgent = dash(p.unescaped(s[:end]))
	}
	rec.hasAgent = true
	return trailing(s[end+1:])
}

// noIdentNoUser is "- - " as a little-endian word: no ident and no user.
const noIdentNoUser = '-' | ' '<<8 | '-'<<16 | ' '<<24

func isDigit(c byte) bool { return c-'0' <= 9 }

// identUser parses "%l %u [" from the start of rest, the general case of
// parseCLF's "- - [", and returns what follows the '['.
func (p *Parser) identUser(rest []byte, rec *Record) ([]byte, error) {
	i := bytes.IndexByte(rest, ' ')
	if i < 0 {
		return nil, errIdent
	}
	rec.Ident = dash(rest[:i])
	rest = rest[i+1:]
	// %u may contain spaces: it runs up to the first '[', which opens the
	// time and must follow a space (a user with a '[' is not supported).
	if i = bytes.IndexByte(rest, '['); i < 0 {
		return nil, errTime
	}
	if i == 0 || rest[i-1] != ' ' {
		return nil, errUser
	}
	if !plausibleUser(rest[:i-1]) {
		return nil, errUser
	}
	rec.User = p.user(rest[:i-1])
	return rest[i+1:], nil
}

// trailing accepts the end of the line or a space and anything after it:
// servers append fields to standard formats.
func trailing(rest []byte) error {
	if len(rest) == 0 || rest[0] == ' ' {
		return nil
	}
	return errTrailing
}

// closingQuoteFast is closingQuote for the common case of a field with no
// escaped quote: one IndexByte. (Writing it out at its callers, so that
// there is no call, measured no faster.)
func closingQuoteFast(s []byte) int {
	end := bytes.IndexByte(s, '"')
	if end > 0 && s[end-1] == '\\' {
		return closingQuote(s) // an escaped quote: count backslashes
	}
	return end
}

// unescaped returns field with Apache's escapes decoded into p's scratch
// buffer, or field itself when it has none.
func (p *Parser) unescaped(field []byte) []byte {
	if bytes.IndexByte(field, '\\') < 0 {
		return field
	}
	start := len(p.scratch)
	p.scratch = appendUnescaped(p.scratch, field)
	return p.scratch[start:len(p.scratch):len(p.scratch)]
}

// escapedAt reports whether s[i] follows an odd run of backslashes.
func escapedAt(s []byte, i int) bool {
	n := 0
	for i > 0 && s[i-1] == '\\' {
		n++
		i--
	}
	return n%2 == 1
}

// maxBytesDigits keeps %b inside int64.
const maxBytesDigits = 18

// plausibleUser rejects a %u with spaces that holds a lone "-" word. A real
// user name with spaces ("John Smith") has none, but lines that are not
// common/combined do: a vhost prefix ("example.com:443 1.2.3.4 - - [") or a
// torn line glued to the next ("1.2.3.4 - 5.6.7.8 - - [") would otherwise
// parse with the wrong host.
func plausibleUser(u []byte) bool {
	if bytes.IndexByte(u, ' ') < 0 {
		return true
	}
	for _, word := range bytes.Split(u, space) {
		if len(word) == 1 && word[0] == '-' {
			return false
		}
	}
	return true
}

var space = []byte{' '}

// user returns %u as Apache means it: "-" is no user, "" (two quotes) an
// empty one, and escapes are decoded.
func (p *Parser) user(u []byte) []byte {
	switch {
	case len(u) == 1 && u[0] == '-':
		return nil
	case len(u) == 2 && u[0] == '"' && u[1] == '"':
		return u[:0]
	case bytes.IndexByte(u, '\\') >= 0:
		start := len(p.scratch)
		p.scratch = appendUnescaped(p.scratch, u)
		return p.scratch[start:len(p.scratch):len(p.scratch)]
	}
	return u
}

// dash maps a logged "-" to nil: the field is absent.
func dash(b []byte) []byte {
	if len(b) == 1 && b[0] == '-' {
		return nil
	}
	return b
}
