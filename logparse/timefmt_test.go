package logparse

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A timefmtCase is one line's time directives and what they wrote.
type timefmtCase struct {
	name  string
	parts []string  // pairs: the argument of a %{...}t, then the text it wrote
	want  time.Time // the instant; its offset when zone
	zone  bool      // hasZone: the offset was logged
	fail  string    // "parse": a part does not parse; "resolve": the parts make no time
}

func tfUTC(y, mo, d, h, mi, s, ns int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
}

func tfAt(off, y, mo, d, h, mi, s, ns int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, time.FixedZone("", off))
}

var timefmtCases = []timefmtCase{
	// Apache's tokens.
	{name: "sec", parts: []string{"sec", "1700000000"}, want: time.Unix(1700000000, 0)},
	{name: "begin:sec", parts: []string{"begin:sec", "0"}, want: time.Unix(0, 0)},
	{name: "msec", parts: []string{"msec", "1700000000123"}, want: time.Unix(1700000000, 123e6)},
	{name: "msec short", parts: []string{"msec", "5"}, want: time.Unix(0, 5e6)},
	{name: "end:usec", parts: []string{"end:usec", "1700000000123456"}, want: time.Unix(1700000000, 123456e3)},
	{name: "sec and msec_frac", parts: []string{"sec", "1700000000", "msec_frac", "042"}, want: time.Unix(1700000000, 42e6)},
	{name: "%s and usec_frac", parts: []string{"%s", "1700000000", "usec_frac", "000007"}, want: time.Unix(1700000000, 7e3)},
	{name: "%s negative", parts: []string{"%s", "-86400"}, want: time.Unix(-86400, 0)},
	{name: "sec 20 digits", parts: []string{"sec", "12345678901234567890"}, fail: "parse"},
	{name: "sec past int64", parts: []string{"sec", "9999999999999999999"}, fail: "parse"},
	{name: "sec negative", parts: []string{"sec", "-1"}, fail: "parse"},
	{name: "sec empty", parts: []string{"sec", ""}, fail: "parse"},
	{name: "%s lone minus", parts: []string{"%s", "-"}, fail: "parse"},
	{name: "msec_frac short", parts: []string{"sec", "1", "msec_frac", "12"}, fail: "parse"},
	{name: "usec_frac letter", parts: []string{"sec", "1", "usec_frac", "12345x"}, fail: "parse"},
	{name: "msec_frac alone", parts: []string{"msec_frac", "123"}, fail: "resolve"},

	// An empty format, or begin/end alone, is the CLF time, as %t writes it.
	{name: "CLF empty", parts: []string{"", "[10/Oct/2000:13:55:36 -0700]"}, want: tfAt(-7*3600, 2000, 10, 10, 13, 55, 36, 0), zone: true},
	{name: "CLF begin", parts: []string{"begin", "[10/Oct/2000:13:55:36 +0000]"}, want: tfUTC(2000, 10, 10, 13, 55, 36, 0), zone: true},
	{name: "CLF end:", parts: []string{"end:", "[29/Feb/2024:00:00:00 +0100]", "msec_frac", "500"}, want: tfAt(3600, 2024, 2, 29, 0, 0, 0, 5e8), zone: true},
	{name: "CLF no brackets", parts: []string{"", "10/Oct/2000:13:55:36 -0700"}, fail: "parse"},
	{name: "CLF unclosed", parts: []string{"", "[10/Oct/2000:13:55:36 -0700"}, fail: "parse"},

	// Apache's documented example, and ISO 8601 in pieces.
	{name: "apache example", parts: []string{"%d/%b/%Y %T", "10/Oct/2000 13:55:36", "msec_frac", "123", "%z", "-0700"},
		want: tfAt(-7*3600, 2000, 10, 10, 13, 55, 36, 123e6), zone: true},
	{name: "iso8601 pieces", parts: []string{"%FT%T", "2024-02-29T23:59:59", "usec_frac", "999999", "%z", "+05:30"},
		want: tfAt(19800, 2024, 2, 29, 23, 59, 59, 999999e3), zone: true},

	// Names.
	{name: "%c", parts: []string{"%c", "Tue Oct 10 13:55:36 2000"}, want: tfUTC(2000, 10, 10, 13, 55, 36, 0)},
	{name: "%c one-digit day", parts: []string{"%c", "Sun Oct  1 09:05:06 2000"}, want: tfUTC(2000, 10, 1, 9, 5, 6, 0)},
	{name: "%A %B", parts: []string{"%A, %B %d, %Y", "Tuesday, October 10, 2000"}, want: tfUTC(2000, 10, 10, 0, 0, 0, 0)},
	{name: "names in any case", parts: []string{"%a %b %d %Y", "tUE oCT 10 2000"}, want: tfUTC(2000, 10, 10, 0, 0, 0, 0)},
	{name: "%h", parts: []string{"%d %h %Y", "01 Sep 1999"}, want: tfUTC(1999, 9, 1, 0, 0, 0, 0)},
	{name: "%B May", parts: []string{"%d %B %Y", "31 May 2021"}, want: tfUTC(2021, 5, 31, 0, 0, 0, 0)},
	{name: "%^b", parts: []string{"%d %^b %Y", "05 DEC 2021"}, want: tfUTC(2021, 12, 5, 0, 0, 0, 0)},
	{name: "bad month name", parts: []string{"%d/%b/%Y", "10/Foo/2000"}, fail: "parse"},
	{name: "%B abbreviated", parts: []string{"%d %B %Y", "10 Oct 2000"}, fail: "parse"},
	{name: "bad weekday", parts: []string{"%a %F", "Xyz 2000-10-10"}, fail: "parse"},
	{name: "%A abbreviated", parts: []string{"%A %F", "Tues 2000-10-10"}, fail: "parse"},

	// Years.
	{name: "%C%y", parts: []string{"%C%y-%m-%d", "1999-12-31"}, want: tfUTC(1999, 12, 31, 0, 0, 0, 0)},
	{name: "%C alone", parts: []string{"%C-%m-%d", "20-03-04"}, want: tfUTC(2000, 3, 4, 0, 0, 0, 0)},
	{name: "%y 69 is 1969", parts: []string{"%y-%m-%d", "69-07-20"}, want: tfUTC(1969, 7, 20, 0, 0, 0, 0)},
	{name: "%y 68 is 2068", parts: []string{"%y-%m-%d", "68-01-01"}, want: tfUTC(2068, 1, 1, 0, 0, 0, 0)},
	{name: "%Y wins over %y", parts: []string{"%y", "99", "%F", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%Y three digits", parts: []string{"%Y-%m-%d", "999-01-01"}, fail: "parse"},
	{name: "%-Y three digits", parts: []string{"%-Y-%m-%d", "999-01-01"}, want: tfUTC(999, 1, 1, 0, 0, 0, 0)},

	// Composites.
	{name: "%D %T", parts: []string{"%D %T", "12/31/99 23:59:59"}, want: tfUTC(1999, 12, 31, 23, 59, 59, 0)},
	{name: "%x %X", parts: []string{"%x %X", "02/29/24 12:00:00"}, want: tfUTC(2024, 2, 29, 12, 0, 0, 0)},
	{name: "%F %R", parts: []string{"%F %R", "2024-03-01 07:08"}, want: tfUTC(2024, 3, 1, 7, 8, 0, 0)},
	{name: "%r midnight", parts: []string{"%F %r", "2024-03-01 12:30:00 AM"}, want: tfUTC(2024, 3, 1, 0, 30, 0, 0)},
	{name: "%r noon", parts: []string{"%F %r", "2024-03-01 12:30:00 PM"}, want: tfUTC(2024, 3, 1, 12, 30, 0, 0)},

	// Hours.
	{name: "%I %p", parts: []string{"%F %I:%M %p", "2024-03-01 01:05 pm"}, want: tfUTC(2024, 3, 1, 13, 5, 0, 0)},
	{name: "%l %P", parts: []string{"%F %l:%M %P", "2024-03-01  9:05 am"}, want: tfUTC(2024, 3, 1, 9, 5, 0, 0)},
	{name: "%I without %p", parts: []string{"%F %I", "2024-03-01 12"}, want: tfUTC(2024, 3, 1, 0, 0, 0, 0)},
	{name: "%k", parts: []string{"%F %k:%M", "2024-03-01  0:15"}, want: tfUTC(2024, 3, 1, 0, 15, 0, 0)},
	{name: "%H after %I wins", parts: []string{"%F %I %p", "2024-03-01 05 PM", "%H", "07"}, want: tfUTC(2024, 3, 1, 7, 0, 0, 0)},
	{name: "%p XM", parts: []string{"%F %I %p", "2024-03-01 05 XM"}, fail: "parse"},
	{name: "%I 00", parts: []string{"%F %I %p", "2024-03-01 00 AM"}, fail: "parse"},
	{name: "%I 13", parts: []string{"%F %I %p", "2024-03-01 13 PM"}, fail: "parse"},
	{name: "%H 24", parts: []string{"%F %H", "2024-07-04 24"}, fail: "parse"},
	{name: "%k 25", parts: []string{"%F %k", "2024-07-04 25"}, fail: "parse"},
	{name: "%M 60", parts: []string{"%F %H:%M", "2024-07-04 10:60"}, fail: "parse"},
	{name: "%S leap second", parts: []string{"%F %T", "2016-12-31 23:59:60"}, want: tfUTC(2017, 1, 1, 0, 0, 0, 0)},
	{name: "%S 61", parts: []string{"%F %T", "2016-12-31 23:59:61"}, fail: "parse"},

	// Days of the year, and the ignored week-based numbers.
	{name: "%j leap", parts: []string{"%Y %j", "2024 060"}, want: tfUTC(2024, 2, 29, 0, 0, 0, 0)},
	{name: "%j", parts: []string{"%Y %j", "2023 060"}, want: tfUTC(2023, 3, 1, 0, 0, 0, 0)},
	{name: "%j 366 leap", parts: []string{"%Y-%j", "2024-366"}, want: tfUTC(2024, 12, 31, 0, 0, 0, 0)},
	{name: "%j 366", parts: []string{"%Y-%j", "2023-366"}, fail: "resolve"},
	{name: "%j under %m %d", parts: []string{"%Y %j %m %d", "2024 001 07 04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "week numbers", parts: []string{"%G-W%V-%u %g %U %W %w %F", "2024-W09-4 24 08 09 4 2024-02-29"}, want: tfUTC(2024, 2, 29, 0, 0, 0, 0)},
	{name: "%u 8", parts: []string{"%u %F", "8 2024-02-29"}, fail: "parse"},
	{name: "%w 7", parts: []string{"%w %F", "7 2024-02-29"}, fail: "parse"},
	{name: "%V 00", parts: []string{"%V %F", "00 2024-02-29"}, fail: "parse"},

	// Zones.
	{name: "%z", parts: []string{"%F %T %z", "2024-07-04 12:00:00 +0530"}, want: tfAt(19800, 2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%z -0000", parts: []string{"%F %T %z", "2024-07-04 12:00:00 -0000"}, want: tfUTC(2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%z Z", parts: []string{"%FT%T%z", "2024-07-04T12:00:00Z"}, want: tfUTC(2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%z +hh:mm", parts: []string{"%FT%T%z", "2024-07-04T12:00:00-03:30"}, want: tfAt(-12600, 2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%z +2400", parts: []string{"%z %F", "+2400 2024-07-04"}, fail: "parse"},
	{name: "%z +0060", parts: []string{"%z %F", "+0060 2024-07-04"}, fail: "parse"},
	{name: "%z no sign", parts: []string{"%z %F", "0530 2024-07-04"}, fail: "parse"},
	{name: "%z cut", parts: []string{"%F %z", "2024-07-04 +05:3"}, fail: "parse"},
	{name: "%Z UTC", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 UTC"}, want: tfUTC(2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%#Z gmt", parts: []string{"%F %T %#Z", "2024-07-04 12:00:00 gmt"}, want: tfUTC(2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%Z CEST says no offset", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 CEST"}, want: tfUTC(2024, 7, 4, 12, 0, 0, 0)},
	{name: "%Z numeric", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 +0530"}, want: tfAt(19800, 2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%Z numeric hours", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 -03"}, want: tfAt(-3*3600, 2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%z then %Z name", parts: []string{"%F %T %z %Z", "2024-07-04 12:00:00 +0200 CEST"}, want: tfAt(7200, 2024, 7, 4, 12, 0, 0, 0), zone: true},
	{name: "%Z empty", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 "}, fail: "parse"},
	{name: "%Z digits", parts: []string{"%F %T %Z", "2024-07-04 12:00:00 123"}, fail: "parse"},

	// Literals, flags, widths and modifiers.
	{name: "%%", parts: []string{"%%%F%%", "%2024-07-04%"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%n %t", parts: []string{"%Y%n%m%t%d", "2024\n07\t04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%n is a newline", parts: []string{"%Y%n%m%d", "2024 0704"}, fail: "parse"},
	{name: "flag -", parts: []string{"%-m/%-d/%Y %-H:%-M:%-S", "7/4/2024 9:5:3"}, want: tfUTC(2024, 7, 4, 9, 5, 3, 0)},
	{name: "flag - two digits", parts: []string{"%-m/%-d/%Y", "12/31/2024"}, want: tfUTC(2024, 12, 31, 0, 0, 0, 0)},
	{name: "flag _", parts: []string{"%Y-%_m-%_d %_H", "2024- 7- 4  9"}, want: tfUTC(2024, 7, 4, 9, 0, 0, 0)},
	{name: "%e", parts: []string{"%Y-%m-%e", "2024-07- 4"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%e zero-padded", parts: []string{"%Y-%m-%e", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%0e", parts: []string{"%Y-%m-%0e", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%0e space", parts: []string{"%Y-%m-%0e", "2024-07- 4"}, fail: "parse"},
	{name: "%-e", parts: []string{"%Y-%m-%-e", "2024-07-4"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "%e blank", parts: []string{"%Y-%m-%e", "2024-07-  "}, fail: "parse"},
	{name: "E and O", parts: []string{"%EY-%Om-%Od %OH:%OM:%OS %Ez", "2024-07-04 09:05:03 +0100"}, want: tfAt(3600, 2024, 7, 4, 9, 5, 3, 0), zone: true},
	{name: "%EC%Ey", parts: []string{"%EC%Ey-%m-%d", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "widths", parts: []string{"%02d/%4m/%6Y", "04/0007/002024"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "width with _", parts: []string{"%_4Y-%m-%d", "  99-01-01"}, want: tfUTC(99, 1, 1, 0, 0, 0, 0)},
	{name: "%Y sec is a format", parts: []string{"%Y sec %m %d", "2024 sec 07 04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "msecX is a format", parts: []string{"msecX %F", "msecX 2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "begin: format", parts: []string{"begin:%F", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "begin without colon is text", parts: []string{"begin%F", "begin2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "literal mismatch", parts: []string{"%d/%b/%Y", "10-Oct-2000"}, fail: "parse"},
	{name: "bad digit", parts: []string{"%d/%b/%Y", "1O/Oct/2000"}, fail: "parse"},

	// Dates.
	{name: "month 13", parts: []string{"%Y-%m-%d", "2024-13-01"}, fail: "parse"},
	{name: "month 00", parts: []string{"%Y-%m-%d", "2024-00-01"}, fail: "parse"},
	{name: "day 00", parts: []string{"%Y-%m-%d", "2024-01-00"}, fail: "parse"},
	{name: "Feb 30", parts: []string{"%F", "2025-02-30"}, fail: "resolve"},
	{name: "Feb 29 2025", parts: []string{"%F", "2025-02-29"}, fail: "resolve"},
	{name: "Feb 29 2024", parts: []string{"%F", "2024-02-29"}, want: tfUTC(2024, 2, 29, 0, 0, 0, 0)},
	{name: "Feb 29 2000", parts: []string{"%F", "2000-02-29"}, want: tfUTC(2000, 2, 29, 0, 0, 0, 0)},
	{name: "Feb 29 1900", parts: []string{"%F", "1900-02-29"}, fail: "resolve"},
	{name: "Apr 31", parts: []string{"%F", "2024-04-31"}, fail: "resolve"},
	{name: "truncated", parts: []string{"%d/%b/%Y", "10/Oct/20"}, fail: "parse"},
	{name: "ends mid-field", parts: []string{"%d/%b/%Y %T", "10/Oct/2000 13:5"}, fail: "parse"},
	{name: "empty input", parts: []string{"%F", ""}, fail: "parse"},
	{name: "no date", parts: []string{"%T", "13:55:36"}, fail: "resolve"},
	{name: "no day", parts: []string{"%Y-%m", "2024-07"}, fail: "resolve"},
	{name: "no year", parts: []string{"%m-%d %T", "07-04 12:00:00"}, fail: "resolve"},
	{name: "date alone is midnight", parts: []string{"%F", "2024-07-04"}, want: tfUTC(2024, 7, 4, 0, 0, 0, 0)},
	{name: "last day wins", parts: []string{"%F", "2024-07-04", "%d", "05"}, want: tfUTC(2024, 7, 5, 0, 0, 0, 0)},

	// An epoch gives the instant; a %z still gives the offset.
	{name: "epoch wins", parts: []string{"%F %T", "1999-01-01 00:00:00", "sec", "1700000000"}, want: time.Unix(1700000000, 0)},
	{name: "epoch wins over Feb 30", parts: []string{"%F", "2025-02-30", "sec", "0"}, want: time.Unix(0, 0)},
	{name: "epoch with %z", parts: []string{"sec", "1700000000", "%z", "+0200"}, want: time.Unix(1700000000, 0).In(time.FixedZone("", 7200)), zone: true},
}

// parseTimefmt runs the case's layouts over its texts, each followed by
// "|" that the layout must leave.
func parseTimefmt(t *testing.T, tc timefmtCase) (tp timeParts, ok bool) {
	t.Helper()
	for i := 0; i+1 < len(tc.parts); i += 2 {
		arg, text := tc.parts[i], tc.parts[i+1]
		l, _, err := compileTimeLayout(arg)
		if err != nil {
			t.Fatalf("compileTimeLayout(%q): %v", arg, err)
		}
		n, ok := l.parse([]byte(text+"|"), &tp)
		if !ok {
			return tp, false
		}
		if n != len(text) {
			t.Fatalf("%%{%s}t parse(%q) used %d bytes, want %d", arg, text+"|", n, len(text))
		}
	}
	return tp, true
}

func TestTimeLayoutParse(t *testing.T) {
	for _, tc := range timefmtCases {
		t.Run(tc.name, func(t *testing.T) {
			tp, ok := parseTimefmt(t, tc)
			if tc.fail == "parse" {
				if ok {
					t.Fatalf("parse(%q) succeeded, want a failure", tc.parts)
				}
				return
			}
			if !ok {
				t.Fatalf("parse(%q) failed", tc.parts)
			}
			unix, nsec, off, ok := tp.resolve()
			if tc.fail == "resolve" {
				if ok {
					t.Fatalf("resolve() of %q = %d, %d, %d, true; want false", tc.parts, unix, nsec, off)
				}
				return
			}
			wantOff := 0
			if tc.zone {
				_, wantOff = tc.want.Zone()
			}
			if !ok || unix != tc.want.Unix() || int(nsec) != tc.want.Nanosecond() || int(off) != wantOff {
				t.Errorf("resolve() of %q = %d, %d, %d, %t; want %d, %d, %d, true",
					tc.parts, unix, nsec, off, ok, tc.want.Unix(), tc.want.Nanosecond(), wantOff)
			}
			if tp.hasZone() != tc.zone {
				t.Errorf("hasZone() of %q = %t, want %t", tc.parts, tp.hasZone(), tc.zone)
			}
		})
	}
}

func TestTimeLayoutResolve(t *testing.T) {
	date := func(h, m, s int32) timeParts {
		tp := timeParts{}
		tp.setNumber(tpYear, 2024)
		tp.setNumber(tpMonth, 7)
		tp.setNumber(tpDay, 4)
		tp.setNumber(tpHour, h)
		tp.setNumber(tpMin, m)
		tp.setNumber(tpSec, s)
		return tp
	}
	with := func(tp timeParts, p timePart, v int32) timeParts { tp.setNumber(p, v); return tp }
	pm := date(0, 0, 0)
	pm.has |= tpPM
	frac := date(0, 0, 0)
	frac.nsec, frac.has = 1e9, frac.has|tpFrac
	tests := []struct {
		name string
		tp   timeParts
		want int64 // -1: not ok
	}{
		{"nothing", timeParts{}, -1},
		{"date", date(1, 2, 3), tfUTC(2024, 7, 4, 1, 2, 3, 0).Unix()},
		{"hour 25", date(25, 0, 0), -1},
		{"hour -1", date(-1, 0, 0), -1},
		{"minute 60", date(0, 60, 0), -1},
		{"second 61", date(0, 0, 61), -1},
		{"month 13", with(date(0, 0, 0), tpMonth, 13), -1},
		{"day 0", with(date(0, 0, 0), tpDay, 0), -1},
		{"year 10000", with(date(0, 0, 0), tpYear, 10000), -1},
		{"%I 0", with(date(0, 0, 0), tpHour12, 0), -1},
		{"%I 13", with(date(0, 0, 0), tpHour12, 13), -1},
		{"%I 12 PM", with(pm, tpHour12, 12), tfUTC(2024, 7, 4, 12, 0, 0, 0).Unix()},
		{"%I 11 PM", with(pm, tpHour12, 11), tfUTC(2024, 7, 4, 23, 0, 0, 0).Unix()},
		{"PM without %I", with(pm, tpHour, 11), tfUTC(2024, 7, 4, 11, 0, 0, 0).Unix()},
		{"nsec 1e9", frac, -1},
		{"%y 100", with(with(timeParts{}, tpYear2, 100), tpYday, 1), -1},
		{"%C 100", with(with(timeParts{}, tpCentury, 100), tpYday, 1), -1},
		{"%j 0", with(with(timeParts{}, tpYear, 2024), tpYday, 0), -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			unix, _, _, ok := tc.tp.resolve()
			if tc.want < 0 && ok {
				t.Errorf("resolve() of %+v = %d, true; want false", tc.tp, unix)
			}
			if tc.want >= 0 && (!ok || unix != tc.want) {
				t.Errorf("resolve() of %+v = %d, %t; want %d, true", tc.tp, unix, ok, tc.want)
			}
		})
	}
}

func TestTimeLayoutEpochLimits(t *testing.T) {
	for _, tc := range []struct {
		arg, text string
		unix      int64
		nsec      int32
	}{
		{"sec", "9223372036854775807", math.MaxInt64, 0},
		{"%s", "-9223372036854775807", -math.MaxInt64, 0},
		{"msec", "9223372036854775807", math.MaxInt64 / 1000, 807e6},
		{"usec", "9223372036854775807", math.MaxInt64 / 1000000, 775807e3},
		{"sec", "0000000000000000001", 1, 0},
	} {
		l, _, err := compileTimeLayout(tc.arg)
		if err != nil {
			t.Fatal(err)
		}
		var tp timeParts
		n, ok := l.parse([]byte(tc.text), &tp)
		unix, nsec, _, rok := tp.resolve()
		if !ok || n != len(tc.text) || !rok || unix != tc.unix || nsec != tc.nsec {
			t.Errorf("%%{%s}t of %q = %d bytes, %t, then %d, %d, %t; want %d, true, then %d, %d, true",
				tc.arg, tc.text, n, ok, unix, nsec, rok, len(tc.text), tc.unix, tc.nsec)
		}
	}
}

func TestCompileTimeLayout(t *testing.T) {
	tests := []struct {
		arg  string
		end  bool
		text string // a value it parses whole
	}{
		{"", false, "[10/Oct/2000:13:55:36 -0700]"},
		{"begin", false, "[10/Oct/2000:13:55:36 -0700]"},
		{"end", true, "[10/Oct/2000:13:55:36 -0700]"},
		{"begin:", false, "[10/Oct/2000:13:55:36 -0700]"},
		{"end:", true, "[10/Oct/2000:13:55:36 -0700]"},
		{"end:sec", true, "1700000000"},
		{"end:msec_frac", true, "123"},
		{"endsec", false, "1700000000"},       // Apache strips "end" for a token...
		{"beginmsec", false, "1700000000123"}, // ...without selecting the end time
		{"end%F", false, "end2024-07-04"},     // but not from a format
		{"end:%F", true, "2024-07-04"},
		{"begin:end:sec", false, "end:sec"},
		{"sec_frac", false, "sec_frac"},
		{"%%", false, "%"},
		{"plain text", false, "plain text"},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			l, end, err := compileTimeLayout(tc.arg)
			if err != nil || end != tc.end {
				t.Fatalf("compileTimeLayout(%q) = _, %t, %v; want %t, nil", tc.arg, end, err, tc.end)
			}
			var tp timeParts
			if n, ok := l.parse([]byte(tc.text), &tp); !ok || n != len(tc.text) {
				t.Errorf("%%{%s}t parse(%q) = %d, %t; want %d, true", tc.arg, tc.text, n, ok, len(tc.text))
			}
		})
	}
}

func TestCompileTimeLayoutErrors(t *testing.T) {
	tests := []struct {
		arg    string
		offset int
		msg    string // in the message
	}{
		{"%Q", 0, `"%Q"`},
		{"ab%", 2, "no letter"},
		{"%", 0, "no letter"},
		{"%-", 0, "no letter"},
		{"%_", 0, "no letter"},
		{"%E", 0, "no letter"},
		{"%10", 0, "no letter"},
		{"%EQ", 0, `"%EQ"`},
		{"%E-d", 0, `"%E-"`},
		{"%Y%", 2, "no letter"},
		{"%%%", 2, "no letter"},
		{"%F %v", 3, `"%v"`},
		{"%+", 0, `"%+"`},
		{"%N", 0, `"%N"`},
		{"begin:%Q", 6, `"%Q"`},
		{"end:ab%q", 6, `"%q"`},
		{"beginsec%", 8, "no letter"},
		{"msec%", 4, "no letter"},
		{"x%5b", 1, "width"},
		{"%10c", 0, "width"},
		{"%3z", 0, "width"},
		{"%2%", 0, "width"},
		{"%33d", 0, "width"},
		{"%Y-%99999999999999999999m", 3, "width"},
		{"%\xff", 0, `"%\xff"`},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			_, _, err := compileTimeLayout(tc.arg)
			var le *timeLayoutError
			if !errors.As(err, &le) {
				t.Fatalf("compileTimeLayout(%q) = %v, want a *timeLayoutError", tc.arg, err)
			}
			if le.Offset != tc.offset || !strings.Contains(le.Msg, tc.msg) {
				t.Errorf("compileTimeLayout(%q) error at %d: %q; want at %d, mentioning %s", tc.arg, le.Offset, le.Msg, tc.offset, tc.msg)
			}
			if want := "at offset " + strconv.Itoa(tc.offset); !strings.HasSuffix(err.Error(), want) {
				t.Errorf("compileTimeLayout(%q) error %q does not end with %q", tc.arg, err, want)
			}
		})
	}
}

// formatTimefmt is a slow reference for Apache's %{arg}t and glibc's
// strftime in the C locale: t written with arg, zone being t's abbreviation.
func formatTimefmt(t time.Time, zone, arg string) string {
	switch strings.TrimPrefix(strings.TrimPrefix(arg, "begin:"), "end:") {
	case "sec":
		return strconv.FormatInt(t.Unix(), 10)
	case "msec":
		return strconv.FormatInt(t.UnixMilli(), 10)
	case "usec":
		return strconv.FormatInt(t.UnixMicro(), 10)
	case "msec_frac":
		return fmtPadded(t.Nanosecond()/1e6, 3, 0, '0')
	case "usec_frac":
		return fmtPadded(t.Nanosecond()/1e3, 6, 0, '0')
	}
	var b strings.Builder
	for i := 0; i < len(arg); i++ {
		if arg[i] != '%' {
			b.WriteByte(arg[i])
			continue
		}
		var pad byte
		upper, swap := false, false
		for i++; strings.IndexByte("-_0^#", arg[i]) >= 0; i++ {
			switch arg[i] {
			case '^':
				upper = true
			case '#':
				swap = true
			default:
				pad = arg[i]
			}
		}
		width := 0
		for ; '0' <= arg[i] && arg[i] <= '9'; i++ {
			width = width*10 + int(arg[i]-'0')
		}
		if arg[i] == 'E' || arg[i] == 'O' {
			i++
		}
		num := func(v, digits int, defPad byte) string {
			if pad != 0 {
				defPad = pad
			}
			return fmtPadded(v, digits, width, defPad)
		}
		hour12 := (t.Hour()+11)%12 + 1
		isoYear, isoWeek := t.ISOWeek()
		var s string
		switch c := arg[i]; c {
		case 'a':
			s = t.Weekday().String()[:3]
		case 'A':
			s = t.Weekday().String()
		case 'b', 'h':
			s = t.Month().String()[:3]
		case 'B':
			s = t.Month().String()
		case 'p':
			s = t.Format("PM")
		case 'P':
			s = strings.ToLower(t.Format("PM"))
		case 'z':
			s = t.Format("-0700")
		case 'Z':
			s = zone
			if swap { // glibc's '#' lowercases a zone, upper-cases a name
				s, swap = strings.ToLower(s), false
			}
		case 's':
			s = strconv.FormatInt(t.Unix(), 10)
		case 'n':
			s = "\n"
		case 't':
			s = "\t"
		case '%':
			s = "%"
		case 'c', 'D', 'x', 'F', 'r', 'R', 'T', 'X':
			s = formatTimefmt(t, zone, strftimeComposite(c))
		case 'C':
			s = num(t.Year()/100, 2, '0')
		case 'd':
			s = num(t.Day(), 2, '0')
		case 'e':
			s = num(t.Day(), 2, ' ')
		case 'g':
			s = num(isoYear%100, 2, '0')
		case 'G':
			s = num(isoYear, 4, '0')
		case 'H':
			s = num(t.Hour(), 2, '0')
		case 'I':
			s = num(hour12, 2, '0')
		case 'j':
			s = num(t.YearDay(), 3, '0')
		case 'k':
			s = num(t.Hour(), 2, ' ')
		case 'l':
			s = num(hour12, 2, ' ')
		case 'm':
			s = num(int(t.Month()), 2, '0')
		case 'M':
			s = num(t.Minute(), 2, '0')
		case 'S':
			s = num(t.Second(), 2, '0')
		case 'u':
			s = num((int(t.Weekday())+6)%7+1, 1, '0')
		case 'U':
			s = num((t.YearDay()+6-int(t.Weekday()))/7, 2, '0')
		case 'V':
			s = num(isoWeek, 2, '0')
		case 'w':
			s = num(int(t.Weekday()), 1, '0')
		case 'W':
			s = num((t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2, '0')
		case 'y':
			s = num(t.Year()%100, 2, '0')
		case 'Y':
			s = num(t.Year(), 4, '0')
		default:
			panic("formatTimefmt: unknown conversion in " + arg)
		}
		if upper || swap {
			s = strings.ToUpper(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// fmtPadded writes v in at least max(digits, width) places padded with pad,
// or unpadded for pad '-', as glibc does.
func fmtPadded(v, digits, width int, pad byte) string {
	s := strconv.Itoa(v)
	if pad == '-' {
		return s
	}
	if pad == '_' {
		pad = ' '
	}
	for len(s) < max(digits, width) {
		s = string(pad) + s
	}
	return s
}

// TestTimeLayoutRoundTrip writes random instants with the reference and
// parses them back.
func TestTimeLayoutRoundTrip(t *testing.T) {
	const (
		civil  = iota // no offset logged: the civil time is taken as UTC
		offset        // %z: the instant and its offset
		name          // %Z: the offset only for UTC, GMT and numeric names
		epoch         // the instant, without an offset
	)
	layouts := []struct {
		args []string
		kind int
		prec int // nanoseconds kept: 1e6 for msec, 1e3 for usec, else 0
	}{
		{[]string{"%d/%b/%Y:%H:%M:%S %z"}, offset, 0},
		{[]string{"%d/%b/%Y %T", "msec_frac", "%z"}, offset, 1e6},
		{[]string{"%FT%T", "usec_frac", "%z"}, offset, 1e3},
		{[]string{"%c %z"}, offset, 0},
		{[]string{"%A %B %-d %Y %r %z"}, offset, 0},
		{[]string{"%Ey-%Om-%Od %OH:%OM:%OS %Ez"}, offset, 0},
		{[]string{"%a, %d %b %Y %T %Z"}, name, 0},
		{[]string{"%^a %^b %e %T %Y %#Z"}, name, 0},
		{[]string{"%Y %j %k:%M:%S"}, civil, 0},
		{[]string{"%D %l:%M:%S %P"}, civil, 0},
		{[]string{"%C%y-%m-%d %T"}, civil, 0},
		{[]string{"%G %V %u %g %U %W %w %Y-%m-%dT%H%M%S"}, civil, 0},
		{[]string{"%_d %_m %_Y %_H %_M %_S"}, civil, 0},
		{[]string{"%-d/%-m/%Y %-H:%-M:%-S"}, civil, 0},
		{[]string{"%x %X"}, civil, 0},
		{[]string{"%h %e %Y %R:%S"}, civil, 0},
		{[]string{"%03d|%4m|%6Y|%_3H|%10M|%S"}, civil, 0},
		{[]string{"%B %d %Y %I %M %S %p"}, civil, 0},
		{[]string{"%s"}, epoch, 0},
		{[]string{"sec"}, epoch, 0},
		{[]string{"begin:msec"}, epoch, 1e6},
		{[]string{"end:usec"}, epoch, 1e3},
		{[]string{"%s", "usec_frac"}, epoch, 1e3},
		{[]string{"sec", "%z"}, offset, 0},
	}
	zones := []struct {
		name string
		off  int
	}{{"UTC", 0}, {"GMT", 0}, {"CEST", 7200}, {"EST", -5 * 3600}, {"IST", 19800}}
	r := rand.New(rand.NewPCG(5, 6))
	lo := time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	hi := time.Date(2068, 12, 30, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, lt := range layouts {
		t.Run(strings.Join(lt.args, " "), func(t *testing.T) {
			ls := make([]*timeLayout, len(lt.args))
			for i, arg := range lt.args {
				var err error
				if ls[i], _, err = compileTimeLayout(arg); err != nil {
					t.Fatalf("compileTimeLayout(%q): %v", arg, err)
				}
			}
			for range 2000 {
				zone := zones[r.IntN(len(zones))]
				numeric := r.IntN(2) == 0
				if numeric { // as tzdata names zones without an abbreviation
					zone.off = (r.IntN(2*1440-1) - 1439) * 60
					zone.name = time.Unix(0, 0).In(time.FixedZone("", zone.off)).Format("-0700")
					zone.name = strings.TrimSuffix(zone.name, "00")
				}
				at := time.Unix(0, lo+r.Int64N(hi-lo)).In(time.FixedZone(zone.name, zone.off))
				var tp timeParts
				texts := make([]string, len(ls))
				for i, l := range ls {
					texts[i] = formatTimefmt(at, zone.name, lt.args[i])
					if n, ok := l.parse([]byte(texts[i]), &tp); !ok || n != len(texts[i]) {
						t.Fatalf("%%{%s}t parse(%q) = %d, %t; want %d, true", lt.args[i], texts[i], n, ok, len(texts[i]))
					}
				}
				wantUnix, wantOff, wantZone := at.Unix(), 0, false
				switch {
				case lt.kind == offset || (lt.kind == name && (numeric || zone.off == 0)):
					wantOff, wantZone = zone.off, true
				case lt.kind != epoch:
					wantUnix += int64(zone.off)
				}
				wantNsec := 0
				if lt.prec > 0 {
					wantNsec = at.Nanosecond() / lt.prec * lt.prec
				}
				unix, nsec, off, ok := tp.resolve()
				if !ok || unix != wantUnix || int(nsec) != wantNsec || int(off) != wantOff || tp.hasZone() != wantZone {
					t.Fatalf("%q: resolve() = %d, %d, %d, %t, hasZone %t; want %d, %d, %d, true, hasZone %t",
						texts, unix, nsec, off, ok, tp.hasZone(), wantUnix, wantNsec, wantOff, wantZone)
				}
			}
		})
	}
}

func TestTimeLayoutAllocs(t *testing.T) {
	for _, tc := range [][]string{
		{"%d/%b/%Y:%H:%M:%S %z", "10/Oct/2000:13:55:36 -0700"},
		{"%a %b %e %T %Y %Z", "Tue Oct 10 13:55:36 2000 CEST"},
		{"msec", "1700000000123"},
		{"", "[10/Oct/2000:13:55:36 -0700]"},
		{"%d/%b/%Y", "10/Oct/20"}, // failing
	} {
		l, _, err := compileTimeLayout(tc[0])
		if err != nil {
			t.Fatal(err)
		}
		text := []byte(tc[1])
		var tp timeParts
		if n := testing.AllocsPerRun(100, func() {
			tp = timeParts{}
			l.parse(text, &tp)
			tp.resolve()
		}); n != 0 {
			t.Errorf("%%{%s}t parse(%q) and resolve allocate %v times, want 0", tc[0], tc[1], n)
		}
	}
}

func BenchmarkTimeLayoutParse(b *testing.B) {
	l, _, err := compileTimeLayout("%d/%b/%Y:%H:%M:%S %z")
	if err != nil {
		b.Fatal(err)
	}
	text := []byte("10/Oct/2000:13:55:36 -0700")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var tp timeParts
	for b.Loop() {
		tp = timeParts{}
		if _, ok := l.parse(text, &tp); !ok {
			b.Fatal("parse failed")
		}
		if _, _, _, ok := tp.resolve(); !ok {
			b.Fatal("resolve failed")
		}
	}
}

// fuzzTimeLayouts are layouts every fuzz input is also parsed with, so that
// the readers see the inputs even when the fuzzed argument matches nothing.
var fuzzTimeLayouts = []string{
	"", "sec", "msec", "usec_frac", "%s",
	"%c %z", "%A %B %-d %Y %r %Z", "%G%V%u%g%U%W%w%j",
	"%e%k%l%_3d%-m%-y%C%10M%S%p", "%FT%T%z", "%Z",
}

// FuzzTimeLayout compiles arbitrary arguments and parses arbitrary values
// with them and with fuzzTimeLayouts: a compile error points at a '%', parse
// stops within its input, the value alone parses the same, and an instant
// resolved from civil parts has those parts.
func FuzzTimeLayout(f *testing.F) {
	for _, tc := range timefmtCases {
		for i := 0; i+1 < len(tc.parts); i += 2 {
			f.Add(tc.parts[i], []byte(tc.parts[i+1]))
		}
	}
	f.Add("%_10Y%-j%k%l%s", []byte(" 2024 1 0 1-5"))
	f.Add("%Z%z%Z", []byte("+05Z+0530"))
	fixed := make([]*timeLayout, len(fuzzTimeLayouts))
	for i, arg := range fuzzTimeLayouts {
		var err error
		if fixed[i], _, err = compileTimeLayout(arg); err != nil {
			f.Fatalf("compileTimeLayout(%q): %v", arg, err)
		}
	}
	f.Fuzz(func(t *testing.T, arg string, input []byte) {
		for i, l := range fixed {
			checkTimeLayout(t, fuzzTimeLayouts[i], l, input)
		}
		l, _, err := compileTimeLayout(arg)
		if err != nil {
			var le *timeLayoutError
			if !errors.As(err, &le) || le.Offset < 0 || le.Offset >= len(arg) || arg[le.Offset] != '%' {
				t.Fatalf("compileTimeLayout(%q) = %v, want a *timeLayoutError at a '%%'", arg, err)
			}
			return
		}
		checkTimeLayout(t, arg, l, input)
	})
}

func checkTimeLayout(t *testing.T, arg string, l *timeLayout, input []byte) {
	var tp timeParts
	n, ok := l.parse(input, &tp)
	if !ok {
		return
	}
	if n < 0 || n > len(input) {
		t.Fatalf("%%{%s}t parse(%q) = %d, true: outside the input", arg, input, n)
	}
	var again timeParts
	if n2, ok2 := l.parse(input[:n:n], &again); !ok2 || n2 != n || again != tp {
		t.Fatalf("%%{%s}t parse(%q) = %d, %+v; of its value alone = %d, %t, %+v", arg, input, n, tp, n2, ok2, again)
	}
	unix, nsec, off, ok := tp.resolve()
	if !ok {
		return
	}
	if nsec < 0 || nsec > 999_999_999 || (off != 0 && !tp.hasZone()) {
		t.Fatalf("%%{%s}t parse(%q): resolve() = nsec %d, offset %d, hasZone %t", arg, input, nsec, off, tp.hasZone())
	}
	if tp.has&tpEpoch != 0 || (tp.given(tpSec) && tp.num[tpSec] == 60) {
		return
	}
	// The civil parts used are those of the instant at the logged offset.
	civil := time.Unix(unix+int64(off), 0).UTC()
	monthDay := tp.given(tpMonth) && tp.given(tpDay)
	for _, c := range [...]struct {
		p    timePart
		used bool
		got  int
	}{
		{tpYear, true, civil.Year()},
		{tpMonth, monthDay, int(civil.Month())},
		{tpDay, monthDay, civil.Day()},
		{tpYday, !monthDay, civil.YearDay()},
		{tpHour, true, civil.Hour()},
		{tpHour12, true, (civil.Hour()+11)%12 + 1},
		{tpMin, true, civil.Minute()},
		{tpSec, true, civil.Second()},
	} {
		if want := int(tp.num[c.p]); c.used && tp.given(c.p) && c.got != want {
			t.Fatalf("%%{%s}t parse(%q): resolve() = %v, whose part %d is %d, want %d (parts %+v)", arg, input, civil, c.p, c.got, want, tp)
		}
	}
}
