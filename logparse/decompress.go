package logparse

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// A codec is one of the compressions other than gzip that logrotate's
// compresscmd writes, read in this process: what starts it, how to open a
// decoder on it, and how the decoder says that what follows a stream is
// no stream. Each decoder reads every stream (frame) of a file in turn,
// as the tool's own -dc does.
type codec struct {
	name     string   // "zstd", in errors: "truncated zstd stream"
	inflater Inflater // what Stream.Inflater says
	// magicRead is how many bytes the decoder reads where it looks for
	// the next stream before saying none starts there (isBadMagic): if
	// they and all that follows are zeros, the file was zero-padded.
	magicRead  int64
	isBadMagic func(error) bool
	open       func(r io.Reader) (io.Reader, error)
	release    func(io.Reader) // nil: nothing to give back
}

// The magic numbers that start each codec's streams.
var (
	zstdMagic      = []byte{0x28, 0xb5, 0x2f, 0xfd}
	xzMagic        = []byte{0xfd, '7', 'z', 'X', 'Z', 0}
	lz4Magic       = []byte{0x04, 0x22, 0x4d, 0x18}
	lz4LegacyMagic = []byte{0x02, 0x21, 0x4c, 0x18}
	// A bzip2 stream is "BZh", the block size '1' to '9', then the
	// magic of its first block (the digits of pi) or, empty, of its end
	// (those of sqrt(pi)): ten bytes that plain text never starts with.
	bzip2Block = []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}
	bzip2End   = []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}
)

// sniffHead is how many bytes sniffCodec looks at, past skippable frames.
const sniffHead = 10

// CompressedHead is how many bytes of a file Compressed wants.
const CompressedHead = sniffHead

// Compressed reports whether head, the first CompressedHead bytes of a
// file (fewer: all of it), starts a compressed stream that a Stream
// inflates: gzip, zstd, xz, bzip2 or lz4. A reader that follows a file
// as it grows (tail -f) reads such a file once, whole, through a Stream.
func Compressed(head []byte) bool {
	return bytes.HasPrefix(head, gzipMagic) || sniffCodec(head) != nil
}

// sniffCodec returns the codec whose stream starts head, nil for none
// (gzip is the Stream's own). A head shorter than sniffHead is all the
// input. Skippable frames, which zstd and lz4 share, are looked past as
// far as head reaches; a file that starts with more of them than that is
// taken for zstd, the likelier. A head of 2 to 5 bytes that is all the
// input and the start of a zstd, xz or lz4 magic number is that codec's
// (a truncated stream).
func sniffCodec(head []byte) *codec {
	off := 0
	for len(head) >= off+8 && binary.LittleEndian.Uint32(head[off:])&^0xf == 0x184d2a50 {
		off += 8 + int(binary.LittleEndian.Uint32(head[off+4:]))
		if off < 0 || off+4 > len(head) {
			return &zstdCodec
		}
	}
	head = head[off:]
	switch {
	case bytes.HasPrefix(head, zstdMagic):
		return &zstdCodec
	case bytes.HasPrefix(head, xzMagic):
		return &xzCodec
	case bytes.HasPrefix(head, lz4Magic), bytes.HasPrefix(head, lz4LegacyMagic):
		return &lz4Codec
	case isBzip2Head(head):
		return &bzip2Codec
	}
	if len(head) >= 2 && len(head) < sniffHead {
		// All the input, cut within a magic number: a truncated stream.
		// Two bytes of these are no text ("(" then 0xb5, 0xfd, control
		// characters); bzip2's "BZ" is, and needs its four.
		switch {
		case startsMagic(head, zstdMagic) && len(head) < len(zstdMagic):
			return &zstdCodec
		case startsMagic(head, xzMagic) && len(head) < len(xzMagic):
			return &xzCodec
		case startsMagic(head, lz4Magic) && len(head) < len(lz4Magic),
			startsMagic(head, lz4LegacyMagic) && len(head) < len(lz4LegacyMagic):
			return &lz4Codec
		}
	}
	return nil
}

// isBzip2Head reports whether head starts a bzip2 stream: "BZh", the block
// size, then a block's or the end's magic, or as much of them as head
// holds ("BZh" alone is text).
func isBzip2Head(head []byte) bool {
	return len(head) >= 4 && string(head[:3]) == "BZh" && '1' <= head[3] && head[3] <= '9' &&
		(startsMagic(head[4:], bzip2Block) || startsMagic(head[4:], bzip2End))
}

// startsMagic reports whether b starts with magic, or, shorter (the
// input ended there: a file cut short), is the start of it.
func startsMagic(b, magic []byte) bool {
	n := min(len(b), len(magic))
	return bytes.Equal(b[:n], magic[:n])
}

// zstdMaxWindow is the largest zstd window read: what zstd -d itself
// reads without --memory (128 MiB, from --long=27). A decoder's memory
// is about its input's window: 1 to 8 MiB at zstd's levels 1 to 19,
// 8 MiB for --ultra -20 and up, more only with --long.
const zstdMaxWindow = 128 << 20

// zstdDecoders keeps decoders between inputs (see gzipReaders). Each
// decodes on the caller's goroutine (concurrency 1) and allocates no
// more than its input's window needs (lowmem).
var zstdDecoders sync.Pool

var zstdCodec = codec{
	name: "zstd", inflater: InflateZstd, magicRead: 4,
	isBadMagic: func(err error) bool { return errors.Is(err, zstd.ErrMagicMismatch) },
	open: func(r io.Reader) (io.Reader, error) {
		d, _ := zstdDecoders.Get().(*zstd.Decoder)
		if d == nil {
			var err error
			d, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(zstdMaxWindow))
			if err != nil {
				return nil, err
			}
		}
		if err := d.Reset(r); err != nil {
			zstdDecoders.Put(d)
			return nil, err
		}
		return d, nil
	},
	release: func(r io.Reader) {
		d := r.(*zstd.Decoder)
		d.Reset(nil) // drops the input; keeps the buffers
		zstdDecoders.Put(d)
	},
}

