package logparse

import (
	"bytes"
	"errors"
)

// W3C is the W3C extended log format, as IIS and some CDNs write it: a
// header of directives ("#Software:", "#Version:", "#Date:", "#Fields:")
// and lines of space- (or tab-) separated values in the order the last
// "#Fields:" named. A Parser of W3C keeps that order, so a file's fields
// may change midway; a line before any "#Fields:" is malformed. Directive
// lines are not records: Parse returns ErrNotRecord for them.
//
// date and time are UTC. time-taken is read as milliseconds when it is an
// integer (IIS) and as seconds when it has a fraction (CloudFront, and
// the W3C draft); "+" in cs(User-Agent) stands for a space, as IIS writes
// it; cs-uri-stem and cs-uri-query make the target.
var W3C = newW3CFormat()

// ErrNotRecord is returned by Parse for a line that belongs to its format
// but holds no record: a directive of a W3C log ("#Fields: ..."). Readers
// count such a line as read and neither well-formed nor malformed.
var ErrNotRecord = errors.New("not a record: a format directive")

// The syntax errors of W3C lines.
var (
	errW3CNoFields = syntaxErr("line", "no #Fields directive before it")
	errW3CCount    = syntaxErr("line", "not as many values as #Fields names")
	errW3CDate     = syntaxErr("time", "date or time not YYYY-MM-DD and HH:MM:SS")
	errW3CStatus   = syntaxErr("status", "not a number from 0 to 999")
	errW3CBytes    = syntaxErr("bytes", "not a non-negative integer")
	errW3CPort     = syntaxErr("port", "not a number from 0 to 65535")
	errW3CTaken    = syntaxErr("duration", "time-taken not a non-negative number")
)

// w3cColumn is what one #Fields name holds.
type w3cColumn uint8

const (
	wcIgnored w3cColumn = iota
	wcDate
	wcTime
	wcClientIP
	wcUser
	wcMethod
	wcStem
	wcQuery
	wcURI
	wcVersion
	wcStatus
	wcBytes
	wcBytesIn
	wcTaken
	wcHost
	wcPort
	wcAgent
	wcReferer
	wcServerIP
)

// w3cNames maps the field identifiers of the W3C draft and IIS's list
// (case-insensitive in the draft; written as IIS does) to columns.
var w3cNames = map[string]w3cColumn{
	"date": wcDate, "time": wcTime, "c-ip": wcClientIP, "cs-username": wcUser,
	"cs-method": wcMethod, "cs-uri-stem": wcStem, "cs-uri-query": wcQuery, "cs-uri": wcURI,
	"cs-version": wcVersion, "sc-status": wcStatus, "sc-bytes": wcBytes, "cs-bytes": wcBytesIn,
	"time-taken": wcTaken, "cs-host": wcHost, "cs(host)": wcHost, "x-host-header": wcHost, "s-port": wcPort,
	"cs(user-agent)": wcAgent, "cs(referer)": wcReferer, "cs(referrer)": wcReferer, "s-ip": wcServerIP,
}

// The extra values of a W3C record.
const (
	w3cExtraBytesIn = iota
	w3cExtraServerIP
	w3cExtras
)

func newW3CFormat() *Format {
	f := &Format{Name: "w3c", parse: parseW3C, hasTime: true, nExtra: w3cExtras}
	f.fields = []Field{
		{Name: "host", Type: TypeString, Directive: "c-ip", slot: slotHost},
		{Name: "user", Type: TypeString, Directive: "cs-username", slot: slotUser},
		{Name: "time", Type: TypeTime, Directive: "date time", slot: slotTime},
		{Name: "method", Type: TypeString, Directive: "cs-method", slot: slotMethod},
		{Name: "target", Type: TypeString, Directive: "cs-uri-stem cs-uri-query", slot: slotTarget},
		{Name: "protocol", Type: TypeString, Directive: "cs-version", slot: slotProtocol},
		{Name: "status", Type: TypeInt, Directive: "sc-status", slot: slotStatus},
		{Name: "bytes", Type: TypeInt, Directive: "sc-bytes", slot: slotBytes},
		{Name: "referer", Type: TypeString, Directive: "cs(Referer)", slot: slotReferer},
		{Name: "user_agent", Type: TypeString, Directive: "cs(User-Agent)", slot: slotUserAgent},
		{Name: "vhost", Type: TypeString, Directive: "cs-host", slot: slotVHost},
		{Name: "port", Type: TypeInt, Directive: "s-port", slot: slotPort},
		{Name: "duration_us", Type: TypeInt, Directive: "time-taken", slot: slotDuration, unit: 1},
		{Name: "bytes_in", Type: TypeInt, Directive: "cs-bytes", slot: slotExtra + w3cExtraBytesIn},
		{Name: "server_ip", Type: TypeString, Directive: "s-ip", slot: slotExtra + w3cExtraServerIP},
	}
	f.structured = &structuredFormat{stateful: true, everyLine: true}
	return f
}

