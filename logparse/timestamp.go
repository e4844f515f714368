package logparse

// parseCLFTime parses Apache's %t, "dd/Mon/yyyy:HH:MM:SS +hhmm", from the
// start of b (the opening '[' already consumed) and returns the Unix time, the
// offset in seconds east of UTC and the bytes used. A hand-written parser:
// time.Parse per line would cost more than the rest of the line together.
func parseCLFTime(b []byte) (unix int64, offset int32, n int, ok bool) {
	t, n, ok := checkCLFStamp(b)
	if !ok {
		return 0, 0, 0, false
	}
	return t.unix(), t.offset, n, true
}

// clfStamp is a checked %t, not yet converted to Unix time: a caller that
// does not read the time (Parser.Need) skips the conversion.
type clfStamp struct {
	year, month, day, hour, minute, sec int
	offset                              int32
}

func (t clfStamp) unix() int64 {
	days := daysFromCivil(t.year, t.month, t.day)
	return days*86400 + int64(t.hour*3600+t.minute*60+t.sec) - int64(t.offset)
}

// checkCLFStamp is parseCLFTime without the conversion.
func checkCLFStamp(b []byte) (t clfStamp, n int, ok bool) {
	const layoutLen = len("02/Jan/2006:15:04:05 -0700")
	if len(b) < layoutLen || b[2] != '/' || b[6] != '/' || b[11] != ':' ||
		b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return t, 0, false
	}
	day, ok1 := digits2(b[0], b[1])
	month := monthNumber(b[3], b[4], b[5])
	year, ok2 := digits4(b[7:11])
	hour, ok3 := digits2(b[12], b[13])
	minute, ok4 := digits2(b[15], b[16])
	sec, ok5 := digits2(b[18], b[19])
	offH, ok6 := digits2(b[22], b[23])
	offM, ok7 := digits2(b[24], b[25])
	sign := b[21]
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month == 0 ||
		(sign != '+' && sign != '-') || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 60 || offH > 23 || offM > 59 {
		return t, 0, false
	}
	offset := int32(offH*3600 + offM*60)
	if sign == '-' {
		offset = -offset
	}
	return clfStamp{year, month, day, hour, minute, sec, offset}, layoutLen, true
}

func digits2(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

func digits4(b []byte) (int, bool) {
	hi, ok1 := digits2(b[0], b[1])
	lo, ok2 := digits2(b[2], b[3])
	return hi*100 + lo, ok1 && ok2
}

// monthNumber maps "Jan".."Dec" (case as Apache writes it) to 1..12, else 0.
func monthNumber(a, b, c byte) int {
	key := uint32(a)<<16 | uint32(b)<<8 | uint32(c)
	for i, m := range monthKeys {
		if m == key {
			return i + 1
		}
	}
	return 0
}

var monthKeys = func() (keys [12]uint32) {
	for i, name := range []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		keys[i] = uint32(name[0])<<16 | uint32(name[1])<<8 | uint32(name[2])
	}
	return keys
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
