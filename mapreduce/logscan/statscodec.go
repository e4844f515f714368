package logscan

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/internal/binenc"
)

// encodeStats encodes what a cache entry keeps of an input's stats: its
// counts, rejections, span and examples (the rest is the input's own, filled
// in when it is finished).
func encodeStats(st *Stats) []byte {
	var b []byte
	for _, n := range []int64{st.Lines, st.Matched, st.Malformed, st.Bytes, st.Parsed, st.Sampled, st.SampledMalformed} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = binary.AppendUvarint(b, uint64(len(st.rejected)))
	for _, n := range st.rejected {
		b = binary.AppendUvarint(b, uint64(n))
	}
	if st.span.ok {
		b = append(b, 1)
		b = binary.AppendVarint(b, st.span.first)
		b = binary.AppendVarint(b, st.span.last)
		b = binary.AppendVarint(b, int64(st.span.firstOff))
		b = binary.AppendVarint(b, int64(st.span.lastOff))
	} else {
		b = append(b, 0)
	}
	names := slices.Sorted(maps.Keys(st.named))
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		b = binenc.AppendString(b, name)
		b = binary.AppendUvarint(b, uint64(st.named[name]))
	}
	b = binary.AppendUvarint(b, uint64(len(st.Examples)))
	for _, ex := range st.Examples {
		b = binary.AppendUvarint(b, uint64(ex.Line))
		b = binenc.AppendString(b, ex.Excerpt)
		b = binenc.AppendString(b, ex.Err.Error())
	}
	return b
}

// decodeStats reads what encodeStats wrote; any bytes give stats or an
// error, never a panic. file names the input in the examples.
func decodeStats(data []byte, file string) (Stats, error) {
	var st Stats
	d := binenc.NewDecoder(data, errBadStats)
	st.Lines, st.Matched, st.Malformed, st.Bytes = d.Int(), d.Int(), d.Int(), d.Int()
	st.Parsed, st.Sampled, st.SampledMalformed = d.Int(), d.Int(), d.Int()
	if st.Parsed > st.Lines || st.Sampled > st.Parsed || st.SampledMalformed > st.Sampled {
		d.Fail()
	}
	if n := d.Uint(); n != uint64(len(st.rejected)) {
		d.Fail()
	}
	for i := range st.rejected {
		st.rejected[i] = d.Int()
	}
	var hasSpan [1]byte
	switch d.Fixed(hasSpan[:]); hasSpan[0] {
	case 1:
		sp := &st.span
		sp.first, sp.last = d.Varint(), d.Varint()
		sp.firstOff, sp.lastOff = int32(d.Varint()), int32(d.Varint())
		if sp.ok = sp.first <= sp.last; !sp.ok {
			d.Fail()
		}
	case 0:
	default:
		d.Fail()
	}
	for range d.Count() {
		name, n := d.String(), d.Int()
		if d.Err() == nil {
			st.addNamed(name, n)
		}
	}
	n := d.Count()
	for range n {
		line, excerpt, msg := d.Int(), d.String(), d.String()
		st.Examples = append(st.Examples, &logparse.LineError{File: file, Line: line, Excerpt: excerpt, Err: errors.New(msg)})
	}
	if err := d.Finish(); err != nil {
		return Stats{}, err
	}
	return st, nil
}
