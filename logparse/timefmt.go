package logparse

import (
	"math"
	"strconv"
	"strings"
)

// Parsing what Apache's %{format}t wrote. One time may be spread over
// several directives (Apache's own example: "%{%d/%b/%Y %T}t.%{msec_frac}t
// %{%z}t"), so each directive parses its value into a timeParts shared by
// the line, and timeParts.resolve computes the instant once the line is read.
//
// What a format may hold, as Apache's mod_log_config and glibc's strftime
// write it (C locale):
//   - "", "begin", "end", "begin:" or "end:" alone: the CLF time in brackets,
//     as %t writes it;
//   - after an optional "begin:" or "end:", exactly one of the tokens sec,
//     msec, usec (decimal, since the Epoch), msec_frac (3 digits) and
//     usec_frac (6 digits);
//   - anything else is a strftime format: literal text, matched byte for
//     byte, and conversions %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j
//     %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z
//     %Z %%, each with optional glibc flags (- _ 0 ^ #), a width and an E or
//     O modifier.
//
// Like Apache, "begin" and "end" without a colon are stripped before a token
// is looked for ("beginsec" is sec) but not from a strftime format
// ("begin%Y" writes "begin2024"); only "end" and "end:" select the end time.

// A timeLayout parses what one %{arg}t directive wrote. It is immutable once
// compiled and safe for concurrent use.
type timeLayout struct {
	ops []timeOp
}

// A timeOp parses one piece of a value: literal text, a conversion or a token.
type timeOp struct {
	kind     timeOpKind
	part     timePart // tlNumber: where the value goes
	pad      byte     // tlNumber: '0' width digits; ' ' width bytes, spaces then digits; '-' 1..width digits
	width    uint8    // tlNumber
	min, max int16    // tlNumber: the valid range
	lit      string   // tlLiteral
}

type timeOpKind uint8

const (
	tlLiteral     timeOpKind = iota // lit, byte for byte
	tlNumber                        // digits into part
	tlWeekdayAbbr                   // %a: Sun..Sat, any case
	tlWeekday                       // %A: Sunday..Saturday
	tlMonthAbbr                     // %b %h: Jan..Dec
	tlMonth                         // %B: January..December
	tlAMPM                          // %p %P: AM or PM, any case
	tlOffset                        // %z: +hhmm, +hh:mm or Z
	tlZoneName                      // %Z: letters, or a numeric +hh[mm]
	tlEpoch                         // %s: seconds since the Epoch, maybe negative
	tlSec                           // sec
	tlMsec                          // msec
	tlUsec                          // usec
	tlMsecFrac                      // msec_frac: 3 digits
	tlUsecFrac                      // usec_frac: 6 digits
	tlCLF                           // [dd/Mon/yyyy:HH:MM:SS +hhmm]
)

// maxTimeWidth bounds the field width of a numeric conversion (%10Y).
const maxTimeWidth = 32

// compileTimeLayout compiles arg, the text between the braces of %{arg}t.
// end reports that the value is the time the log entry was written ("end"
// or an "end:" prefix) rather than the time the request began. An invalid
// arg gives a *timeLayoutError whose Offset is that of the bad '%' in arg.
func compileTimeLayout(arg string) (l *timeLayout, end bool, err error) {
	token, format, base := arg, arg, 0
	for _, prefix := range [...]string{"begin", "end"} {
		rest, found := strings.CutPrefix(arg, prefix)
		if !found {
			continue
		}
		token = rest
		if rest == "" || rest[0] == ':' {
			end = prefix == "end"
		}
		if rest != "" && rest[0] == ':' {
			token, format, base = rest[1:], rest[1:], len(prefix)+1
		}
		break
	}
	kind := tlCLF
	switch token {
	case "":
	case "sec":
		kind = tlSec
	case "msec":
		kind = tlMsec
	case "usec":
		kind = tlUsec
	case "msec_frac":
		kind = tlMsecFrac
	case "usec_frac":
		kind = tlUsecFrac
	default:
		ops, err := compileStrftime(nil, format, base)
		if err != nil {
			return nil, false, err
		}
		return &timeLayout{ops: ops}, end, nil
	}
	return &timeLayout{ops: []timeOp{{kind: kind}}}, end, nil
}