// w3cState is what a W3C Parser remembers between lines.
type w3cState struct {
	columns []w3cColumn // of the last #Fields; nil: none yet
	fields  bool        // a #Fields was seen
	date    []byte      // of the last #Date, for a log without a date field
	dayOf   [10]byte    // the last date converted, and its day number
	day     int64
	dayOK   bool
}

// parseW3C parses a line of a W3C log, or takes in a directive.
func parseW3C(p *Parser, line []byte, rec *Record) error {
	st := &p.structured.w3c
	line = line[bomLen(line):]
	if len(line) > 0 && line[0] == '#' {
		st.directive(line)
		return ErrNotRecord
	}
	if len(line) == 0 {
		return errEmpty // a byte order mark alone
	}
	if !st.fields {
		return errW3CNoFields
	}
	rec.growExtra(w3cExtras)
	sep := byte(' ')
	if bytes.IndexByte(line, '\t') >= 0 {
		sep = '\t'
	}
	if n := bytes.Count(line, []byte{sep}) + 1; n != len(st.columns) {
		if !(sep == ' ' && n == len(st.columns)+1 && line[len(line)-1] == ' ') { // a trailing space
			return errW3CCount
		}
	}
	var date, clock, stem, query []byte
	rest := line
	for _, col := range st.columns {
		v := rest
		if i := bytes.IndexByte(rest, sep); i >= 0 {
			v, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if col == wcIgnored || isDash(v) {
			continue
		}
		switch col {
		case wcDate:
			date = v
		case wcTime:
			clock = v
		case wcStem, wcURI:
			stem = v
		case wcQuery:
			query = v
		default:
			if err := p.storeW3C(col, v, rec); err != nil {
				return err
			}
		}
	}
	if date == nil {
		date = st.date
	}
	if clock != nil && date != nil {
		if err := p.w3cTime(date, clock, rec); err != nil {
			return err
		}
	}
	if stem != nil {
		rec.Target = stem
		if query != nil {
			start := len(p.scratch)
			p.scratch = append(append(append(p.scratch, stem...), '?'), query...)
			rec.Target = p.scratch[start:len(p.scratch):len(p.scratch)]
		}
	}
	return nil
}

// storeW3C stores one value of a W3C line.
func (p *Parser) storeW3C(col w3cColumn, v []byte, rec *Record) error {
	switch col {
	case wcClientIP:
		rec.Host = v
	case wcUser:
		rec.User = v
	case wcMethod:
		rec.Method = v
	case wcVersion:
		rec.Protocol = v
	case wcHost:
		rec.VHost = v
	case wcReferer:
		rec.Referer = v
	case wcAgent:
		rec.UserAgent = v
		if bytes.IndexByte(v, '+') >= 0 && p.skip&FieldUserAgent == 0 {
			start := len(p.scratch)
			for _, c := range v {
				if c == '+' {
					c = ' '
				}
				p.scratch = append(p.scratch, c)
			}
			rec.UserAgent = p.scratch[start:len(p.scratch):len(p.scratch)]
		}
	case wcServerIP:
		rec.extra[w3cExtraServerIP] = v
	case wcStatus:
		n, ok := jsonInt(v, 3)
		if !ok {
			return errW3CStatus
		}
		rec.Status = int(n)
	case wcBytes:
		n, ok := jsonInt(v, maxBytesDigits)
		if !ok {
			return errW3CBytes
		}
		rec.Bytes = n
	case wcBytesIn:
		if _, ok := jsonInt(v, maxBytesDigits); !ok {
			return errW3CBytes
		}
		rec.extra[w3cExtraBytesIn] = v
	case wcPort:
		n, ok := jsonInt(v, 5)
		if !ok || n > 65535 {
			return errW3CPort
		}
		rec.Port = int(n)
	case wcTaken:
		scale := 3 // an integer: milliseconds (IIS)
		if bytes.IndexByte(v, '.') >= 0 {
			scale = 6 // seconds
		}
		us, ok := scaledDecimal(v, scale)
		if !ok {
			return errW3CTaken
		}
		rec.Duration = us
	}
	return nil
}

// w3cTime sets rec's time from a date "YYYY-MM-DD" and a time
// "HH:MM:SS[.fraction]", in UTC. The day of the last date is kept: the
// lines of a log share it.
func (p *Parser) w3cTime(date, clock []byte, rec *Record) error {
	st := &p.structured.w3c
	if len(date) != 10 || len(clock) < 8 || clock[2] != ':' || clock[5] != ':' {
		return errW3CDate
	}
	if string(date) != string(st.dayOf[:]) || !st.dayOK {
		if date[4] != '-' || date[7] != '-' || !w3cDigits(date[:4]) || !w3cDigits(date[5:7]) || !w3cDigits(date[8:]) {
			return errW3CDate
		}
		y, m, d := twoDigits(date)*100+twoDigits(date[2:]), twoDigits(date[5:]), twoDigits(date[8:])
		if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
			return errW3CDate
		}
		copy(st.dayOf[:], date)
		st.day, st.dayOK = daysFromCivil(y, m, d), true
	}
	if !w3cDigits(clock[:2]) || !w3cDigits(clock[3:5]) || !w3cDigits(clock[6:8]) {
		return errW3CDate
	}
	h, mi, sec := twoDigits(clock), twoDigits(clock[3:]), twoDigits(clock[6:])
	if h > 23 || mi > 59 || sec > 60 {
		return errW3CDate
	}
	var nsec int32
	if frac := clock[8:]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) == 1 || len(frac) > 10 || !w3cDigits(frac[1:]) {
			return errW3CDate
		}
		scale := int32(1e8)
		for _, c := range frac[1:] {
			nsec += int32(c-'0') * scale
			scale /= 10
		}
	}
	rec.Time, rec.Nsec, rec.hasTime = st.day*86400+int64(h*3600+mi*60+sec), nsec, true
	return nil
}

