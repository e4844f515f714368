package logparse

import "bytes"

// This file holds oldParseCLF, the hand-written common/combined parser as it
// was before the single-pass rewrite of parse.go and timestamp.go, copied
// unchanged but for names. The differential test (oldparse_diff_test.go)
// holds the new parser to it: the same verdict, the same error value and
// the same Record on every line, for every Parser.Need.

// oldParser is the part of Parser the old code used.
type oldParser struct {
	scratch []byte
	skip    Fields
}

// oldParse is the old Parser.Parse for Common (combined false) or Combined.
func oldParse(p *oldParser, line []byte, rec *Record, combined bool) error {
	extra := rec.extra[:0]
	*rec = Record{Status: -1, Bytes: -1, Port: -1, Duration: -1, extra: extra}
	p.scratch = p.scratch[:0]
	if len(line) == 0 {
		return errEmpty
	}
	return oldParseCLF(p, line, rec, combined)
}

func oldParseCLF(p *oldParser, line []byte, rec *Record, combined bool) error {
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return errHost
	}
	rec.Host = oldDash(line[:i])
	rest := line[i+1:]
	if i = bytes.IndexByte(rest, ' '); i < 0 {
		return errIdent
	}
	rec.Ident = oldDash(rest[:i])
	rest = rest[i+1:]
	if i = bytes.IndexByte(rest, '['); i < 0 {
		return errTime
	}
	if i == 0 || rest[i-1] != ' ' {
		return errUser
	}
	if !oldPlausibleUser(rest[:i-1]) {
		return errUser
	}
	rec.User = p.user(rest[:i-1])
	t, n, ok := oldCheckCLFStamp(rest[i+1:])
	rest = rest[i+1+n:]
	if !ok || len(rest) < 3 || rest[0] != ']' || rest[1] != ' ' {
		return errTime
	}
	if p.skip&FieldTime == 0 {
		rec.Time, rec.Offset = t.unix(), t.offset
	}
	rec.hasTime = true
	if rest[2] != '"' {
		return errRequest
	}
	req, rest, err := p.quoted(rest[3:], errRequestQuote, p.skip&FieldRequest == 0)
	if err != nil {
		return err
	}
	if p.skip&FieldRequest == 0 {
		rec.Request = oldDash(req)
		splitRequest(rec)
	}
	if len(rest) < 4 || rest[0] != ' ' {
		return errStatus
	}
	if rest, err = oldParseStatus(rest[1:], rec); err != nil {
		return err
	}
	if len(rest) < 2 || rest[0] != ' ' {
		return errBytes
	}
	if rest, err = oldParseBytes(rest[1:], rec); err != nil {
		return err
	}
	if !combined || len(rest) == 0 {
		return oldTrailing(rest)
	}
	return p.parseRefererAgent(rest, rec)
}

func (p *oldParser) parseRefererAgent(rest []byte, rec *Record) error {
	if len(rest) < 2 || rest[0] != ' ' || rest[1] != '"' {
		return errReferer
	}
	ref, rest, err := p.quoted(rest[2:], errRefererQuote, p.skip&FieldReferer == 0)
	if err != nil {
		return err
	}
	if p.skip&FieldReferer == 0 {
		rec.Referer = oldDash(ref)
	}
	if len(rest) < 2 || rest[0] != ' ' || rest[1] != '"' {
		return errAgent
	}
	ua, rest, err := p.quoted(rest[2:], errAgentQuote, p.skip&FieldUserAgent == 0)
	if err != nil {
		return err
	}
	if p.skip&FieldUserAgent == 0 {
		rec.UserAgent = oldDash(ua)
	}
	rec.hasAgent = true
	return oldTrailing(rest)
}

func oldTrailing(rest []byte) error {
	if len(rest) == 0 || rest[0] == ' ' {
		return nil
	}
	return errTrailing
}

