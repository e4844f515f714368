package logparse

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unsafe"
)

// How a step scans its value, worked out when the format is compiled.
type scanKind uint8

const (
	scanText     scanKind = iota // valueEnd decides
	scanQuoted                   // up to the closing quote
	scanSpace                    // a token followed by a space: up to the first space
	scanNumber                   // digits or "-"
	scanCLFTime                  // [dd/Mon/yyyy:HH:MM:SS +hhmm]
	scanStrftime                 // as the %{format}t layout says
	scanRequest                  // an unquoted %r: three words, then the stop (in valueEnd)
)

// parseSteps is the parser of a compiled format: it walks the steps once
// over the line, each scanning with bytes.IndexByte where it can. It is one
// long loop on purpose: a call per field would cost more than the scan.
// Its fast paths (an absent "-" skipped before any scan, literals compared
// as words, a status or size stored where it is read; see linkFastPaths)
// decide every line as the general scans would: oldcompiled_test.go holds
// it to the loop without them.
func parseSteps(p *Parser, line []byte, rec *Record) error {
	f := p.format
	if f.nExtra > 0 {
		rec.growExtra(f.nExtra)
	}
	if f.pieces {
		p.clock, p.clockEnd = timeParts{}, timeParts{}
		p.clockSet, p.clockEndSet = false, false
	}
	rest, skip, steps := line, p.skip, f.steps
	for i := 0; i < len(steps); i++ {
		s := &steps[i]
		// Most literals are one to three bytes (" ", "\" ", "\" \""):
		// compare them as one word where the line has four bytes left,
		// the rest with hasPrefix. The word holds the value's first byte
		// too: whether it is a "-" that may leave the value absent.
		dash := false
		switch n := len(s.lit); {
		case n < 4 && len(rest) >= 4:
			w := binary.LittleEndian.Uint32(rest)
			if w&s.litMask != s.litWord {
				return s.errLit
			}
			rest = rest[n:]
			dash = w>>s.litBits&0xff == s.dashByte
		case hasPrefix(rest, s.lit):
			rest = rest[n:]
			dash = len(rest) > 0 && rest[0] == '-' && s.dash != ""
		case len(rest) == 0 && i == f.optionalFrom:
			goto done // a common line in a format that extends common
		default:
			return s.errLit
		}
		// A "-" that leaves the field absent, as %l, %u and referers
		// mostly are: nothing to scan or store.
		if dash {
			// "-" and the stop, or "-", the next literal and "-" and
			// its stop: as words where the line has 8 bytes left.
			var one, two bool
			if len(rest) >= 8 && s.dashWords {
				w := binary.LittleEndian.Uint64(rest)
				two, one = w&s.dashesMask == s.dashesWord, w&s.dashMask == s.dashWord
			} else {
				two = s.dashes != "" && hasPrefix(rest[1:], s.dashes)
				one = hasPrefix(rest[1:], s.dash)
			}
			if two { // and the next field too ("- - [")
				rest = rest[1+len(s.dashes)-len(steps[i+1].dash):]
				i++
				continue
			}
			if one {
				rest = rest[1:]
				continue
			}
		}
		var v []byte
		switch s.scan {
		case scanQuoted:
			// closingQuoteFast, written out: one call, not two. (An
			// absent "-" was skipped above.)
			end := bytes.IndexByte(rest, '"')
			if end > 0 && rest[end-1] == '\\' {
				end = closingQuote(rest)
			}
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		case scanSpace: // a token ends at the first space
			end := bytes.IndexByte(rest, ' ')
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		case scanNumber:
			if s.slot == slotStatus && len(rest) >= 3 && isDigit(rest[0]) && isDigit(rest[1]) && isDigit(rest[2]) &&
				(len(rest) == 3 || !isDigit(rest[3]) && (s.stop == "" || rest[3] == s.stop[0])) {
				// Three digits, as every status but "-" is: what the
				// loop below decides, without it.
				rec.Status = int(rest[0]-'0')*100 + int(rest[1]-'0')*10 + int(rest[2]-'0')
				rest = rest[3:]
				continue
			}
			n, num := 0, int64(0)
			for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
				num = num*10 + int64(rest[n]-'0')
				n++
			}
			switch {
			case n == 0 && len(rest) > 0 && rest[0] == '-':
				n, num = 1, -1
			case n == 0 || n > maxBytesDigits || s.class == classStatus && n != 3:
				return s.errValue
			}
			// The next literal is checked in full by the next step; one
			// byte here is enough to blame this value ("2O0").
			if s.stop != "" && n < len(rest) && rest[n] != s.stop[0] {
				return s.errValue
			}
			v, rest = rest[:n], rest[n:]
			if s.slot == slotBytes && num >= 0 {
				rec.Bytes = num // as storeNumber would, inline
				continue
			}
			if err := p.storeNumber(s, num, v, rec); err != nil {
				return err
			}
			continue
		case scanCLFTime:
			if len(rest) == 0 || rest[0] != '[' {
				if hasPrefix(rest, "-") && s.stopAfter(rest[1:]) {
					rest = rest[1:]
					continue
				}
				return s.errValue
			}
			stamp := rest[1:]
			if !validCLFStamp(stamp) || len(stamp) <= clfStampLen || stamp[clfStampLen] != ']' {
				return s.errValue
			}
			rest = stamp[clfStampLen+1:]
			if skip&FieldTime != 0 && !f.pieces {
				rec.hasTime = true // checked, not converted: not needed
				continue
			}
			t, off := clfStampTime(stamp, &p.days)
			if f.pieces {
				p.setInstant(s, t, off)
			} else {
				rec.Time, rec.Offset, rec.hasTime = t, off, true
			}
			continue
		case scanStrftime:
			var ok bool
			if rest, ok = p.strftime(s, rest); !ok {
				return s.errValue
			}
			continue
		default:
			end := s.valueEnd(rest)
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		}
		if s.need&skip != 0 {
			continue // checked, but neither decoded, split nor stored
		}
		if s.plain && len(v) > 0 && (len(v) != 1 || v[0] != '-') && (!s.decode || bytes.IndexByte(v, '\\') < 0) {
			// The common case, inline: text with nothing to check or decode.
			if s.member >= 0 {
				// rec's member at offset s.member, which linkSteps
				// took from textMember: no switch on the slot per value.
				*(*[]byte)(unsafe.Add(unsafe.Pointer(rec), s.member)) = v
				if s.request {
					splitRequest(rec)
				}
				continue
			}
		}
		if err := p.storeText(s, v, rec); err != nil {
			return err
		}
	}
	if !hasPrefix(rest, f.tail) {
		return f.errTail
	}
	rest = rest[len(f.tail):]
	// Text after the format's last field is ignored when a space sets it
	// apart: servers append fields to standard formats.
	if len(rest) > 0 && rest[0] != ' ' && !strings.HasSuffix(f.tail, " ") {
		return errTrailing
	}