// xzCodec reads every stream of a file and the zero padding between and
// after them, as the xz format allows. Its decoder allocates the
// dictionary the stream's header asks for (8 MiB at xz's default level,
// -6; 64 MiB at -9), but its pages are touched only as the text fills
// them: a file of 19 MB of text written with a 1 GiB dictionary is read
// in 40 MiB of RSS.
var xzCodec = codec{
	name: "xz", inflater: InflateXZ, magicRead: 12, // a stream header; padding is the decoder's
	isBadMagic: func(err error) bool { return err != nil && err.Error() == "xz: invalid header magic bytes" },
	open:       func(r io.Reader) (io.Reader, error) { return xz.NewReader(r) },
}

var bzip2Codec = codec{
	name: "bzip2", inflater: InflateBzip2, magicRead: 2,
	isBadMagic: func(err error) bool {
		return errors.Is(err, bzip2.StructuralError("bad magic value in continuation file"))
	},
	open: func(r io.Reader) (io.Reader, error) { return bzip2.NewReader(r), nil },
}

// lz4Readers keeps lz4 readers between inputs: each holds a block buffer
// of up to 4 MiB (8 MiB for legacy frames).
var lz4Readers sync.Pool

var lz4Codec = codec{
	name: "lz4", inflater: InflateLZ4, magicRead: 4,
	isBadMagic: func(err error) bool { return errors.Is(err, lz4.ErrInvalidFrame) },
	open: func(r io.Reader) (io.Reader, error) {
		z, _ := lz4Readers.Get().(*lz4.Reader)
		if z == nil {
			z = lz4.NewReader(nil) // one goroutine: the caller's (lz4.DefaultConcurrency)
		}
		z.Reset(r)
		return z, nil
	},
	release: func(r io.Reader) {
		z := r.(*lz4.Reader)
		z.Reset(nil)
		lz4Readers.Put(z)
	},
}

// decoded is a codec's decoder reading a Stream's input, and what it
// takes to tell how the input ended.
type decoded struct {
	c   *codec
	dec io.Reader
	in  *boundaryReader
	err error // sticky, once reading failed or ended
}

func newDecoded(c *codec, br *bufio.Reader) (*decoded, error) {
	d := &decoded{c: c, in: &boundaryReader{r: br}}
	dec, err := c.open(d.in) // xz reads the stream header here
	if err != nil {
		return nil, d.fail(err)
	}
	d.dec = dec
	return d, nil
}

// Read reads decompressed text: io.EOF at the end of the last stream, or
// an error that says how the input failed (see fail).
func (d *decoded) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.dec.Read(p)
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF:
		d.err = io.EOF
	default:
		d.err = d.fail(err)
	}
	return n, d.err
}

// fail names why decoding stopped: an error reading the input itself, as
// it is; a stream cut short, ErrTruncated; something other than a stream
// after the last, ErrTrailingData, but for zero padding, which ends the
// text as the tools' -dc do; anything else, ErrCorrupt.
func (d *decoded) fail(err error) error {
	name := d.c.name
	switch {
	case d.in.err != nil:
		return d.in.err
	case d.c.isBadMagic(err):
		if d.in.zeros >= d.c.magicRead && allZero(d.in.r) {
			return io.EOF
		}
		if d.in.err != nil {
			return d.in.err
		}
		return &codecError{msg: "data after the end of the " + name + " stream", errs: []error{ErrTrailingData}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &codecError{msg: "truncated " + name + " stream", errs: []error{ErrTruncated}}
	}
	return &codecError{msg: "corrupt " + name + " stream: " + err.Error(), errs: []error{ErrCorrupt, err}}
}

// close gives the decoder back.
func (d *decoded) close() {
	if d.c.release != nil && d.dec != nil {
		d.c.release(d.dec)
	}
	d.dec, d.in = nil, nil
}

// allZero reads the rest of r and reports whether it is all zero bytes.
func allZero(r *bufio.Reader) bool {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return err == io.EOF
		}
		if b != 0 {
			return false
		}
	}
}

// boundaryReader is a decoder's input: it counts the zero bytes at the end
// of what was read (to tell zero padding after the last stream from other
// data), and keeps the input's own read error apart from what the decoder
// makes of it.
type boundaryReader struct {
	r     *bufio.Reader
	zeros int64 // zero bytes since the last non-zero byte read
	err   error // the input's error, other than io.EOF
}

func (b *boundaryReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.see(p[:n])
	b.keep(err)
	return n, err
}

// ReadByte spares bzip2's reader a buffer of its own, which would read
// past a stream's end.
func (b *boundaryReader) ReadByte() (byte, error) {
	c, err := b.r.ReadByte()
	switch {
	case err != nil:
		b.keep(err)
	case c == 0:
		b.zeros++
	default:
		b.zeros = 0
	}
	return c, err
}

func (b *boundaryReader) see(p []byte) {
	j := len(p) - 1
	for j >= 0 && p[j] == 0 {
		j--
	}
	if j >= 0 {
		b.zeros = 0
	}
	b.zeros += int64(len(p) - 1 - j)
}

func (b *boundaryReader) keep(err error) {
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
}

// A codecError is a failure of a codec other than gzip, worded for it
// ("truncated zstd stream") and matching the sentinel errors that gzip's
// failures match (ErrTruncated, ErrTrailingData, ErrCorrupt).
type codecError struct {
	msg  string
	errs []error
}

func (e *codecError) Error() string   { return e.msg }
func (e *codecError) Unwrap() []error { return e.errs }