// datedLayouts reports whether values written with the layouts, pieces of
// one time, can give a date: some piece is an epoch or a CLF time, or they
// have a year (%Y, %C or %y) and a month and day or a day of the year.
func datedLayouts(layouts []*timeLayout) bool {
	var has uint32
	for _, l := range layouts {
		for _, op := range l.ops {
			switch op.kind {
			case tlNumber:
				has |= 1 << op.part
			case tlMonthAbbr, tlMonth:
				has |= 1 << tpMonth
			case tlEpoch, tlSec, tlMsec, tlUsec, tlCLF:
				return true
			}
		}
	}
	year := has&(1<<tpYear|1<<tpCentury|1<<tpYear2) != 0
	monthDay := has&(1<<tpMonth) != 0 && has&(1<<tpDay) != 0
	return year && (monthDay || has&(1<<tpYday) != 0)
}

// A timeLayoutError says what is wrong with the argument of a %{format}t.
type timeLayoutError struct {
	Offset int    // byte offset in the argument of the '%' that starts the bad conversion
	Msg    string // what is wrong
}

func (e *timeLayoutError) Error() string {
	return "time format: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// compileStrftime appends to ops the parser of format f, which starts at
// offset base in the directive's argument.
func compileStrftime(ops []timeOp, f string, base int) ([]timeOp, error) {
	for i := 0; i < len(f); {
		if f[i] != '%' {
			j := strings.IndexByte(f[i:], '%')
			if j < 0 {
				j = len(f) - i
			}
			ops = appendTimeLiteral(ops, f[i:i+j])
			i += j
			continue
		}
		start := i
		fail := func(msg string) ([]timeOp, error) {
			return nil, &timeLayoutError{Offset: base + start, Msg: msg}
		}
		// glibc's order: flags, width, modifier, conversion letter.
		var pad byte
		for i++; i < len(f); i++ {
			if c := f[i]; c == '-' || c == '_' || c == '0' {
				pad = c
			} else if c != '^' && c != '#' { // case flags: names match in any case
				break
			}
		}
		width := 0
		for ; i < len(f) && '0' <= f[i] && f[i] <= '9'; i++ {
			width = min(width*10+int(f[i]-'0'), maxTimeWidth+1)
		}
		if i < len(f) && (f[i] == 'E' || f[i] == 'O') {
			i++ // alternative representations are the plain ones in the C locale
		}
		if i == len(f) {
			return fail("conversion " + strconv.Quote(f[start:i]) + " has no letter")
		}
		c := f[i]
		i++
		if sub := strftimeComposite(c); sub != "" {
			if width > 0 {
				return fail("field width on " + strconv.Quote(f[start:i]) + ": only numeric conversions take one")
			}
			var err error
			if ops, err = compileStrftime(ops, sub, base+start); err != nil {
				return nil, err
			}
			continue
		}
		op, ok := strftimeOp(c)
		switch {
		case !ok:
			return fail("unknown conversion " + strconv.Quote(f[start:i]))
		case op.kind == tlNumber:
			if width > maxTimeWidth {
				return fail("field width of " + strconv.Quote(f[start:i]) + " over " + strconv.Itoa(maxTimeWidth))
			}
			switch pad {
			case '_':
				op.pad = ' '
			case '-', '0':
				op.pad = pad
			}
			if op.pad != '-' && width > int(op.width) {
				op.width = uint8(width)
			}
		case width > 0:
			return fail("field width on " + strconv.Quote(f[start:i]) + ": only numeric conversions take one")
		}
		if op.kind == tlLiteral {
			ops = appendTimeLiteral(ops, op.lit)
		} else {
			ops = append(ops, op)
		}
	}
	return ops, nil
}

// strftimeComposite returns what conversion c stands for, or "".
func strftimeComposite(c byte) string {
	switch c {
	case 'c':
		return "%a %b %e %H:%M:%S %Y"
	case 'D', 'x':
		return "%m/%d/%y"
	case 'F':
		return "%Y-%m-%d"
	case 'r':
		return "%I:%M:%S %p"
	case 'R':
		return "%H:%M"
	case 'T', 'X':
		return "%H:%M:%S"
	}
	return ""
}

// strftimeOp returns the parser of conversion c with its default padding.
func strftimeOp(c byte) (timeOp, bool) {
	num := func(p timePart, width uint8, pad byte, lo, hi int16) (timeOp, bool) {
		return timeOp{kind: tlNumber, part: p, width: width, pad: pad, min: lo, max: hi}, true
	}
	switch c {
	case '%':
		return timeOp{kind: tlLiteral, lit: "%"}, true
	case 'n':
		return timeOp{kind: tlLiteral, lit: "\n"}, true
	case 't':
		return timeOp{kind: tlLiteral, lit: "\t"}, true
	case 'a':
		return timeOp{kind: tlWeekdayAbbr}, true
	case 'A':
		return timeOp{kind: tlWeekday}, true
	case 'b', 'h':
		return timeOp{kind: tlMonthAbbr}, true
	case 'B':
		return timeOp{kind: tlMonth}, true
	case 'p', 'P':
		return timeOp{kind: tlAMPM}, true
	case 'z':
		return timeOp{kind: tlOffset}, true
	case 'Z':
		return timeOp{kind: tlZoneName}, true
	case 's':
		return timeOp{kind: tlEpoch}, true
	case 'C':
		return num(tpCentury, 2, '0', 0, 99)
	case 'd':
		return num(tpDay, 2, '0', 1, 31)
	case 'e':
		return num(tpDay, 2, ' ', 1, 31)
	case 'g':
		return num(tpIgnored, 2, '0', 0, 99)
	case 'G':
		return num(tpIgnored, 4, '0', 0, 9999)
	case 'H':
		return num(tpHour, 2, '0', 0, 23)
	case 'I':
		return num(tpHour12, 2, '0', 1, 12)
	case 'j':
		return num(tpYday, 3, '0', 1, 366)
	case 'k':
		return num(tpHour, 2, ' ', 0, 23)
	case 'l':
		return num(tpHour12, 2, ' ', 1, 12)
	case 'm':
		return num(tpMonth, 2, '0', 1, 12)
	case 'M':
		return num(tpMin, 2, '0', 0, 59)
	case 'S':
		return num(tpSec, 2, '0', 0, 60)
	case 'u':
		return num(tpIgnored, 1, '0', 1, 7)
	case 'U', 'W':
		return num(tpIgnored, 2, '0', 0, 53)
	case 'V':
		return num(tpIgnored, 2, '0', 1, 53)
	case 'w':
		return num(tpIgnored, 1, '0', 0, 6)
	case 'y':
		return num(tpYear2, 2, '0', 0, 99)
	case 'Y':
		return num(tpYear, 4, '0', 0, 9999)
	}
	return timeOp{}, false
}

// appendTimeLiteral appends literal text, merged with a literal before it.
func appendTimeLiteral(ops []timeOp, s string) []timeOp {
	if n := len(ops); n > 0 && ops[n-1].kind == tlLiteral {
		ops[n-1].lit += s
		return ops
	}
	return append(ops, timeOp{kind: tlLiteral, lit: s})
}

// parse reads one value written with l from the start of b into tp and
// returns the bytes it used: it stops at the end of the value. It does not
// allocate. On failure tp may hold some of the value's parts.
func (l *timeLayout) parse(b []byte, tp *timeParts) (n int, ok bool) {
	for i := range l.ops {
		m, ok := l.ops[i].parse(b[n:], tp)
		if !ok {
			return 0, false
		}
		n += m
	}
	return n, true
}

// parse reads op's piece from the start of b into tp.
func (op *timeOp) parse(b []byte, tp *timeParts) (int, bool) {
	switch op.kind {
	case tlLiteral:
		if len(op.lit) == 1 { // the common case, a separator, without a call
			if len(b) == 0 || b[0] != op.lit[0] {
				return 0, false
			}
			return 1, true
		}
		if len(b) < len(op.lit) || string(b[:len(op.lit)]) != op.lit {
			return 0, false
		}
		return len(op.lit), true
	case tlNumber:
		var v, n int
		var ok bool
		if op.width == 2 && op.pad == '0' && len(b) >= 2 { // the common case, without a call
			v, ok = digits2(b[0], b[1])
			n = 2
		} else {
			v, n, ok = readTimeNumber(b, int(op.width), op.pad)
		}
		if !ok || v < int(op.min) || v > int(op.max) {
			return 0, false
		}
		tp.setNumber(op.part, int32(v))
		return n, true
	case tlWeekdayAbbr, tlWeekday:
		_, n := matchTimeName(b, timeWeekdayNames[:], op.kind == tlWeekdayAbbr)
		return n, n > 0
	case tlMonthAbbr, tlMonth:
		i, n := matchTimeName(b, timeMonthNames[:], op.kind == tlMonthAbbr)
		if n == 0 {
			return 0, false
		}
		tp.setNumber(tpMonth, int32(i+1))
		return n, true
	case tlAMPM:
		return readAMPM(b, tp)
	case tlOffset:
		return readUTCOffset(b, tp)
	case tlZoneName:
		return readZoneName(b, tp)
	case tlEpoch, tlSec, tlMsec, tlUsec:
		return readEpoch(op.kind, b, tp)
	case tlMsecFrac, tlUsecFrac:
		return readFraction(op.kind, b, tp)
	case tlCLF:
		if len(b) == 0 || b[0] != '[' {
			return 0, false
		}
		t, off, n, ok := parseCLFTime(b[1:])
		if !ok || len(b) < n+2 || b[n+1] != ']' {
			return 0, false
		}
		tp.setInstant(t, off)
		return n + 2, true
	}
	return 0, false
}

// readTimeNumber reads a number as strftime pads it: with pad '0' exactly
// width digits, with ' ' width bytes of leading spaces then digits, with '-'
// 1..width digits, as many as there are.
func readTimeNumber(b []byte, width int, pad byte) (v, n int, ok bool) {
	// big is past every range (int16 maxima, 6-digit fractions): a long
	// run of digits stops growing there, and v*10 stays within 32 bits.
	const big = 1 << 24
	if pad == '-' {
		for n < width && n < len(b) && '0' <= b[n] && b[n] <= '9' {
			v = min(v*10+int(b[n]-'0'), big)
			n++
		}
		return v, n, n > 0
	}
	if len(b) < width {
		return 0, 0, false
	}
	if pad == ' ' {
		for n < width-1 && b[n] == ' ' {
			n++
		}
	}
	for ; n < width; n++ {
		c := b[n]
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		v = min(v*10+int(c-'0'), big)
	}
	return v, n, true
}

// readEpoch reads what %s, sec, msec or usec wrote: 1 to 19 digits that
// fit an int64 and are not followed by another digit; only %s may be negative.
func readEpoch(kind timeOpKind, b []byte, tp *timeParts) (int, bool) {
	first := 0
	if kind == tlEpoch && len(b) > 0 && b[0] == '-' {
		first = 1
	}
	var u uint64
	n := first
	for ; n < len(b) && '0' <= b[n] && b[n] <= '9'; n++ {
		if n-first == 19 {
			return 0, false
		}
		u = u*10 + uint64(b[n]-'0')
	}
	if n == first || u > math.MaxInt64 {
		return 0, false
	}
	v := int64(u)
	switch {
	case first == 1:
		tp.setEpoch(-v, 0, false)
	case kind == tlMsec:
		tp.setEpoch(v/1e3, int32(v%1e3)*1e6, true)
	case kind == tlUsec:
		tp.setEpoch(v/1e6, int32(v%1e6)*1e3, true)
	default:
		tp.setEpoch(v, 0, false)
	}
	return n, true
}

// readFraction reads what msec_frac (3 digits) or usec_frac (6) wrote.
func readFraction(kind timeOpKind, b []byte, tp *timeParts) (int, bool) {
	digits, scale := 3, int32(1e6)
	if kind == tlUsecFrac {
		digits, scale = 6, 1e3
	}
	v, n, ok := readTimeNumber(b, digits, '0')
	if !ok {
		return 0, false
	}
	tp.nsec = int32(v) * scale
	tp.has |= tpFrac
	return n, true
}

// readAMPM reads what %p or %P wrote: AM or PM in any case.
func readAMPM(b []byte, tp *timeParts) (int, bool) {
	if len(b) < 2 || b[1]|0x20 != 'm' {
		return 0, false
	}
	switch b[0] | 0x20 {
	case 'a':
		tp.has &^= tpPM
	case 'p':
		tp.has |= tpPM
	default:
		return 0, false
	}
	return 2, true
}

// readUTCOffset reads what %z wrote, +hhmm or -hhmm, or the forms +hh:mm
// and Z other writers use.
func readUTCOffset(b []byte, tp *timeParts) (int, bool) {
	if len(b) > 0 && b[0] == 'Z' {
		tp.setOffset(0)
		return 1, true
	}
	if len(b) < 5 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	n := 3
	if b[3] == ':' {
		n = 4
	}
	if len(b) < n+2 {
		return 0, false
	}
	h, ok1 := digits2(b[1], b[2])
	m, ok2 := digits2(b[n], b[n+1])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	tp.setOffset(signedOffset(b[0], h, m))
	return n + 2, true
}

// readZoneName reads what %Z wrote: the zone's abbreviation, a run of
// letters, or a numeric one, +hh or +hhmm, as tzdata names zones without a
// common abbreviation ("+04", "+0530"). UTC, GMT, Z and the numeric ones say
// the offset; any other name (CET, EST, ...) says nothing about it.
func readZoneName(b []byte, tp *timeParts) (int, bool) {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		if len(b) < 3 {
			return 0, false
		}
		h, ok := digits2(b[1], b[2])
		if !ok || h > 23 {
			return 0, false
		}
		m, n := 0, 3
		if len(b) >= 5 {
			if mm, ok := digits2(b[3], b[4]); ok {
				m, n = mm, 5
			}
		}
		if m > 59 {
			return 0, false
		}
		tp.setOffset(signedOffset(b[0], h, m))
		return n, true
	}
	n := 0
	for n < len(b) && ('a' <= b[n]|0x20 && b[n]|0x20 <= 'z') {
		n++
	}
	if n == 0 {
		return 0, false
	}
	if foldEqualASCII(b[:n], "UTC") || foldEqualASCII(b[:n], "GMT") || foldEqualASCII(b[:n], "Z") {
		tp.setOffset(0)
	}
	return n, true
}

