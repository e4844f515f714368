package logparse

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"

	"github.com/logmr/logmr/logparse/internal/isal"
)

// LoadISAL loads Intel ISA-L's libisal.so.2 (Debian/Ubuntu package
// libisal2) the first time it is called, and reports whether Streams can
// inflate with it: nil, or an error wrapping ErrNoISAL that says why not.
// Later calls return the same answer at once.
func LoadISAL() error {
	if err := isal.Load(); err != nil {
		return fmt.Errorf("%w (%v)", ErrNoISAL, err)
	}
	return nil
}

// isalMember inflates one gzip member at a time with ISA-L: the header
// and trailer are read and checked here, in Go, exactly as
// klauspost/compress/gzip does (same checks, same errors), and the raw
// deflate data in between by isal.Reader, which leaves br just after it.
// It reads from the Stream's bufio.Reader and takes no more of it than the
// member, so that nextMember sees what follows.
type isalMember struct {
	br  *bufio.Reader
	z   *isal.Reader
	err error // sticky: io.EOF at the member's end
	buf [512]byte
}

// isalMembers keeps isalMembers between inputs (see gzipReaders): each
// holds about 340 KiB outside the Go heap.
var isalMembers sync.Pool

func newISALMember(br *bufio.Reader) (*isalMember, error) {
	m, _ := isalMembers.Get().(*isalMember)
	if m == nil {
		z, err := isal.NewReader()
		if err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrNoISAL, err)
		}
		m = &isalMember{z: z}
	}
	return m, m.Reset(br)
}

// Reset starts the member at the start of r, which is the Stream's
// *bufio.Reader, and reads its header.
func (m *isalMember) Reset(r io.Reader) error {
	m.br = r.(*bufio.Reader)
	if m.err = m.readHeader(); m.err == nil {
		m.z.Reset(m.br)
	}
	return m.err
}

// Multistream is a no-op: an isalMember reads one member, and
// Stream.nextMember the next.
func (m *isalMember) Multistream(bool) {}

func (m *isalMember) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n, err := m.z.Read(p)
	var corrupt *isal.CorruptError
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF:
		m.err = m.readTrailer()
	case errors.As(err, &corrupt):
		m.err = flate.CorruptInputError(corrupt.Offset)
	default:
		m.err = err // io.ErrUnexpectedEOF, or br's error
	}
	return n, m.err
}

// gzip header flags (RFC 1952).
const (
	flagHdrCrc  = 1 << 1
	flagExtra   = 1 << 2
	flagName    = 1 << 3
	flagComment = 1 << 4
)

// readHeader is klauspost/compress/gzip's Reader.readHeader, the header's
// fields dropped: the same bytes read, the same errors, io.EOF at once
// for an empty input.
func (m *isalMember) readHeader() error {
	buf := m.buf[:10]
	if _, err := io.ReadFull(m.br, buf); err != nil {
		return err
	}
	if buf[0] != gzipMagic[0] || buf[1] != gzipMagic[1] || buf[2] != 8 { // 8: deflate
		return gzip.ErrHeader
	}
	flg := buf[3]
	digest := crc32.ChecksumIEEE(buf)
	if flg&flagExtra != 0 {
		if _, err := io.ReadFull(m.br, buf[:2]); err != nil {
			return noEOF(err)
		}
		digest = crc32.Update(digest, crc32.IEEETable, buf[:2])
		var err error
		if digest, err = m.skip(int(binary.LittleEndian.Uint16(buf[:2])), digest); err != nil {
			return noEOF(err)
		}
	}
	for _, f := range []byte{flagName, flagComment} {
		if flg&f != 0 {
			var err error
			if digest, err = m.skipString(digest); err != nil {
				return err
			}
		}
	}
	if flg&flagHdrCrc != 0 {
		if _, err := io.ReadFull(m.br, buf[:2]); err != nil {
			return noEOF(err)
		}
		if binary.LittleEndian.Uint16(buf[:2]) != uint16(digest) {
			return gzip.ErrHeader
		}
	}
	if flg>>5 != 0 { // reserved flags
		return gzip.ErrHeader
	}
	return nil
}

// skip reads n bytes (at most 65535) as io.ReadFull would, adding them to
// digest.
func (m *isalMember) skip(n int, digest uint32) (uint32, error) {
	b, err := m.br.Peek(n)
	digest = crc32.Update(digest, crc32.IEEETable, b)
	m.br.Discard(len(b))
	switch {
	case len(b) == n:
		return digest, nil
	case len(b) > 0 && err == io.EOF:
		return digest, io.ErrUnexpectedEOF
	}
	return digest, err
}

// skipString reads a zero-terminated string of the header as
// klauspost/compress/gzip does: 512 bytes at most, and an end of input
// returned as io.EOF (Stream.Read then ends there, as with Go's reader).
func (m *isalMember) skipString(digest uint32) (uint32, error) {
	for i := range m.buf {
		c, err := m.br.ReadByte()
		if err != nil {
			return digest, err
		}
		m.buf[i] = c
		if c == 0 {
			return crc32.Update(digest, crc32.IEEETable, m.buf[:i+1]), nil
		}
	}
	return digest, gzip.ErrHeader
}

// readTrailer checks the member's CRC-32 and size, and returns io.EOF when
// they match.
func (m *isalMember) readTrailer() error {
	buf := m.buf[:8]
	if _, err := io.ReadFull(m.br, buf); err != nil {
		return noEOF(err)
	}
	if binary.LittleEndian.Uint32(buf[:4]) != m.z.CRC32() || binary.LittleEndian.Uint32(buf[4:]) != m.z.Size() {
		return gzip.ErrChecksum
	}
	return io.EOF
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
