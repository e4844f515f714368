package logscan

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"

	"github.com/logmr/logmr/logparse"
)

// encodeStats encodes what a cache entry keeps of an input's stats: its
// counts, rejections, span and examples (the rest is the input's own, filled
// in when it is finished).
func encodeStats(st *Stats) []byte {
	var b []byte
	for _, n := range []int64{st.Lines, st.Matched, st.Malformed, st.Bytes} {
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
		b = appendString(b, name)
		b = binary.AppendUvarint(b, uint64(st.named[name]))
	}
	b = binary.AppendUvarint(b, uint64(len(st.Examples)))
	for _, ex := range st.Examples {
		b = binary.AppendUvarint(b, uint64(ex.Line))
		b = appendString(b, ex.Excerpt)
		b = appendString(b, ex.Err.Error())
	}
	return b
}

// decodeStats reads what encodeStats wrote; any bytes give stats or an
// error, never a panic. file names the input in the examples.
func decodeStats(data []byte, file string) (Stats, error) {
	var st Stats
	d := decoder{buf: data}
	st.Lines, st.Matched, st.Malformed, st.Bytes = d.int(), d.int(), d.int(), d.int()
	if n := d.uint(); n != uint64(len(st.rejected)) {
		d.fail()
	}
	for i := range st.rejected {
		st.rejected[i] = d.int()
	}
	var hasSpan [1]byte
	switch d.fixed(hasSpan[:]); hasSpan[0] {
	case 1:
		sp := &st.span
		sp.first, sp.last = d.varint(), d.varint()
		sp.firstOff, sp.lastOff = int32(d.varint()), int32(d.varint())
		if sp.ok = sp.first <= sp.last; !sp.ok {
			d.fail()
		}
	case 0:
	default:
		d.fail()
	}
	for range d.count() {
		name, n := d.string(), d.int()
		if d.err == nil {
			st.addNamed(name, n)
		}
	}
	n := d.count()
	for range n {
		line, excerpt, msg := d.int(), d.string(), d.string()
		st.Examples = append(st.Examples, &logparse.LineError{File: file, Line: line, Excerpt: excerpt, Err: errors.New(msg)})
	}
	if err := d.finish(); err != nil {
		return Stats{}, err
	}
	return st, nil
}
