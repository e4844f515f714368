package loggen

import "strconv"

// lineForm is how a line ends after the bytes field.
type lineForm uint8

const (
	formCombined lineForm = iota // referer and user agent
	formCommon                   // ends right after %b: a valid line that has no referer or agent
	formExtra                    // combined plus trailing fields that a combined parser ignores
)

// entry is one line before it is written. Its strings alias the vocabulary and the host
// pool; req aliases lineGen.req. An entry lives for one line.
type entry struct {
	host     string // as written
	ident    string
	user     string
	sec      int64  // Unix seconds
	offset   int    // minutes east of UTC
	badStamp string // when set, written instead of the timestamp, brackets included
	req      []byte // the request line as written between the quotes
	status   string
	bytes    int64 // -1 is written as "-"
	referer  string
	agent    string
	form     lineForm
	extra    int64 // the number in formExtra's trailing fields
	crlf     bool
}

// marks are the offsets, within the buffer appendEntry appended to, of the brackets and quotes that delimit the
// fields, so that a malformed line can be cut inside one of them.
type marks struct {
	tsOpen, tsClose   int
	reqOpen, reqClose int
	refOpen, refClose int
	uaOpen, uaClose   int
}

// appendEntry writes e as a combined-format line, newline included, and records where the
// delimiters fell.
func (g *lineGen) appendEntry(b []byte, e *entry, m *marks) []byte {
	b = append(b, e.host...)
	b = append(b, ' ')
	b = append(b, e.ident...)
	b = append(b, ' ')
	b = append(b, e.user...)
	b = append(b, ' ')
	m.tsOpen = len(b)
	if e.badStamp != "" {
		b = append(b, e.badStamp...)
	} else {
		b = g.stamp.append(b, e.sec, e.offset)
	}
	m.tsClose = len(b) - 1
	b = append(b, ' ', '"')
	m.reqOpen = len(b) - 1
	b = append(b, e.req...)
	m.reqClose = len(b)
	b = append(b, '"', ' ')
	b = append(b, e.status...)
	b = append(b, ' ')
	if e.bytes < 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, e.bytes, 10)
	}
	if e.form != formCommon {
		b = append(b, ' ', '"')
		m.refOpen = len(b) - 1
		b = append(b, e.referer...)
		m.refClose = len(b)
		b = append(b, '"', ' ', '"')
		m.uaOpen = len(b) - 1
		b = append(b, e.agent...)
		m.uaClose = len(b)
		b = append(b, '"')
	}
	if e.form == formExtra {
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.extra, 10)
		b = append(b, ` "-"`...)
	}
	if e.crlf {
		b = append(b, '\r')
	}
	return append(b, '\n')
}
