package logparse

import "encoding/binary"

// parseCLFTime parses Apache's %t, "dd/Mon/yyyy:HH:MM:SS +hhmm", from the
// start of b (the opening '[' already consumed) and returns the Unix time, the
// offset in seconds east of UTC and the bytes used. A hand-written parser:
// time.Parse per line would cost more than the rest of the line together.
func parseCLFTime(b []byte) (unix int64, offset int32, n int, ok bool) {
	if !validCLFStamp(b) {
		return 0, 0, 0, false
	}
	var days dayCache
	unix, offset = clfStampTime(b, &days)
	return unix, offset, clfStampLen, true
}

// clfStampLen is the length of %t's stamp inside its brackets.
const clfStampLen = len(clfStampShape)

// clfStampShape is what validCLFStamp checks byte by byte: a '0' is any
// digit, the letters are the month (monthNumber) and '+' the sign; every
// other byte stands for itself.
const clfStampShape = "00/Jan/0000:00:00:00 +0000"

// validCLFStamp reports whether b starts with a valid %t stamp (without
// its brackets): the shape of clfStampShape, a real date, a time of day
// (second 60 allowed) and an offset within ±23:59. It runs on every line,
// so it checks the first 24 bytes 8 at a time against a table made from
// clfStampShape (stampWords), and only the ranges and the month byte by
// byte. It does not convert: a caller that does not read the time
// (Parser.Need) never pays for clfStampTime.
func validCLFStamp(b []byte) bool {
	if len(b) < clfStampLen {
		return false
	}
	bad := stampWords[0].bad(binary.LittleEndian.Uint64(b[0:])) |
		stampWords[1].bad(binary.LittleEndian.Uint64(b[8:])) |
		stampWords[2].bad(binary.LittleEndian.Uint64(b[16:]))
	if bad != 0 || !isDigit(b[24]) || !isDigit(b[25]) || b[21] != '+' && b[21] != '-' {
		return false
	}
	// Every digit is one: minutes are in range when their tens are.
	if twoDigits(b[12:]) > 23 || b[15] > '5' || twoDigits(b[18:]) > 60 ||
		twoDigits(b[22:]) > 23 || b[24] > '5' {
		return false
	}
	month := monthNumber(b[3], b[4], b[5])
	day := twoDigits(b)
	return month != 0 && day >= 1 && (day <= 28 || day <= daysIn(month, stampYear(b)))
}

// clfStampTime converts a stamp validCLFStamp accepted to the Unix time
// and the offset in seconds east of UTC. days remembers the last date
// converted: the lines of a log come in time order, so most share it.
func clfStampTime(b []byte, days *dayCache) (unix int64, offset int32) {
	offset = int32(twoDigits(b[22:])*3600 + twoDigits(b[24:])*60)
	if b[21] == '-' {
		offset = -offset
	}
	secs := twoDigits(b[12:])*3600 + twoDigits(b[15:])*60 + twoDigits(b[18:])
	return days.of(b)*86400 + int64(secs) - int64(offset), offset
}

// A dayCache holds the day number of the last "dd/Mon/yyyy" converted. Its
// zero value holds none: no valid stamp has zero bytes.
type dayCache struct {
	date uint64 // the stamp's bytes 0 to 7, "dd/Mon/y"
	year uint32 // its bytes 7 to 10, "yyyy"
	days int64  // since 1970-01-01
}

// of returns the days since 1970-01-01 of the valid stamp b's date.
func (c *dayCache) of(b []byte) int64 {
	date, year := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[7:])
	if date != c.date || year != c.year {
		c.date, c.year = date, year
		c.days = daysFromCivil(stampYear(b), monthNumber(b[3], b[4], b[5]), twoDigits(b))
	}
	return c.days
}

// twoDigits is the value of b[0:2], two checked digits.
func twoDigits(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

func stampYear(b []byte) int { return twoDigits(b[7:])*100 + twoDigits(b[9:]) }

// A stampWord checks 8 bytes of a stamp at once: bad is not zero when a
// byte that must be a digit is not one, or a fixed byte is not itself.
type stampWord struct {
	want   uint64 // the fixed bytes, and 0x30 (the high nibble of a digit) at digits
	mask   uint64 // 0xFF at fixed bytes, 0xF0 at digits, 0 at bytes not checked
	digits uint64 // 0xF0 at digits
}

func (s *stampWord) bad(w uint64) uint64 {
	// A digit is 0x30 to 0x39: high nibble 3, and a low nibble that does
	// not carry into the high one when 6 is added to it.
	const low, six = 0x0F0F0F0F0F0F0F0F, 0x0606060606060606
	return (w^s.want)&s.mask | ((w&low)+six)&s.digits
}

// stampWords are the checks of clfStampShape's first 24 bytes, in
// little-endian words (byte i of a word is bits 8i to 8i+7).
var stampWords = func() (words [3]stampWord) {
	for i := range 24 {
		w, shift := &words[i/8], 8*uint(i%8)
		switch c := clfStampShape[i]; {
		case c == '0':
			w.want |= 0x30 << shift
			w.mask |= 0xF0 << shift
			w.digits |= 0xF0 << shift
		case c == '+' || 'A' <= c && c <= 'z': // sign and month: not here
		default:
			w.want |= uint64(c) << shift
			w.mask |= 0xFF << shift
		}
	}
	return words
}()

func digits2(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

// monthNumber maps "Jan".."Dec" (case as Apache writes it) to 1..12, else
// 0. The sum of the last two letters, modulo 32, differs for each month:
// one look-up in monthByHash and one comparison.
func monthNumber(a, b, c byte) int {
	m := monthByHash[(b+c)&31]
	if m == 0 || monthKeys[m-1] != uint32(a)<<16|uint32(b)<<8|uint32(c) {
		return 0
	}
	return int(m)
}

var monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var monthKeys = func() (keys [12]uint32) {
	for i, name := range monthNames {
		keys[i] = uint32(name[0])<<16 | uint32(name[1])<<8 | uint32(name[2])
	}
	return keys
}()

// monthByHash maps (b+c)&31 of a month name "abc" to its number 1..12, 0
// for no month; TestMonthNumber checks that no two months collide.
var monthByHash = func() (table [32]uint8) {
	for i, name := range monthNames {
		table[(name[1]+name[2])&31] = uint8(i + 1)
	}
	return table
}()

func daysIn(month, year int) int {
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

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm), exact for every year.
func daysFromCivil(y, m, d int) int64 {
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
