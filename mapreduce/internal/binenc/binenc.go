// Package binenc reads and writes the varint-framed binary that cache
// entries, their stats and partial results are encoded in: one decoder,
// with a sticky error, for the three packages that write such bytes.
package binenc

import (
	"encoding/binary"
	"fmt"
)

// AppendString appends s with its length before it.
func AppendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// A Decoder reads what binary.AppendUvarint, AppendVarint and AppendString
// wrote. The first error sticks, as bad (the caller's sentinel), and later
// reads return zero values: a caller reads everything, then checks Err or
// Finish once.
type Decoder struct {
	buf []byte
	bad error
	err error
}

// NewDecoder reads buf; bad is the error any malformed input gives.
func NewDecoder(buf []byte, bad error) *Decoder { return &Decoder{buf: buf, bad: bad} }

// Fail marks the input malformed.
func (d *Decoder) Fail() {
	if d.err == nil {
		d.err = d.bad
	}
	d.buf = nil
}

// Err returns the error so far: nil, or bad.
func (d *Decoder) Err() error { return d.err }

// Uint reads an unsigned varint.
func (d *Decoder) Uint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.Fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// Int reads a non-negative int64.
func (d *Decoder) Int() int64 {
	v := d.Uint()
	if v > 1<<63-1 {
		d.Fail()
		return 0
	}
	return int64(v)
}

// Varint reads a signed varint.
func (d *Decoder) Varint() int64 {
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.Fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// Count reads a number of items, each at least one byte long: more than
// the bytes left is malformed, so a count can size an allocation safely.
func (d *Decoder) Count() int {
	v := d.Uint()
	if v > uint64(len(d.buf)) {
		d.Fail()
		return 0
	}
	return int(v)
}

// Bytes reads what AppendString wrote; the result aliases the input.
func (d *Decoder) Bytes() []byte {
	n := d.Uint()
	if n > uint64(len(d.buf)) {
		d.Fail()
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

// String reads what AppendString wrote.
func (d *Decoder) String() string { return string(d.Bytes()) }

// Fixed reads len(dst) bytes into dst.
func (d *Decoder) Fixed(dst []byte) {
	if len(d.buf) < len(dst) {
		d.Fail()
		return
	}
	copy(dst, d.buf)
	d.buf = d.buf[len(dst):]
}

// Finish returns the error, and fails if anything is left over.
func (d *Decoder) Finish() error {
	if d.err == nil && len(d.buf) > 0 {
		d.err = fmt.Errorf("%w: %d bytes left over", d.bad, len(d.buf))
	}
	return d.err
}
