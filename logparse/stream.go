package logparse

import (
	"bufio"
	"bytes"
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
	member     inflater      // inflates the current gzip member; nil for plain text
	closer     io.Closer     // the underlying file, nil for readers we do not own
	compressed bool
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
	// (fewer inputs than workers). Close stops the goroutine.
	ReadAhead bool
}

// NewStream sniffs r: content that starts with the gzip magic is inflated
// (every member of a multi-member file), anything else is read as is.
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
	br := bufio.NewReaderSize(r, readerSize)
	head, err := br.Peek(len(gzipMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	if !bytes.Equal(head, gzipMagic) {
		return &Stream{br: br}, nil
	}
	var member inflater
	if opts.ReadAhead {
		member, err = pgzip.NewReaderN(br, readAheadBlockSize, readAheadBlocks)
	} else if gz, _ := gzipReaders.Get().(*gzip.Reader); gz != nil {
		member, err = gz, gz.Reset(br)
	} else {
		member, err = gzip.NewReader(br)
	}
	if err != nil {
		return nil, gzipError(err)
	}
	member.Multistream(false) // nextMember walks the members
	return &Stream{br: br, member: member, compressed: true}, nil
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
// ErrTruncated, and non-gzip data after the last member ErrTrailingData.
func (s *Stream) Read(p []byte) (int, error) {
	switch {
	case s.br == nil:
		return 0, io.EOF // closed
	case s.member == nil:
		return s.br.Read(p)
	}
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
			return false, ErrTrailingData
		}
	}
}

// Compressed reports whether the content was gzip.
func (s *Stream) Compressed() bool { return s.compressed }

// Close releases the inflater and closes the file Open opened.
func (s *Stream) Close() error {
	switch m := s.member.(type) {
	case *pgzip.Reader:
		m.Close() // stops and waits for the read-ahead goroutine
	case *gzip.Reader:
		gzipReaders.Put(m)
	}
	s.member, s.br = nil, nil
	if s.closer != nil {
		err := s.closer.Close()
		s.closer = nil
		return err
	}
	return nil
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
