package loggen

import (
	"strconv"
	"time"
)

// newestDay is midnight UTC of the day access.log covers; file N covers N days earlier.
var newestDay = time.Date(2026, time.November, 21, 0, 0, 0, 0, time.UTC).Unix()

// zoneOffsets are UTC offsets in minutes. Each file has one; a few lines use another,
// as when several servers in different zones log into one file.
var zoneOffsets = []int{0, -7 * 60, 5*60 + 30, 60, -5 * 60, 9 * 60, 2 * 60, -8 * 60, 5*60 + 45, -(3*60 + 30)}

var monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// stamper formats "[02/Jan/2006:15:04:05 -0700]" by hand, caching the last result because
// consecutive lines of a large file often share the second.
type stamper struct {
	sec    int64
	offset int
	cached []byte
}

func (s *stamper) append(b []byte, sec int64, offsetMin int) []byte {
	if s.cached != nil && sec == s.sec && offsetMin == s.offset {
		return append(b, s.cached...)
	}
	t := time.Unix(sec+int64(offsetMin)*60, 0).UTC()
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	c := append(s.cached[:0], '[')
	c = append2(c, day)
	c = append(c, '/')
	c = append(c, monthNames[month-1]...)
	c = append(c, '/')
	c = strconv.AppendInt(c, int64(year), 10)
	c = append(c, ':')
	c = append2(c, hour)
	c = append(c, ':')
	c = append2(c, minute)
	c = append(c, ':')
	c = append2(c, second)
	c = append(c, ' ')
	c = appendOffset(c, offsetMin)
	c = append(c, ']')
	s.cached, s.sec, s.offset = c, sec, offsetMin
	return append(b, c...)
}

func appendOffset(b []byte, offsetMin int) []byte {
	sign := byte('+')
	if offsetMin < 0 {
		sign, offsetMin = '-', -offsetMin
	}
	b = append(b, sign)
	b = append2(b, offsetMin/60)
	return append2(b, offsetMin%60)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
