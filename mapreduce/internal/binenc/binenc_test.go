package binenc

import (
	"encoding/binary"
	"errors"
	"testing"
)

var errBad = errors.New("bad")

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -7)
	b = AppendString(b, "hosts")
	b = binary.AppendUvarint(b, 2)
	b = append(b, 0xab, 0xcd)
	d := NewDecoder(b, errBad)
	var fixed [2]byte
	u, v, s, n := d.Uint(), d.Varint(), d.String(), d.Count()
	d.Fixed(fixed[:])
	if err := d.Finish(); err != nil || u != 300 || v != -7 || s != "hosts" || n != 2 || fixed != [2]byte{0xab, 0xcd} {
		t.Errorf("decoded %d %d %q %d %x, %v; want 300 -7 \"hosts\" 2 abcd, nil", u, v, s, n, fixed, err)
	}
}

// Malformed input fails with the caller's sentinel, the first failure
// sticks, and later reads return zero values.
func TestMalformed(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		read func(d *Decoder)
	}{
		{"empty", nil, func(d *Decoder) { d.Uint() }},
		{"cut varint", []byte{0x80}, func(d *Decoder) { d.Varint() }},
		{"string longer than the input", AppendString(nil, "abc")[:2], func(d *Decoder) { _ = d.String() }},
		{"count over the bytes left", binary.AppendUvarint(nil, 5), func(d *Decoder) { d.Count() }},
		{"int over int64", binary.AppendUvarint(nil, 1<<63), func(d *Decoder) { d.Int() }},
		{"fixed past the end", []byte{1}, func(d *Decoder) { d.Fixed(make([]byte, 2)) }},
		{"left over", []byte{1, 2}, func(d *Decoder) { d.Uint() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(tc.data, errBad)
			tc.read(d)
			if err := d.Finish(); !errors.Is(err, errBad) {
				t.Errorf("Finish() = %v, want %v", err, errBad)
			}
			if v := d.Uint(); v != 0 && tc.name != "left over" { // Finish reads nothing more
				t.Errorf("a read after the failure = %d, want 0", v)
			}
		})
	}
}
