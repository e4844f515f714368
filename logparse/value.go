package logparse

import (
	"strconv"
	"time"
)

// AppendValue appends the value of field fd of rec to dst as text: strings
// decoded from Apache's escapes, numbers in decimal, times in RFC 3339 with
// the offset they were logged in. ok is false, and dst unchanged, when the
// line logged the field as "-" (null). fd must come from the Fields of the
// format rec was parsed with.
func (r *Record) AppendValue(dst []byte, fd Field) (_ []byte, ok bool) {
	if fd.Type == TypeString {
		text, ok := r.text(fd)
		return append(dst, text...), ok
	}
	switch fd.slot {
	case slotTime:
		if !r.hasTime {
			return dst, false
		}
		return appendRFC3339(dst, r.Time, r.Nsec, r.Offset), true
	case slotTimeEnd:
		if !r.hasEndTime {
			return dst, false
		}
		return appendRFC3339(dst, r.endTime, r.endNsec, r.endOffset), true
	case slotStatus:
		return appendNumber(dst, int64(r.Status), 1)
	case slotBytes:
		return appendNumber(dst, r.Bytes, 1)
	case slotPort:
		return appendNumber(dst, int64(r.Port), 1)
	case slotDuration:
		return appendNumber(dst, r.Duration, max(fd.unit, 1))
	}
	text, ok := r.text(fd)
	if !ok {
		return dst, false
	}
	n, _ := parseDecimal(text) // checked by Parse; this drops leading zeros
	return strconv.AppendInt(dst, n, 10), true
}

// text returns the text of a string field, or the digits of a number kept
// in extra; ok is false when it was logged as "-".
func (r *Record) text(fd Field) (text []byte, ok bool) {
	if m := r.textMember(fd.slot); m != nil {
		text = *m
	} else if i := int(fd.slot - slotExtra); i >= 0 && i < len(r.extra) {
		text = r.extra[i]
	}
	return text, text != nil
}

func appendNumber(dst []byte, n, unit int64) ([]byte, bool) {
	if n < 0 {
		return dst, false
	}
	return strconv.AppendInt(dst, n/unit, 10), true
}

// appendRFC3339 writes an instant in the offset it was logged with, with
// as many fraction digits as it needs (none, 3, 6 or 9). It does not
// allocate, unlike time.FixedZone.
func appendRFC3339(dst []byte, unix int64, nsec, offset int32) []byte {
	t := time.Unix(unix+int64(offset), int64(nsec)).UTC()
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	switch {
	case nsec == 0:
	case nsec%1e6 == 0:
		dst = t.AppendFormat(dst, ".000")
	case nsec%1e3 == 0:
		dst = t.AppendFormat(dst, ".000000")
	default:
		dst = t.AppendFormat(dst, ".000000000")
	}
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	h, m := offset/3600, offset/60%60
	return append(dst, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

// textMember returns the typed text member that slot s names, or nil.
func (r *Record) textMember(s slot) *[]byte {
	switch s {
	case slotHost:
		return &r.Host
	case slotIdent:
		return &r.Ident
	case slotUser:
		return &r.User
	case slotRequest:
		return &r.Request
	case slotMethod:
		return &r.Method
	case slotTarget:
		return &r.Target
	case slotProtocol:
		return &r.Protocol
	case slotReferer:
		return &r.Referer
	case slotUserAgent:
		return &r.UserAgent
	case slotVHost:
		return &r.VHost
	}
	return nil
}