done:
	if f.urlPath < 0 && !f.pieces {
		return nil
	}
	return p.finish(rec)
}

// strftime scans a %{format}t piece, or its "-", from the start of rest
// and returns what follows it; ok is false when it is neither. It is not
// inlined, nor is setInstant: parseSteps keeps its registers for the
// common formats' scans.
//
//go:noinline
func (p *Parser) strftime(s *step, rest []byte) (_ []byte, ok bool) {
	if hasPrefix(rest, "-") && s.stopAfter(rest[1:]) {
		return rest[1:], true
	}
	n, ok := s.time.parse(rest, p.clockFor(s))
	if !ok {
		return nil, false
	}
	return rest[n:], true
}

// setInstant gives %t's instant to the clock it is a piece of.
//
//go:noinline
func (p *Parser) setInstant(s *step, t int64, off int32) {
	p.clockFor(s).setInstant(t, off)
}

// hasPrefix is bytes.HasPrefix for the short literals of formats, where a
// loop beats the call into memequal.
func hasPrefix(s []byte, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// indexStop is bytes.Index(s, stop) for a stop of two bytes or more. It
// looks for the stop's last byte, which is rarer in logs than its first:
// " [" and "\" \"" start with a space.
func indexStop(s []byte, stop string) int {
	last, n := stop[len(stop)-1], len(stop)
	for from := n - 1; from < len(s); {
		j := bytes.IndexByte(s[from:], last)
		if j < 0 {
			return -1
		}
		end := from + j + 1
		if hasPrefix(s[end-n:], stop) {
			return end - n
		}
		from = end
	}
	return -1
}

// stopAfter reports whether rest starts with what must follow s's value.
func (s *step) stopAfter(rest []byte) bool {
	if s.stop == "" { // at the end, or a directive follows: "-" must stand alone
		return len(rest) == 0 || rest[0] == ' '
	}
	return hasPrefix(rest, s.stop)
}

// closingQuote returns the index of the first double quote in s that no
// backslash escapes, or -1. Apache writes a quote inside a field as \" and a
// backslash as \\, so a quote after an odd run of backslashes is escaped.
func closingQuote(s []byte) int {
	end := 0
	for {
		q := bytes.IndexByte(s[end:], '"')
		if q < 0 {
			return -1
		}
		end += q
		if !escapedAt(s, end) {
			return end
		}
		end++
	}
}

// valueEnd returns where an unquoted text or token value that starts rest
// ends, or -1 when what must follow it is not there.
func (s *step) valueEnd(rest []byte) int {
	if s.nginx.kind == nginxList {
		return s.listEnd(rest)
	}
	if s.scan == scanRequest {
		return s.requestEnd(rest)
	}
	var end int
	switch {
	case s.stop == "":
		if s.last && s.class != classToken {
			end = len(rest) // the last text field runs to the end of the line
		} else if end = bytes.IndexByte(rest, ' '); end < 0 {
			end = len(rest)
		}
	case s.stopLast:
		token := rest
		if sp := bytes.IndexByte(rest, ' '); sp >= 0 {
			token = rest[:sp]
		}
		end = bytes.LastIndex(token, s.stopBytes)
	case len(s.stop) == 1:
		end = bytes.IndexByte(rest, s.stop[0])
	case hasPrefix(rest, s.stop):
		end = 0
	case len(rest) > 0 && hasPrefix(rest[1:], s.stop):
		end = 1 // a "-", as %u mostly is
	default:
		end = indexStop(rest, s.stop)
	}
	if end < 0 {
		return -1
	}
	if s.class == classPath {
		if q := bytes.IndexByte(rest[:end], '?'); q >= 0 {
			end = q
		}
	}
	if s.class == classToken && bytes.IndexByte(rest[:end], ' ') >= 0 {
		return -1
	}
	return end
}

// requestEnd returns where an unquoted %r that starts rest ends, or -1.
// A request line holds spaces, so unquoted it has one reading only as
// three words, METHOD SP TARGET SP PROTOCOL, with a protocol that ends at
// the text that must follow it; or it is "-".
func (s *step) requestEnd(rest []byte) int {
	if hasPrefix(rest, "-") && s.stopAfter(rest[1:]) {
		return 1
	}
	sp1 := bytes.IndexByte(rest, ' ')
	if sp1 <= 0 {
		return -1
	}
	sp2 := bytes.IndexByte(rest[sp1+1:], ' ')
	if sp2 <= 0 {
		return -1
	}
	from := sp1 + 1 + sp2 + 1
	proto := rest[from:]
	var n int
	switch {
	case s.stop == "":
		if n = bytes.IndexByte(proto, ' '); n < 0 {
			n = len(proto)
		}
	case len(s.stop) == 1:
		n = bytes.IndexByte(proto, s.stop[0])
	default:
		n = indexStop(proto, s.stop)
	}
	if n <= 0 || bytes.IndexByte(proto[:n], ' ') >= 0 {
		return -1
	}
	return from + n
}

// storeNumber puts a scanned number in rec; num is -1 for "-".
func (p *Parser) storeNumber(s *step, num int64, v []byte, rec *Record) error {
	if num < 0 && s.noDash {
		return s.errValue
	}
	if num < 0 {
		return nil // every typed number is reset to -1, every extra to nil
	}
	switch s.slot {
	case slotStatus:
		rec.Status = int(num)
	case slotBytes:
		rec.Bytes = num
	case slotPort:
		rec.Port = int(num)
	case slotDuration:
		if num > maxDuration/s.usecs {
			return s.errValue
		}
		rec.Duration = num * s.usecs
	default:
		rec.extra[s.extra] = v
	}
	return nil
}

// storeText checks a scanned value against its directive and puts it in
// rec. A quoted number comes here too.
func (p *Parser) storeText(s *step, v []byte, rec *Record) error {
	if s.nginx.store {
		return p.storeNginx(s, v, rec)
	}
	absent := len(v) == 1 && v[0] == '-' && !s.noDash
	if s.class == classHex && !absent {
		return p.storeHex(s, v, rec)
	}
	if s.typ == TypeInt {
		num := int64(-1)
		if !absent {
			n, ok := parseDecimal(v)
			if !ok || (s.class == classStatus && len(v) != 3) {
				return s.errValue
			}
			num = n
		}
		return p.storeNumber(s, num, v, rec)
	}
	if absent {
		return nil
	}
	switch {
	case s.user:
		// As parseCLF: a user never holds '[' (it would be the time's) nor,
		// among several words, a lone "-".
		if !plausibleUser(v) || bytes.IndexByte(v, '[') >= 0 {
			return errUser
		}
		if len(v) == 2 && v[0] == '"' && v[1] == '"' {
			v = v[:0] // Apache logs an empty user as ""
		}
	case len(v) == 0 && s.slot == slotHost:
		return s.errValue
	}
	if s.decode && bytes.IndexByte(v, '\\') >= 0 {
		start := len(p.scratch)
		p.scratch = appendUnescaped(p.scratch, v)
		v = p.scratch[start:len(p.scratch):len(p.scratch)]
	}
	s.setText(v, rec)
	return nil
}

// setText puts a text value, checked and decoded, where s's directive
// goes in rec: its typed member (the request line split as well) or its
// extra value.
func (s *step) setText(v []byte, rec *Record) {
	if m := rec.textMember(s.slot); m != nil {
		*m = v
		if s.request {
			splitRequest(rec)
		}
	} else if s.slot == slotExtra {
		rec.extra[s.extra] = v
	}
}

// storeHex stores a hexadecimal number (%{hextid}P) as the decimal digits
// that numbers are kept in, written to the scratch buffer.
func (p *Parser) storeHex(s *step, v []byte, rec *Record) error {
	if len(v) == 0 || len(v) > 16 {
		return s.errValue
	}
	var n uint64
	for _, c := range v {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return s.errValue
		}
		n = n<<4 | uint64(d)
	}
	if n >= 1e18 { // past what parseDecimal reads back
		return s.errValue
	}
	start := len(p.scratch)
	p.scratch = strconv.AppendUint(p.scratch, n, 10)
	return p.storeNumber(s, int64(n), p.scratch[start:len(p.scratch):len(p.scratch)], rec)
}

