//go:build linux && (amd64 || arm64) && !noisal

package isal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

const sampleTrailer = "TRAILER!"

// sampleText is some access-log lines, the same every time.
func sampleText() []byte {
	var b bytes.Buffer
	for i := range 400 {
		fmt.Fprintf(&b, "10.0.%d.%d - - [02/Dec/2026:13:%02d:%02d +0000] \"GET /p/%d HTTP/1.1\" %d %d\n",
			i%7, i%251, i%60, (i*7)%60, i*i%1000, 200+i%3*102, i*37%5000)
	}
	return b.Bytes()
}

// selfTest inflates the sample with l, once read whole and once a few
// bytes at a time, and checks the text, the CRC-32 and size ISA-L computed, and
// that what follows the stream was left unread: the state's layout and
// the Reader's accounting of the input are then as this package assumes.
func selfTest(l *lib) error {
	want := sampleText()
	for _, r := range []io.Reader{bytes.NewReader(selfTestSample), &shortReader{r: bytes.NewReader(selfTestSample), max: 7}} {
		if err := checkSample(l, r, want); err != nil {
			return fmt.Errorf("self-test: %w", err)
		}
	}
	return nil
}

// A shortReader reads at most max bytes at a time: ISA-L's input then
// ends inside headers, Huffman tables and codes, at 7-byte steps. It
// checks what a byte at a time would, in a fifth of the time (Load runs
// once per process, 2 ms instead of 3.5).
type shortReader struct {
	r   io.Reader
	max int
}

func (s *shortReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.max)]) }

func checkSample(l *lib, r io.Reader, want []byte) error {
	z, err := newReader(l)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 4096)
	z.Reset(br)
	got, err := io.ReadAll(z)
	switch rest, _ := io.ReadAll(br); {
	case err != nil:
		return err
	case !bytes.Equal(got, want):
		return errors.New("inflated text differs")
	case z.CRC32() != crc32.ChecksumIEEE(want) || z.Size() != uint32(len(want)):
		return fmt.Errorf("CRC-32 %08x size %d, want %08x %d", z.CRC32(), z.Size(), crc32.ChecksumIEEE(want), len(want))
	case string(rest) != sampleTrailer:
		return fmt.Errorf("left %q after the stream, want %q", rest, sampleTrailer)
	}
	return nil
}
