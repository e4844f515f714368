package logparse

// scaledDecimal returns the non-negative decimal number in v (digits, an
// optional fraction, an optional exponent: 0.000929675, 1.2e-05) times
// 10^scale, truncated toward zero. ok is false for anything else, or a
// result that does not fit an int64. It is hand-written: strconv.ParseFloat
// would need a string (an allocation) and rounds in binary.
func scaledDecimal(v []byte, scale int) (int64, bool) {
	mant, exp, _, ok := splitDecimal(v)
	if !ok {
		return 0, false
	}
	return scaleMantissa(mant, exp+scale)
}

// splitDecimal reads v as mant × 10^exp, keeping at most 19 significant
// digits (the rest are dropped: truncated); intDigits is the number of
// digits before the point, the exponent applied.
func splitDecimal(v []byte) (mant uint64, exp, intDigits int, ok bool) {
	i, digits, sig := 0, 0, 0
	point := false
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c) && !point:
			digits++
			if mant == 0 && c == '0' {
				continue // a leading zero
			}
			if sig < 19 {
				mant, sig = mant*10+uint64(c-'0'), sig+1
			} else {
				exp++
			}
			intDigits++
		case isDigit(c):
			digits++
			if sig < 19 {
				mant, exp = mant*10+uint64(c-'0'), exp-1
				if mant > 0 {
					sig++
				}
			}
		case c == '.' && !point:
			point = true
		default:
			goto rest
		}
	}
rest:
	if digits == 0 {
		return 0, 0, 0, false
	}
	if i < len(v) {
		if v[i] != 'e' && v[i] != 'E' || i+1 == len(v) {
			return 0, 0, 0, false
		}
		i++
		neg := v[i] == '-'
		if v[i] == '-' || v[i] == '+' {
			i++
		}
		e := 0
		if i == len(v) {
			return 0, 0, 0, false
		}
		for ; i < len(v); i++ {
			if !isDigit(v[i]) || e > 1000 {
				return 0, 0, 0, false
			}
			e = e*10 + int(v[i]-'0')
		}
		if neg {
			e = -e
		}
		exp += e
		intDigits += e
	}
	return mant, exp, max(intDigits, 0), true
}

// pow10 holds the powers of ten an int64 can hold.
var pow10 = func() (t [19]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// scaleMantissa returns mant × 10^exp truncated, if it fits an int64.
func scaleMantissa(mant uint64, exp int) (int64, bool) {
	switch {
	case mant == 0:
		return 0, true
	case exp <= -19:
		return 0, true
	case exp < 0:
		return int64(mant / pow10[-exp]), mant/pow10[-exp] <= 1<<63-1
	case exp >= 19:
		return 0, false
	}
	p := pow10[exp]
	if mant > (1<<63-1)/p {
		return 0, false
	}
	return int64(mant * p), true
}

// parseAnyTime reads a JSON access log's time: an epoch number (in unit,
// or with unitAuto in seconds, milliseconds, microseconds or nanoseconds
// as its integer part has at most 11, 14, 17 or more digits: seconds up to
// the year 5138), RFC 3339 ("2024-05-01T10:00:00.123+02:00", a space for
// the T allowed) or the CLF stamp "01/May/2024:10:00:00 +0200". An epoch
// is in UTC; text keeps its offset.
func parseAnyTime(v []byte, unit timeUnit, days *dayCache) (sec int64, nsec, offset int32, ok bool) {
	if len(v) == 0 {
		return 0, 0, 0, false
	}
	if len(v) >= 10 && v[4] == '-' {
		return parseRFC3339(v)
	}
	if validCLFStamp(v) && len(v) == clfStampLen {
		sec, offset = clfStampTime(v, days)
		return sec, 0, offset, true
	}
	mant, exp, intDigits, ok := splitDecimal(v)
	if !ok {
		return 0, 0, 0, false
	}
	if unit == unitAuto {
		switch {
		case intDigits <= 11:
			unit = unitS
		case intDigits <= 14:
			unit = unitMS
		case intDigits <= 17:
			unit = unitUS
		default:
			unit = unitNS
		}
	}
	ns, ok := scaleMantissa(mant, exp+9-unit.scale())
	if !ok {
		return 0, 0, 0, false
	}
	return ns / 1e9, int32(ns % 1e9), 0, true
}

// parseRFC3339 parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)",
// a space or a lower-case t allowed for the T.
func parseRFC3339(v []byte) (sec int64, nsec, offset int32, ok bool) {
	if len(v) < 20 || v[4] != '-' || v[7] != '-' || v[13] != ':' || v[16] != ':' ||
		v[10] != 'T' && v[10] != ' ' && v[10] != 't' {
		return 0, 0, 0, false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if !isDigit(v[i]) {
			return 0, 0, 0, false
		}
	}
	y := twoDigits(v)*100 + twoDigits(v[2:])
	mo, d := twoDigits(v[5:]), twoDigits(v[8:])
	h, mi, s := twoDigits(v[11:]), twoDigits(v[14:]), twoDigits(v[17:])
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || s > 60 {
		return 0, 0, 0, false
	}
	rest := v[19:]
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		n := 1
		scale := int32(1e8)
		for n < len(rest) && isDigit(rest[n]) {
			nsec += int32(rest[n]-'0') * scale
			scale /= 10
			n++
		}
		if n == 1 {
			return 0, 0, 0, false
		}
		rest = rest[n:]
	}
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[4]) && isDigit(rest[5]):
		offset = signedOffset(rest[0], twoDigits(rest[1:]), twoDigits(rest[4:]))
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-') &&
		isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[3]) && isDigit(rest[4]):
		offset = signedOffset(rest[0], twoDigits(rest[1:]), twoDigits(rest[3:]))
	default:
		return 0, 0, 0, false
	}
	if offset > 24*3600 || offset < -24*3600 {
		return 0, 0, 0, false
	}
	sec = daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s) - int64(offset)
	return sec, nsec, offset, true
}
