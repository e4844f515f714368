package logparse

import (
	"bytes"
	"time"
)

// A Record is one parsed access-log line. Text fields alias the parsed line
// or the Parser's scratch buffer: they are valid until the next Parse with
// the same Parser. A field the line logs as "-", or that its format does not
// have, is nil (text) or -1 (numbers); an empty quoted field ("") is a
// non-nil empty slice.
//
// The typed members are what queries use. Every directive of the format,
// these included, is listed by Format.Fields and read with AppendValue.
type Record struct {
	Host  []byte // %h as logged (%a when the format has no %h); see AppendCanonicalHost
	Ident []byte // %l
	User  []byte // %u, may contain spaces

	Time   int64 // %t as Unix seconds; see HasTime
	Nsec   int32 // sub-second part of Time, from %{msec_frac}t and the like
	Offset int32 // %t's UTC offset in seconds east, as logged

	Request  []byte // %r, the whole request line, unescaped
	Method   []byte // empty unless Request is METHOD SP TARGET [SP PROTOCOL]; or %m
	Target   []byte // the request target as logged, query string included; or %U%q
	Protocol []byte // "HTTP/1.1"; nil when the request line has none; or %H

	Status int   // %>s (or %s), -1 when absent
	Bytes  int64 // %b or %B, else %O; -1 when logged as "-" (which Apache means as 0)

	Referer   []byte // %{Referer}i, nil in common-format lines
	UserAgent []byte // %{User-Agent}i, nil in common-format lines

	VHost    []byte // %v, else %V
	Port     int    // %p, else %{local}p; -1 when absent
	Duration int64  // %D, %T or %{UNIT}T in microseconds, -1 when absent

	hasTime    bool
	hasEndTime bool // %{end:...}t
	endTime    int64
	endNsec    int32
	endOffset  int32

	extra [][]byte // the values of directives without a typed member

	hasAgent bool // the line carried the referer and agent fields, even as "-"
}

// HasTime reports whether the line logged a time.
func (r *Record) HasTime() bool { return r.hasTime }

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
	return time.Unix(r.Time, int64(r.Nsec)).In(time.FixedZone("", int(r.Offset)))
}

// reset clears r for the next line, keeping the storage of extra values.
// It zeroes r in place and then sets what is not zero: a composite
// literal with values would be built on the stack and copied, twice the
// stores on every line.
func (r *Record) reset() {
	extra := r.extra[:0]
	*r = Record{}
	r.Status, r.Bytes, r.Port, r.Duration, r.extra = -1, -1, -1, -1, extra
}

// growExtra gives r n nil extra values.
func (r *Record) growExtra(n int) {
	if cap(r.extra) < n {
		r.extra = make([][]byte, n)
		return
	}
	r.extra = r.extra[:n]
	clear(r.extra)
}