// maxDuration bounds durations in microseconds (about 292,000 years).
const maxDuration = 1<<63 - 1

// parseDecimal parses 1 to 18 decimal digits.
func parseDecimal(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > maxBytesDigits {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// finish derives what the line gave in pieces: the target from %U%q, the
// instants from the pieces of %{format}t.
func (p *Parser) finish(rec *Record) error {
	f := p.format
	if f.urlPath >= 0 && rec.Target == nil && rec.extra[f.urlPath] != nil {
		rec.Target = rec.extra[f.urlPath]
		if f.query >= 0 && len(rec.extra[f.query]) > 0 {
			start := len(p.scratch)
			p.scratch = append(append(p.scratch, rec.Target...), rec.extra[f.query]...)
			rec.Target = p.scratch[start:len(p.scratch):len(p.scratch)]
		}
	}
	if !f.pieces {
		return nil
	}
	if p.clockSet && !f.dateless[0] {
		t, nsec, off, ok := p.clock.resolve()
		if !ok {
			return f.errClock
		}
		rec.Time, rec.Nsec, rec.Offset, rec.hasTime = t, nsec, off, true
	}
	if p.clockEndSet && !f.dateless[1] {
		t, nsec, off, ok := p.clockEnd.resolve()
		if !ok {
			return f.errClockEnd
		}
		rec.endTime, rec.endNsec, rec.endOffset, rec.hasEndTime = t, nsec, off, true
	}
	return nil
}

// clockFor returns the clock a time piece fills and marks it as set.
func (p *Parser) clockFor(s *step) *timeParts {
	if s.timeEnd {
		p.clockEndSet = true
		return &p.clockEnd
	}
	p.clockSet = true
	return &p.clock
}
