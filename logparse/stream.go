package logparse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/pgzip"
)

// gzipMagic starts every gzip member (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// A Stream is the decompressed content of one log input. It is not safe for
// concurrent use.
type Stream struct {
	br         *bufio.Reader // the input, read ahead; nil once closed
	member     inflater      // inflates the current gzip member; nil for plain text and other codecs
	decoded    *decoded      // decodes zstd, xz, bzip2 or lz4; nil for plain text and gzip
	ahead      *aheadReader  // ISA-L's reads on a goroutine of their own (ReadAhead); nil: none
	closer     io.Closer     // the underlying file, nil for readers we do not own
	compressed bool
	inflater   Inflater // what inflates member (InflateGo, InflateISAL) or decoded
}

// gzipReaders keeps inflaters between files: each holds a 32 KiB window and
// tables that are costly to allocate for every one of thousands of inputs.
var gzipReaders sync.Pool

// readerSize is the read-ahead for sniffing and for the inflater's input.
const readerSize = 64 << 10

// StreamOptions configures NewStreamWith. The zero value is NewStream's.
type StreamOptions struct {
	// ReadAhead inflates gzip on a goroutine of its own, in 1 MiB blocks,
	// while the caller parses, so that one stream keeps two cores busy. It
	// costs about 5 MiB per stream: use it when cores would otherwise idle
	// (fewer inputs than workers). Close stops the goroutine. Go's
	// inflater reads ahead with pgzip, ISA-L on a goroutine that fills
	// the blocks (see aheadReader).
	ReadAhead bool
	// Inflater picks what inflates gzip content (see Inflater):
	// InflateAuto, InflateGo or InflateISAL. The other compressions
	// have one decoder each, whatever it says.
	Inflater Inflater
}

// An Inflater names what decompresses a Stream's content: for gzip, one
// of the inflaters StreamOptions.Inflater picks from; for the other
// compressions, their decoder, in Go.
type Inflater uint8

const (
	// InflateAuto, the zero value, is Intel ISA-L when it loads (see
	// LoadISAL), else Go.
	InflateAuto Inflater = iota
	// InflateGo is klauspost/compress, in Go: everywhere, and about three
	// times the CPU time of ISA-L.
	InflateGo
	// InflateISAL is Intel ISA-L's libisal, loaded at run time (on
	// linux/amd64 and arm64, unless built with the noisal tag). It gives
	// the same text and the same errors as Go, but for two details: a
	// stream cut short yields the text up to the cut, where Go's stops a
	// few hundred bytes before it; and a deflate stream that does not
	// decode is a flate.CorruptInputError in both, at an offset of its
	// own. NewStreamWith fails with ErrNoISAL where it does not load.
	InflateISAL
	// InflateZstd is klauspost/compress/zstd, for zstd content.
	InflateZstd
	// InflateXZ is github.com/ulikunitz/xz, for xz content.
	InflateXZ
	// InflateBzip2 is the standard library's compress/bzip2.
	InflateBzip2
	// InflateLZ4 is github.com/pierrec/lz4/v4, for the lz4 frame format
	// (and its legacy frames).
	InflateLZ4
)

func (i Inflater) String() string {
	switch i {
	case InflateAuto:
		return "auto"
	case InflateGo:
		return "go"
	case InflateISAL:
		return "isal"
	case InflateZstd:
		return "zstd"
	case InflateXZ:
		return "xz"
	case InflateBzip2:
		return "bzip2"
	case InflateLZ4:
		return "lz4"
	}
	return fmt.Sprintf("Inflater(%d)", uint8(i))
}

// NewStream sniffs r by its first bytes: gzip content is inflated (every
// member of a multi-member file); zstd, xz, bzip2 and lz4 (frame format)
// content is decompressed, every stream or frame of a file in turn,
// zstd's and lz4's skippable frames skipped; anything else is read as
// is. Zero padding after the last gzip member or stream is ignored, as
// zcat does, for every compression (though zstd's, bzip2's and lz4's own
// tools do not all accept it); other data there is ErrTrailingData.
// The Stream does not close r.
func NewStream(r io.Reader) (*Stream, error) {
	return NewStreamWith(r, StreamOptions{})
}