func (p *oldParser) quoted(s []byte, unterminated error, decode bool) (field, rest []byte, err error) {
	end := 0
	for {
		q := bytes.IndexByte(s[end:], '"')
		if q < 0 {
			return nil, nil, unterminated
		}
		end += q
		if !oldEscapedAt(s, end) {
			break
		}
		end++
	}
	field, rest = s[:end], s[end+1:]
	if len(rest) > 0 && rest[0] != ' ' {
		return nil, nil, errAfterQuote
	}
	if decode && bytes.IndexByte(field, '\\') >= 0 {
		start := len(p.scratch)
		p.scratch = appendUnescaped(p.scratch, field)
		field = p.scratch[start:len(p.scratch):len(p.scratch)]
	}
	return field, rest, nil
}

func oldEscapedAt(s []byte, i int) bool {
	n := 0
	for i > 0 && s[i-1] == '\\' {
		n++
		i--
	}
	return n%2 == 1
}

func oldParseStatus(s []byte, rec *Record) ([]byte, error) {
	if s[0] == '-' && (len(s) == 1 || s[1] == ' ') {
		return s[1:], nil
	}
	if len(s) < 3 || (len(s) > 3 && s[3] != ' ') {
		return nil, errStatus
	}
	code := 0
	for _, c := range s[:3] {
		if c < '0' || c > '9' {
			return nil, errStatus
		}
		code = code*10 + int(c-'0')
	}
	rec.Status = code
	return s[3:], nil
}

func oldParseBytes(s []byte, rec *Record) ([]byte, error) {
	if s[0] == '-' && (len(s) == 1 || s[1] == ' ') {
		return s[1:], nil
	}
	var n int64
	i := 0
	for ; i < len(s) && s[i] != ' '; i++ {
		c := s[i]
		if c < '0' || c > '9' || i == 18 {
			return nil, errBytes
		}
		n = n*10 + int64(c-'0')
	}
	if i == 0 {
		return nil, errBytes
	}
	rec.Bytes = n
	return s[i:], nil
}

func oldPlausibleUser(u []byte) bool {
	if bytes.IndexByte(u, ' ') < 0 {
		return true
	}
	for _, word := range bytes.Split(u, []byte{' '}) {
		if len(word) == 1 && word[0] == '-' {
			return false
		}
	}
	return true
}

func (p *oldParser) user(u []byte) []byte {
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

func oldDash(b []byte) []byte {
	if len(b) == 1 && b[0] == '-' {
		return nil
	}
	return b
}

type oldStamp struct {
	year, month, day, hour, minute, sec int
	offset                              int32
}

func (t oldStamp) unix() int64 {
	days := oldDaysFromCivil(t.year, t.month, t.day)
	return days*86400 + int64(t.hour*3600+t.minute*60+t.sec) - int64(t.offset)
}

func oldCheckCLFStamp(b []byte) (t oldStamp, n int, ok bool) {
	const layoutLen = len("02/Jan/2006:15:04:05 -0700")
	if len(b) < layoutLen || b[2] != '/' || b[6] != '/' || b[11] != ':' ||
		b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return t, 0, false
	}
	day, ok1 := oldDigits2(b[0], b[1])
	month := oldMonthNumber(b[3], b[4], b[5])
	year, ok2 := oldDigits4(b[7:11])
	hour, ok3 := oldDigits2(b[12], b[13])
	minute, ok4 := oldDigits2(b[15], b[16])
	sec, ok5 := oldDigits2(b[18], b[19])
	offH, ok6 := oldDigits2(b[22], b[23])
	offM, ok7 := oldDigits2(b[24], b[25])
	sign := b[21]
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month == 0 ||
		(sign != '+' && sign != '-') || day < 1 || day > oldDaysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 60 || offH > 23 || offM > 59 {
		return t, 0, false
	}
	offset := int32(offH*3600 + offM*60)
	if sign == '-' {
		offset = -offset
	}
	return oldStamp{year, month, day, hour, minute, sec, offset}, layoutLen, true
}

func oldDigits2(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

func oldDigits4(b []byte) (int, bool) {
	hi, ok1 := oldDigits2(b[0], b[1])
	lo, ok2 := oldDigits2(b[2], b[3])
	return hi*100 + lo, ok1 && ok2
}

func oldMonthNumber(a, b, c byte) int {
	for i, name := range []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		if a == name[0] && b == name[1] && c == name[2] {
			return i + 1
		}
	}
	return 0
}

func oldDaysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func oldDaysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