// w3cDigits reports whether b is all digits.
func w3cDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// directive takes in a directive line: #Fields sets the columns, #Date
// the date of lines that have none.
func (st *w3cState) directive(line []byte) {
	name, value, _ := bytes.Cut(line[1:], []byte{':'})
	value = bytes.TrimSpace(value)
	switch {
	case bytes.EqualFold(name, []byte("Fields")):
		st.columns, st.fields = st.columns[:0], true
		for len(value) > 0 {
			name, rest, _ := bytes.Cut(value, []byte{' '})
			if name = bytes.TrimSpace(name); len(name) > 0 {
				st.columns = append(st.columns, lookupW3CName(name))
			}
			value = rest
		}
	case bytes.EqualFold(name, []byte("Date")):
		if len(value) >= 10 {
			st.date = append(st.date[:0], value[:10]...)
		}
	}
}

// lookupW3CName returns the column of a #Fields name, case-insensitively.
func lookupW3CName(name []byte) w3cColumn {
	var low [32]byte
	if len(name) > len(low) {
		return wcIgnored
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return w3cNames[string(low[:len(name)])]
}

// isW3CHeader reports whether line is one of the directives a W3C log
// starts with.
func isW3CHeader(line []byte) bool {
	line = line[bomLen(line):]
	for _, d := range []string{"#Fields:", "#Software:", "#Version:", "#Date:", "#Start-Date:", "#Remark:"} {
		if len(line) >= len(d) && bytes.EqualFold(line[:len(d)], []byte(d)) {
			return true
		}
	}
	return false
}