func signedOffset(sign byte, h, m int) int32 {
	off := int32(h*3600 + m*60)
	if sign == '-' {
		return -off
	}
	return off
}

var (
	timeWeekdayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	timeMonthNames   = [...]string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
)

// matchTimeName returns the index of the name b starts with, in any case, and
// its length; abbr compares the first three letters only. n is 0 for none.
func matchTimeName(b []byte, names []string, abbr bool) (i, n int) {
	for i, name := range names {
		if abbr {
			name = name[:3]
		}
		if len(b) >= len(name) && foldEqualASCII(b[:len(name)], name) {
			return i, len(name)
		}
	}
	return -1, 0
}

// foldEqualASCII reports whether b is s in any case; s must be ASCII letters.
func foldEqualASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(s) {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

// timeParts accumulates what the time directives of one line said. The zero
// value has seen nothing; reset it with tp = timeParts{} for each line.
type timeParts struct {
	has    uint32              // 1<<p for each timePart p given, and the tp* bits below
	num    [numTimeParts]int32 // the numeric parts, by timePart
	nsec   int32               // fraction of the second, with tpFrac
	offset int32               // seconds east of UTC, with tpZone
	epoch  int64               // seconds since the Epoch, with tpEpoch
}

// A timePart is one numeric part of a time; it indexes timeParts.num.
type timePart uint8

const (
	tpYear    timePart = iota // %Y: the year, 0..9999; wins over %C and %y
	tpCentury                 // %C: year/100
	tpYear2                   // %y: the year of the century; 69..99 are 19xx without %C
	tpMonth                   // %m %b %B: 1..12
	tpDay                     // %d %e: 1..31
	tpYday                    // %j: the day of the year, used without %m and %d
	tpHour                    // %H %k: 0..23
	tpHour12                  // %I %l: 1..12, PM with tpPM
	tpMin                     // %M
	tpSec                     // %S: 0..60, 60 being a leap second
	tpIgnored                 // %u %w %U %V %W %g %G: parsed, not used
	numTimeParts
)

// Bits of timeParts.has past the numeric parts.
const (
	tpPM    = 1 << (numTimeParts + iota) // %p said PM
	tpFrac                               // nsec is set
	tpEpoch                              // epoch is set: it wins over the civil parts
	tpZone                               // offset is set
)

func (tp *timeParts) given(p timePart) bool { return tp.has&(1<<p) != 0 }

// setNumber records part p; a 24-hour hour and a 12-hour one replace each other.
func (tp *timeParts) setNumber(p timePart, v int32) {
	tp.num[p] = v
	tp.has |= 1 << p
	switch p {
	case tpHour:
		tp.has &^= 1 << tpHour12
	case tpHour12:
		tp.has &^= 1 << tpHour
	}
}

func (tp *timeParts) setEpoch(sec int64, nsec int32, frac bool) {
	tp.epoch = sec
	tp.has |= tpEpoch
	if frac {
		tp.nsec = nsec
		tp.has |= tpFrac
	}
}

func (tp *timeParts) setOffset(off int32) {
	tp.offset = off
	tp.has |= tpZone
}

// setInstant records a whole instant with its offset, as %t logs it.
func (tp *timeParts) setInstant(unix int64, offset int32) {
	tp.setEpoch(unix, 0, false)
	tp.setOffset(offset)
}

// hasZone reports whether some directive logged the UTC offset (%z, a %Z
// of UTC, GMT, Z or +hh[mm], or a CLF time), so that the offset resolve
// returns is the logged one rather than an assumed 0.
func (tp *timeParts) hasZone() bool { return tp.has&tpZone != 0 }

// resolve computes the instant the parts describe: Unix seconds, the
// nanoseconds 0..999999999 and the offset logged, in seconds east of UTC.
// An epoch (sec, msec, usec, %s, a CLF time) gives the instant on its own;
// otherwise a date (a year and a month and day, or a day of the year) with
// an optional time of day (missing parts are 0) is taken at the logged
// offset, or in UTC without one. ok is false when the parts make no valid
// time: no date, a day past the end of its month, an hour 24, ...
func (tp *timeParts) resolve() (unix int64, nsec int32, offset int32, ok bool) {
	if tp.has&tpFrac != 0 {
		if tp.nsec < 0 || tp.nsec > 999_999_999 {
			return 0, 0, 0, false
		}
		nsec = tp.nsec
	}
	if tp.has&tpZone != 0 {
		offset = tp.offset
	}
	if tp.has&tpEpoch != 0 {
		return tp.epoch, nsec, offset, true
	}
	days, ok1 := tp.days()
	secs, ok2 := tp.clock()
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	return days*86400 + int64(secs) - int64(offset), nsec, offset, true
}

// year resolves %Y, or %C and %y as glibc's strptime does.
func (tp *timeParts) year() (int, bool) {
	c, y := int(tp.num[tpCentury]), int(tp.num[tpYear2])
	switch {
	case tp.given(tpYear):
		y := int(tp.num[tpYear])
		return y, 0 <= y && y <= 9999
	case tp.given(tpYear2) && tp.given(tpCentury):
		return c*100 + y, 0 <= c && c <= 99 && 0 <= y && y <= 99
	case tp.given(tpYear2):
		if y < 69 {
			return 2000 + y, 0 <= y
		}
		return 1900 + y, y <= 99
	case tp.given(tpCentury):
		return c * 100, 0 <= c && c <= 99
	}
	return 0, false
}

// days returns the days from 1970-01-01 to the date.
func (tp *timeParts) days() (int64, bool) {
	year, ok := tp.year()
	switch {
	case !ok:
		return 0, false
	case tp.given(tpMonth) && tp.given(tpDay):
		m, d := int(tp.num[tpMonth]), int(tp.num[tpDay])
		if m < 1 || m > 12 || d < 1 || d > daysIn(m, year) {
			return 0, false
		}
		return daysFromCivil(year, m, d), true
	case tp.given(tpYday):
		yd := int(tp.num[tpYday])
		if yd < 1 || yd > 337+daysIn(2, year) {
			return 0, false
		}
		return daysFromCivil(year, 1, 1) + int64(yd-1), true
	}
	return 0, false
}

// clock returns the seconds from midnight to the time of day; a leap
// second 60 runs into the next minute, as in parseCLFTime.
func (tp *timeParts) clock() (int, bool) {
	h, m, s := 0, int(tp.num[tpMin]), int(tp.num[tpSec])
	switch {
	case tp.given(tpHour12):
		h = int(tp.num[tpHour12])
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if tp.has&tpPM != 0 {
			h += 12
		}
	case tp.given(tpHour):
		h = int(tp.num[tpHour])
		if h < 0 || h > 23 {
			return 0, false
		}
	}
	if !tp.given(tpMin) {
		m = 0
	}
	if !tp.given(tpSec) {
		s = 0
	}
	if m < 0 || m > 59 || s < 0 || s > 60 {
		return 0, false
	}
	return h*3600 + m*60 + s, true
}
