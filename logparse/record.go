package logparse

import (
	"bytes"
	"time"
)

// A Record is one parsed access-log line. Text fields alias the parsed line
// or the Parser's scratch buffer: they are valid until the next Parse with
// the same Parser. A field the line logs as "-" is nil (text) or -1 (numbers);
// an empty quoted field ("") is a non-nil empty slice.
type Record struct {
	Host  []byte // %h as logged; see CanonicalHost
	Ident []byte // %l
	User  []byte // %u, may contain spaces

	Time   int64 // %t as Unix seconds
	Offset int32 // %t's UTC offset in seconds east, as logged

	Request  []byte // %r, the whole request line, unescaped
	Method   []byte // empty unless Request is METHOD SP TARGET [SP PROTOCOL]
	Target   []byte // the request target as logged, query string included
	Protocol []byte // "HTTP/1.1"; nil when the request line has none

	Status int   // %>s, -1 when absent
	Bytes  int64 // %b, -1 when logged as "-" (which Apache means as 0)

	Referer   []byte // %{Referer}i, nil in common-format lines
	UserAgent []byte // %{User-Agent}i, nil in common-format lines

	hasAgent bool // the line carried the referer and agent fields, even as "-"
}

// Path returns the target up to its query string: what path filters compare.
func (r *Record) Path() []byte {
	if i := bytes.IndexByte(r.Target, '?'); i >= 0 {
		return r.Target[:i]
	}
	return r.Target
}

// Timestamp returns the record's time in the offset it was logged with.
// It allocates a time.Location; hot loops should use Time and Offset.
func (r *Record) Timestamp() time.Time {
	return time.Unix(r.Time, 0).In(time.FixedZone("", int(r.Offset)))
}

// reset clears r for the next line without dropping anything it could reuse.
func (r *Record) reset() {
	*r = Record{Status: -1, Bytes: -1}
}
