package logparse

import (
	"bytes"
	"unicode/utf8"
)

// A nginxStep is what a step of a compiled nginx format adds to Apache's:
// how its values are escaped and read. Its zero value (store false) is an
// Apache step's.
type nginxStep struct {
	store  bool // storeText hands the value to storeNginx
	escape nginxEscape
	kind   nginxKind
}

// storeNginx is storeText for a step of an nginx format: it checks a
// scanned value, decodes nginx's escapes and puts it in rec.
func (p *Parser) storeNginx(s *step, v []byte, rec *Record) error {
	absent := len(v) == 1 && v[0] == '-' || len(v) == 0 && s.nginx.escape == nginxEscapeJSON
	switch {
	case absent:
		return nil // every typed number is reset to -1, every text to nil
	case s.nginx.kind == nginxSeconds:
		us, ok := parseSeconds(v)
		if !ok {
			return s.errValue
		}
		rec.Duration = us
		return nil
	case s.typ == TypeInt:
		n, ok := parseDecimal(v)
		if !ok || (s.class == classStatus && len(v) != 3) {
			return s.errValue
		}
		return p.storeNumber(s, n, v, rec)
	case s.user && (!plausibleUser(v) || bytes.IndexByte(v, '[') >= 0):
		return errUser // as Apache's %u: words with a lone "-" are not a user
	case len(v) == 0 && s.slot == slotHost:
		return s.errValue
	}
	if s.decode && bytes.IndexByte(v, '\\') >= 0 {
		start := len(p.scratch)
		if s.nginx.escape == nginxEscapeJSON {
			p.scratch, _ = appendJSONUnescaped(p.scratch, v)
		} else {
			p.scratch = appendUnescaped(p.scratch, v) // nginx writes \xHH only, which Apache's decoder reads
		}
		v = p.scratch[start:len(p.scratch):len(p.scratch)]
	}
	s.setText(v, rec)
	return nil
}

// parseSeconds parses what nginx writes for $request_time, seconds with
// a fraction ("0.123"), into microseconds; digits past the sixth decimal
// are dropped.
func parseSeconds(v []byte) (int64, bool) {
	whole, frac, dot := bytes.Cut(v, []byte{'.'})
	if dot && len(frac) == 0 {
		return 0, false
	}
	sec, ok := parseDecimal(whole)
	if !ok || sec >= maxDuration/1_000_000 {
		return 0, false
	}
	var us int64
	for i, scale := 0, int64(1e5); i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		us += int64(c-'0') * scale
		scale /= 10
	}
	return sec*1e6 + us, true
}

// listEnd is valueEnd for an upstream variable's list, which nginx writes
// as "a, b : c": a space after a comma, or around a colon, is inside the
// value, not the stop that ends it.
func (s *step) listEnd(rest []byte) int {
	from := 0
	for {
		var end int
		switch {
		case s.stop == "" && s.last:
			return len(rest)
		case s.stop == "":
			end = bytes.IndexByte(rest[from:], ' ')
			if end < 0 {
				return len(rest)
			}
		case len(s.stop) == 1:
			end = bytes.IndexByte(rest[from:], s.stop[0])
		default:
			end = indexStop(rest[from:], s.stop)
		}
		if end < 0 {
			return -1
		}
		end += from
		switch {
		case rest[end] != ' ':
			return end
		case end > 0 && rest[end-1] == ',':
			from = end + 1
		case hasPrefix(rest[end:], " : "):
			from = end + 3
		default:
			return end
		}
	}
}

// appendJSONRune decodes the \u escape whose backslash precedes s ("u00e9",
// or a surrogate pair "ud83d\ude00") and returns the bytes of s it used, 0
// when it is not one (the backslash is then kept). nginx writes a byte
// below 0x20 as \u00XX: those come back as the byte.
func appendJSONRune(dst, s []byte) ([]byte, int) {
	r, ok := hex4(s[1:])
	if !ok {
		return append(dst, '\\'), 0
	}
	if r < 0x80 {
		return append(dst, byte(r)), 5
	}
	if 0xd800 <= r && r < 0xdc00 && len(s) >= 11 && s[5] == '\\' && s[6] == 'u' {
		if lo, ok := hex4(s[7:]); ok && 0xdc00 <= lo && lo < 0xe000 {
			return utf8.AppendRune(dst, 0x10000+(r-0xd800)<<10+(lo-0xdc00)), 11
		}
	}
	return utf8.AppendRune(dst, r), 5 // a lone surrogate becomes U+FFFD
}

// decodeJSONEscapeFirst decodes the JSON escapes Apache's decodeEscape
// does not know, whose backslash precedes s: the byte (for \uXXXX, the
// first byte of the character's UTF-8) and the bytes of s it used, 0 when
// it is none of them.
func decodeJSONEscapeFirst(s []byte) (byte, int) {
	switch s[0] {
	case 'f':
		return '\f', 1
	case '/':
		return '/', 1
	case 'u':
		if out, n := appendJSONRune(nil, s); n > 0 {
			return out[0], n
		}
	}
	return 0, 0
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		d, ok := unhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