// readAheadBlocks and readAheadBlockSize bound a read-ahead stream's memory.
const (
	readAheadBlocks    = 4
	readAheadBlockSize = 1 << 20
)

// NewStreamWith is NewStream with options.
func NewStreamWith(r io.Reader, opts StreamOptions) (*Stream, error) {
	size := readerSize
	if opts.ReadAhead {
		// ISA-L takes 5 to 10 % less time fed 1 MiB at a time than
		// 64 KiB; reading ahead is for a few inputs only.
		size = readAheadBlockSize
	}
	br := bufio.NewReaderSize(r, size)
	head, err := br.Peek(len(gzipMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !bytes.Equal(head, gzipMagic) {
		return newOtherStream(br, opts)
	}
	which := opts.Inflater
	if which > InflateISAL {
		return nil, fmt.Errorf("logparse: StreamOptions.Inflater %v: want auto, go or isal", which)
	}
	if which == InflateAuto {
		which = InflateGo
		if LoadISAL() == nil {
			which = InflateISAL
		}
	}
	member, err := newInflater(br, which, opts.ReadAhead)
	if member == nil && opts.Inflater == InflateAuto && errors.Is(err, ErrNoISAL) {
		// ISA-L loaded, but its memory could not be mapped (ENOMEM, the
		// map count limit): nothing was read yet, and Go will do.
		which = InflateGo
		member, err = newInflater(br, which, opts.ReadAhead)
	}
	if err != nil {
		if member != nil {
			releaseInflater(member)
		}
		return nil, gzipError(err)
	}
	member.Multistream(false) // nextMember walks the members
	s := &Stream{br: br, member: member, compressed: true, inflater: which}
	if opts.ReadAhead && which == InflateISAL {
		s.ahead = newAheadReader(s.readMembers, readAheadBlocks, readAheadBlockSize)
	}
	return s, nil
}

// newOtherStream reads br, which holds no gzip: as a codec's stream, if
// it starts like one, else as it is.
func newOtherStream(br *bufio.Reader, opts StreamOptions) (*Stream, error) {
	// A read error here is br's to return again, after the bytes before it.
	head, _ := br.Peek(sniffHead)
	c := sniffCodec(head)
	if c != nil && len(head) >= 8 && binary.LittleEndian.Uint32(head)&^0xf == 0x184d2a50 {
		// Skippable frames first: peek past them.
		head, _ = br.Peek(br.Size())
		c = sniffCodec(head)
	}
	if c == nil {
		return &Stream{br: br}, nil
	}
	d, err := newDecoded(c, br)
	if err != nil {
		return nil, err
	}
	s := &Stream{br: br, decoded: d, compressed: true, inflater: c.inflater}
	if opts.ReadAhead {
		s.ahead = newAheadReader(d.Read, readAheadBlocks, readAheadBlockSize)
	}
	return s, nil
}

// newInflater starts which on the first member in br. On error, the
// inflater is nil or to be released.
func newInflater(br *bufio.Reader, which Inflater, readAhead bool) (inflater, error) {
	switch {
	case which == InflateISAL:
		m, err := newISALMember(br)
		if m == nil {
			return nil, err
		}
		return m, err
	case readAhead:
		r, err := pgzip.NewReaderN(br, readAheadBlockSize, readAheadBlocks)
		if r == nil {
			return nil, err
		}
		return r, err
	}
	gz, _ := gzipReaders.Get().(*gzip.Reader)
	if gz == nil {
		gz = new(gzip.Reader)
	}
	return gz, gz.Reset(br)
}

// Open opens path as a Stream; "-" is standard input, which Close leaves open.
func Open(path string) (*Stream, error) {
	if path == "-" {
		return NewStream(os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s, err := NewStream(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// Read reads decompressed bytes. A gzip stream cut short returns
// ErrTruncated, and non-gzip data after the last member ErrTrailingData;
// the other compressions return errors that match those, and ErrCorrupt.
func (s *Stream) Read(p []byte) (int, error) {
	switch {
	case s.br == nil:
		return 0, io.EOF // closed
	case s.ahead != nil:
		return s.ahead.Read(p)
	case s.decoded != nil:
		return s.decoded.Read(p)
	case s.member == nil:
		return s.br.Read(p)
	}
	return s.readMembers(p)
}

// readMembers reads the text of the gzip members.
func (s *Stream) readMembers(p []byte) (int, error) {
	for {
		n, err := s.member.Read(p)
		if err == nil {
			return n, nil
		}
		if err != io.EOF {
			return n, gzipError(err)
		}
		if n > 0 {
			return n, nil // the inflater says EOF again on the next call
		}
		if more, err := s.nextMember(); !more || err != nil {
			return 0, err
		}
	}
}

// inflater is what gzip.Reader and pgzip.Reader share.
type inflater interface {
	io.Reader
	Reset(r io.Reader) error
	Multistream(ok bool)
}

// nextMember starts the next gzip member, if the input holds one. Members
// are read one at a time, rather than with the inflater's multistream mode,
// to tell what follows the last one: nothing, zero padding (left by some
// copy and rotation tools, and ignored as zcat does), or other data, which
// is an error rather than a silently shortened log.
func (s *Stream) nextMember() (more bool, err error) {
	head, _ := s.br.Peek(len(gzipMagic))
	if bytes.Equal(head, gzipMagic) {
		if err := s.member.Reset(s.br); err != nil {
			return false, gzipError(err)
		}
		s.member.Multistream(false)
		return true, nil
	}
	for {
		b, err := s.br.ReadByte()
		switch {
		case err == io.EOF:
			return false, io.EOF
		case err != nil:
			return false, err
		case b != 0:
			s.br.UnreadByte()
			return false, trailingData(s.br)
		}
	}
}

// trailingData is the error for the data in br after a gzip file's last
// member: ErrTrailingData, which names the other compression when it is
// one (a file of two compressions concatenated, which no tool reads).
func trailingData(br *bufio.Reader) error {
	head, _ := br.Peek(sniffHead)
	if c := sniffCodec(head); c != nil && len(head) == sniffHead {
		return &codecError{msg: c.name + " data after the end of the gzip stream", errs: []error{ErrTrailingData}}
	}
	return ErrTrailingData
}

// Compressed reports whether the content was compressed: gzip, zstd, xz,
// bzip2 or lz4.
func (s *Stream) Compressed() bool { return s.compressed }

// Inflater says what decompresses the content, when Compressed: for
// gzip, InflateGo or InflateISAL; else InflateZstd, InflateXZ,
// InflateBzip2 or InflateLZ4.
func (s *Stream) Inflater() Inflater { return s.inflater }

// Close releases the inflater and closes the file Open opened.
func (s *Stream) Close() error {
	if s.ahead != nil {
		s.ahead.close() // before the inflater it reads with is released
		s.ahead = nil
	}
	releaseInflater(s.member)
	if s.decoded != nil {
		s.decoded.close()
	}
	s.member, s.decoded, s.br = nil, nil, nil
	if s.closer != nil {
		err := s.closer.Close()
		s.closer = nil
		return err
	}
	return nil
}

// releaseInflater stops a read-ahead inflater's goroutine, and pools the
// others.
func releaseInflater(member inflater) {
	switch m := member.(type) {
	case *pgzip.Reader:
		m.Close() // stops and waits for the read-ahead goroutine
	case *gzip.Reader:
		gzipReaders.Put(m)
	case *isalMember:
		m.br = nil
		isalMembers.Put(m)
	}
}

// gzipError names the common failure: the inflater hit the end of input
// before the member's trailer.
func gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.Is(err, pgzip.ErrChecksum) || errors.Is(err, pgzip.ErrHeader) {
		// One line, whatever the inflater's own text: errors.Join would
		// put it on a second line, away from the file's name.
		return fmt.Errorf("corrupt gzip stream: %w", err)
	}
	return err
}
