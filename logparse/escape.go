package logparse

import "bytes"

// appendUnescaped appends s to dst with Apache's log escapes decoded:
// \" \\ \n \t \r \b \v \xHH, as ap_escape_logitem writes them. An unknown
// escape is kept as written.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 || i == len(s)-1 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		c, n := decodeEscape(s[i+1:])
		if n == 0 {
			dst = append(dst, '\\')
			s = s[i+1:]
			continue
		}
		dst = append(dst, c)
		s = s[i+1+n:]
	}
}

// DecodeEscape decodes the log escape whose backslash precedes s, as
// Parse decodes quoted and text fields: the byte it stands for and how
// many bytes of s it takes, or n == 0 when the backslash escapes nothing
// (it is then kept, and s read as it is). Every escape stands for one
// byte. A search of raw lines for a field's text (mapreduce/logscan's
// prefilter) uses it to tell which escapes could make that text. It also
// reads the JSON escapes of nginx's escape=json (\f, \/, \uXXXX: c is the
// first byte of the character's UTF-8), so that such a search finds those
// lines too; an Apache line only gains candidates by it.
func DecodeEscape(s []byte) (c byte, n int) {
	if len(s) == 0 {
		return 0, 0
	}
	if c, n = decodeEscape(s); n == 0 {
		c, n = decodeJSONEscapeFirst(s)
	}
	return c, n
}

// decodeEscape decodes the escape whose backslash precedes s and returns the
// byte and how many bytes of s it used (0: not an escape).
func decodeEscape(s []byte) (byte, int) {
	switch s[0] {
	case '"', '\\':
		return s[0], 1
	case 'n':
		return '\n', 1
	case 't':
		return '\t', 1
	case 'r':
		return '\r', 1
	case 'b':
		return '\b', 1
	case 'v':
		return '\v', 1
	case 'x':
		if len(s) >= 3 {
			hi, ok1 := unhex(s[1])
			lo, ok2 := unhex(s[2])
			if ok1 && ok2 {
				return hi<<4 | lo, 3
			}
		}
	}
	return 0, 0
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
