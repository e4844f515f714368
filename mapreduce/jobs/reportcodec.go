package jobs

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/logmr/logmr/mapreduce/internal/binenc"
)

func init() {
	RegisterKind("report", func(*PartialHeader) (*Report, error) { return NewReportFunc(ReportOptions{})(), nil })
}

// PartialKind is "report" with the rules of the zone of its buckets (see
// Counter.PartialKind): a report's hours and days are that zone's.
func (r *Report) PartialKind() string { return "report v1 zone=" + zoneFingerprint(r.loc) }

// AppendPartial writes the totals, the period, the zone's name and each
// Counter's partial, length-prefixed. Spilled counts are not written: such
// a partial is not cached.
func (r *Report) AppendPartial(dst []byte) ([]byte, bool) {
	dst = binary.AppendUvarint(dst, uint64(r.requests))
	dst = binary.AppendUvarint(dst, uint64(r.bytes))
	timed := uint64(0)
	if r.timed {
		timed = 1
	}
	dst = binary.AppendUvarint(dst, timed)
	dst = binary.AppendVarint(dst, r.first)
	dst = binary.AppendVarint(dst, r.last)
	dst = binenc.AppendString(dst, r.zone)
	var part []byte
	for _, c := range r.counters() {
		var ok bool
		if part, ok = c.AppendPartial(part[:0]); !ok {
			return dst, false
		}
		dst = binenc.AppendString(dst, string(part))
	}
	return dst, true
}

// ReadPartial adds the report AppendPartial wrote.
func (r *Report) ReadPartial(data []byte) error {
	d := binenc.NewDecoder(data, errBadPartial)
	o := Report{requests: d.Int(), bytes: d.Int()}
	switch d.Uint() {
	case 0:
	case 1:
		o.timed = true
	default:
		d.Fail()
	}
	o.first, o.last = d.Varint(), d.Varint()
	zone := d.String()
	if d.Err() != nil {
		return d.Err()
	}
	if o.timed && o.first > o.last {
		return fmt.Errorf("%w: report period ends before it starts", errBadPartial)
	}
	for _, c := range r.counters() {
		part := d.Bytes()
		if d.Err() != nil {
			return d.Err()
		}
		if err := c.ReadPartial(part); err != nil {
			return err
		}
	}
	if err := d.Finish(); err != nil {
		return err
	}
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		r.zone, r.loc = zone, loc
		r.hour, r.day = bucketKey{}, bucketKey{} // keys of the former zone
		for _, c := range r.counters() {
			c.loc = loc
		}
	}
	r.requests += o.requests
	r.bytes += o.bytes
	if o.timed {
		if !r.timed || o.first < r.first {
			r.first = o.first
		}
		if !r.timed || o.last > r.last {
			r.last = o.last
		}
		r.timed = true
	}
	return nil
}
