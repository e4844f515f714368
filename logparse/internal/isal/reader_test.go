//go:build linux && (amd64 || arm64) && !noisal

package isal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/flate"
)

// needISAL skips the test when libisal is not installed.
func needISAL(tb testing.TB) {
	tb.Helper()
	if err := Load(); err != nil {
		tb.Skipf("ISA-L not installed (Debian/Ubuntu package libisal2): %v", err)
	}
}

func TestSampleIsSampleText(t *testing.T) {
	stream := selfTestSample[:len(selfTestSample)-len(sampleTrailer)]
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(stream)))
	if err != nil || !bytes.Equal(got, sampleText()) {
		t.Fatalf("selfTestSample inflates in Go to %d bytes, %v; want sampleText()", len(got), err)
	}
	if tail := string(selfTestSample[len(stream):]); tail != sampleTrailer {
		t.Fatalf("selfTestSample ends with %q, want %q", tail, sampleTrailer)
	}
}

func TestLoadMissingLibrary(t *testing.T) {
	_, err := load([]string{"libisal-does-not-exist.so.9"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "libisal-does-not-exist.so.9") {
		t.Fatalf("load(missing) = %v, want ErrUnavailable naming the library", err)
	}
}

// deflateBytes compresses text at level, in blocks of block bytes each
// followed by a flush (0: none).
func deflateBytes(tb testing.TB, text []byte, level, block int) []byte {
	tb.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		tb.Fatal(err)
	}
	for len(text) > 0 {
		n := len(text)
		if block > 0 {
			n = min(n, block)
		}
		w.Write(text[:n])
		if block > 0 {
			w.Flush()
		}
		text = text[n:]
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// randomText is n bytes of log-like text with some incompressible runs.
func randomText(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		if r.IntN(20) == 0 {
			for range r.IntN(3000) {
				b.WriteByte(byte(r.Uint32()))
			}
			continue
		}
		b.WriteString(sampleLines[r.IntN(len(sampleLines))])
	}
	return b.Bytes()[:n]
}

var sampleLines = strings.SplitAfter(string(sampleText()), "\n")

func TestReaderMatchesGo(t *testing.T) {
	needISAL(t)
	readers := map[string]func(io.Reader) io.Reader{
		"whole":   func(r io.Reader) io.Reader { return r },
		"onebyte": iotest.OneByteReader,
		"halves":  iotest.HalfReader,
	}
	for _, tc := range []struct {
		name         string
		size         int
		level, block int
	}{
		{"empty", 0, 6, 0},
		{"small", 100, 6, 0},
		{"stored", 200 << 10, flate.NoCompression, 0},
		{"huffman-only", 300 << 10, flate.HuffmanOnly, 0},
		{"fast", 1 << 20, 1, 0},
		{"best", 1 << 20, 9, 0},
		{"flushes", 500 << 10, 6, 7000},
	} {
		text := randomText(tc.size, uint64(tc.size))
		stream := deflateBytes(t, text, tc.level, tc.block)
		for rname, wrap := range readers {
			if rname == "onebyte" && len(stream) > 100<<10 {
				continue
			}
			for _, tail := range []string{"", "\x1f\x8b\x08\x00", "12345678abcdefgh"} {
				t.Run(fmt.Sprintf("%s/%s/tail%d", tc.name, rname, len(tail)), func(t *testing.T) {
					z, err := NewReader()
					if err != nil {
						t.Fatal(err)
					}
					br := bufio.NewReaderSize(wrap(bytes.NewReader(append(stream[:len(stream):len(stream)], tail...))), 64<<10)
					z.Reset(br)
					got, err := readAllSizes(z)
					if err != nil || !bytes.Equal(got, text) {
						t.Fatalf("Read: %d bytes, %v; want %d bytes, nil", len(got), err, len(text))
					}
					if z.CRC32() != crc32.ChecksumIEEE(text) || z.Size() != uint32(len(text)) {
						t.Errorf("CRC32, Size = %08x, %d; want %08x, %d", z.CRC32(), z.Size(), crc32.ChecksumIEEE(text), len(text))
					}
					if rest, _ := io.ReadAll(br); string(rest) != tail {
						t.Errorf("left %q after the stream, want %q", rest, tail)
					}
				})
			}
		}
	}
}

// readAllSizes reads r to the end with reads of varying sizes, big and
// small, as the Scanner does.
func readAllSizes(r io.Reader) ([]byte, error) {
	var out []byte
	sizes := []int{256 << 10, 100, 70 << 10, 1, 64 << 10, 5000}
	buf := make([]byte, 256<<10)
	for i := 0; ; i++ {
		n, err := r.Read(buf[:sizes[i%len(sizes)]])
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

func TestReaderTruncated(t *testing.T) {
	needISAL(t)
	text := randomText(200<<10, 7)
	stream := deflateBytes(t, text, 6, 30000)
	z, err := NewReader()
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(stream); cut += 1 + cut/3 {
		z.Reset(bufio.NewReader(bytes.NewReader(stream[:cut])))
		got, err := io.ReadAll(z)
		if err != io.ErrUnexpectedEOF || !bytes.HasPrefix(text, got) {
			t.Fatalf("cut at %d of %d: %d bytes (a prefix: %v), %v; want io.ErrUnexpectedEOF", cut, len(stream), len(got), bytes.HasPrefix(text, got), err)
		}
	}
}

func TestReaderCorrupt(t *testing.T) {
	needISAL(t)
	z, err := NewReader()
	if err != nil {
		t.Fatal(err)
	}
	// Block type 3 is reserved.
	z.Reset(bufio.NewReader(bytes.NewReader([]byte{0x07, 0, 0, 0})))
	_, err = io.ReadAll(z)
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("Read(reserved block type) = %v, want a *CorruptError", err)
	}
	// The Reader is usable after Reset.
	text := []byte("hello\n")
	z.Reset(bufio.NewReader(bytes.NewReader(deflateBytes(t, text, 6, 0))))
	if got, err := io.ReadAll(z); err != nil || !bytes.Equal(got, text) {
		t.Fatalf("after a corrupt stream, Read = %q, %v; want %q", got, err, text)
	}
}
