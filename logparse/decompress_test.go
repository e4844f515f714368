package logparse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// codecLog is log text of n lines, whose hosts start with prefix.
func codecLog(prefix string, n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "%s.%d - - [21/Nov/2026:10:%02d:%02d +0000] \"GET /p/%d HTTP/1.1\" 200 %d \"-\" \"agent %d\"\n",
			prefix, i%200, i/60%60, i%60, i, i*7, i%9)
	}
	return b.Bytes()
}

// A codecWriter compresses text as one tool writes it.
type codecWriter struct {
	name string // "zstd (CLI)"
	ext  string // the codec: "zstd", "xz", "bzip2", "lz4"
	tool string // the command, for the real tools; "" for Go
	fn   func(t testing.TB, text []byte) []byte
}

func (w codecWriter) legacy() bool { return strings.Contains(w.name, "legacy") }

// cliWriter runs the real tool, skipping the test where it is not installed.
func cliWriter(tool string, args ...string) func(testing.TB, []byte) []byte {
	return func(t testing.TB, text []byte) []byte {
		t.Helper()
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: its output is not tried", tool)
		}
		cmd := exec.Command(tool, append(args, "-c")...)
		cmd.Stdin = bytes.NewReader(text)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s -c: %v", tool, err)
		}
		return out
	}
}

func goZstd(t testing.TB, text []byte) []byte {
	w, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	return w.EncodeAll(text, nil)
}

func goXZ(t testing.TB, text []byte) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func goLZ4(t testing.TB, text []byte) []byte {
	var b bytes.Buffer
	w := lz4.NewWriter(&b)
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// codecWriters are what writes each codec: the real tools (zstd, xz,
// bzip2, lz4 -c, as logrotate's compresscmd runs them), and the Go
// libraries, which have no bzip2 writer.
var codecWriters = []codecWriter{
	{"zstd (CLI)", "zstd", "zstd", cliWriter("zstd", "-q")},
	{"zstd -12 (CLI)", "zstd", "zstd", cliWriter("zstd", "-q", "-12")},
	{"zstd (Go)", "zstd", "", goZstd},
	{"xz (CLI)", "xz", "xz", cliWriter("xz")},
	{"xz (Go)", "xz", "", goXZ},
	{"bzip2 (CLI)", "bzip2", "bzip2", cliWriter("bzip2")},
	{"lz4 (CLI)", "lz4", "lz4", cliWriter("lz4", "-q")},
	{"lz4 legacy (CLI)", "lz4", "lz4", cliWriter("lz4", "-q", "-l")},
	{"lz4 (Go)", "lz4", "", goLZ4},
}

// readStream reads all of data through a Stream.
func readCodec(t testing.TB, data []byte, opts StreamOptions) (text []byte, inflater Inflater, err error) {
	t.Helper()
	s, err := NewStreamWith(bytes.NewReader(data), opts)
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	text, err = io.ReadAll(s)
	if !s.Compressed() {
		t.Errorf("Stream.Compressed() = false for compressed data")
	}
	return text, s.Inflater(), err
}

// Each codec, as each tool writes it, reads back to the text: one stream,
// several concatenated (cat a.zst b.zst), zero padding after the last;
// and a file cut short, or followed by other data, fails as gzip does.
func TestStreamCodecs(t *testing.T) {
	a, b := codecLog("10.0.0", 1500), codecLog("10.1.1", 500)
	for _, w := range codecWriters {
		t.Run(w.name, func(t *testing.T) {
			ca, cb := w.fn(t, a), w.fn(t, b)
			both := append(append([]byte(nil), a...), b...)
			for _, tc := range []struct {
				name string
				data []byte
				want []byte
			}{
				{"one stream", ca, a},
				{"two streams", joinBytes(ca, cb), both},
				{"three streams", joinBytes(ca, cb, ca), joinBytes(both, a)},
				{"zero padding", joinBytes(ca, make([]byte, 16)), a},
			} {
				for _, ahead := range []bool{false, true} {
					got, inf, err := readCodec(t, tc.data, StreamOptions{ReadAhead: ahead})
					if err != nil || !bytes.Equal(got, tc.want) {
						t.Errorf("%s, ReadAhead %v: read %d bytes, error %v; want %d bytes, no error", tc.name, ahead, len(got), err, len(tc.want))
					}
					if inf.String() != w.ext {
						t.Errorf("%s: Stream.Inflater() = %v, want %s", tc.name, inf, w.ext)
					}
				}
			}
			truncated := fmt.Sprintf("truncated %s stream", w.ext)
			for _, cut := range []int{1, 10, len(ca) / 2, len(ca) - 8} { // the last: 8 bytes left, a header cut short
				got, _, err := readCodec(t, ca[:len(ca)-cut], StreamOptions{})
				if !errors.Is(err, ErrTruncated) || err.Error() != truncated || !bytes.HasPrefix(a, got) {
					t.Errorf("cut %d bytes short: error %v after %d bytes; want %q after a prefix of the text", cut, err, len(got), truncated)
				}
			}
			garbage := joinBytes(ca, []byte("not compressed at all, and long enough to be no padding\n"))
			_, _, err := readCodec(t, garbage, StreamOptions{})
			switch {
			case w.legacy():
				// Legacy frames have no end mark: what follows the
				// last is taken for a block.
				if err == nil {
					t.Errorf("data after the stream: no error, want one")
				}
			case !errors.Is(err, ErrTrailingData) || err.Error() != "data after the end of the "+w.ext+" stream":
				t.Errorf("data after the stream: error %v, want ErrTrailingData", err)
			}
			// Non-zero data after zero padding is no padding.
			_, _, err = readCodec(t, joinBytes(ca, make([]byte, 8), []byte{1, 2, 3, 4}), StreamOptions{})
			if err == nil {
				t.Errorf("zeros then data after the stream: no error, want one")
			}
		})
	}
}

// A stream with a byte flipped in its compressed data fails, as corrupt
// or cut short, and never panics; its error names the codec.
// TestStreamGzipThenOtherCodec: a gzip file followed by another
// compression's stream (two compressed files concatenated) fails after
// the gzip text with ErrTrailingData, whose message names what follows.
func TestStreamGzipThenOtherCodec(t *testing.T) {
	text := codecLog("a", 10)
	inflaters := []Inflater{InflateGo}
	if LoadISAL() == nil {
		inflaters = append(inflaters, InflateISAL)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"zstd", goZstd(t, text), "zstd data after the end of the gzip stream"},
		{"xz", goXZ(t, text), "xz data after the end of the gzip stream"},
		{"text", []byte("plain text after the stream\n"), "data after the end of the gzip stream"},
	} {
		for _, which := range inflaters {
			got, _, err := readCodec(t, joinBytes(gzipBytes(t, string(text)), c.data), StreamOptions{Inflater: which})
			if !errors.Is(err, ErrTrailingData) || err.Error() != c.want || !bytes.Equal(got, text) {
				t.Errorf("gzip then %s, %v: %d bytes, error %v; want the gzip text, then %q", c.name, which, len(got), err, c.want)
			}
		}
	}
}

func TestStreamCodecsCorrupt(t *testing.T) {
	text := codecLog("192.0.2", 2000)
	for _, w := range codecWriters {
		t.Run(w.name, func(t *testing.T) {
			if w.legacy() {
				t.Skip("lz4's legacy frames carry no checksum: a flipped byte may go unnoticed, as with lz4 -dc")
			}
			data := w.fn(t, text)
			for _, at := range []int{len(data) / 3, len(data) / 2, len(data) - 5} {
				bad := bytes.Clone(data)
				bad[at] ^= 0x55
				_, _, err := readCodec(t, bad, StreamOptions{})
				if err == nil {
					t.Errorf("byte %d of %d flipped: no error", at, len(data))
					continue
				}
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrTrailingData) ||
					!strings.Contains(err.Error(), w.ext) || strings.Contains(err.Error(), "\n") {
					t.Errorf("byte %d flipped: error %q, want ErrCorrupt (or ErrTruncated) naming %s, on one line", at, err, w.ext)
				}
			}
		})
	}
}

// skippableFrame is a zstd (and lz4) skippable frame holding payload.
func skippableFrame(payload string) []byte {
	f := binary.LittleEndian.AppendUint32(nil, 0x184d2a53)
	f = binary.LittleEndian.AppendUint32(f, uint32(len(payload)))
	return append(f, payload...)
}

// Skippable frames, before the first frame and between frames, are
// skipped, by zstd's and lz4's readers alike.
func TestStreamSkippableFrames(t *testing.T) {
	a := codecLog("198.51.100", 500)
	for _, w := range []codecWriter{{"zstd", "zstd", "", goZstd}, {"lz4", "lz4", "", goLZ4}} {
		c := w.fn(t, a)
		for name, data := range map[string][]byte{
			"first":      joinBytes(skippableFrame("seekable index"), c),
			"between":    joinBytes(c, skippableFrame(strings.Repeat("x", 1000)), c),
			"long first": joinBytes(skippableFrame(strings.Repeat("y", 100)), skippableFrame(""), c),
		} {
			got, inf, err := readCodec(t, data, StreamOptions{})
			want := a
			if name == "between" {
				want = joinBytes(a, a)
			}
			if err != nil || !bytes.Equal(got, want) || inf.String() != w.name {
				t.Errorf("%s, skippable frame %s: %d bytes, %v, error %v; want %d bytes, %s, no error", w.name, name, len(got), inf, err, len(want), w.name)
			}
		}
	}
}

// Plain text that starts like a codec's magic, but not all of it, is read
// as it is.
func TestStreamNotACodec(t *testing.T) {
	for _, text := range []string{"BZh9 not bzip2\n", "BZh91AY&SX\n", "\x28\xb5\x2f\n", "\xfd7zX\n", "1.2.3.4 - - x\n", ""} {
		s, err := NewStream(strings.NewReader(text))
		if err != nil {
			t.Fatalf("NewStream(%q): %v", text, err)
		}
		got, err := io.ReadAll(s)
		if err != nil || string(got) != text || s.Compressed() {
			t.Errorf("NewStream(%q): read %q, compressed %v, error %v; want it as is", text, got, s.Compressed(), err)
		}
	}
}

// A zstd frame whose window is over zstdMaxWindow is refused, not
// allocated.
func TestStreamZstdWindowBounded(t *testing.T) {
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Skip("zstd is not installed")
	}
	// --long=28 asks for a 256 MiB window, twice the limit: from standard
	// input, of unknown size, zstd keeps it in the frame header.
	cmd := exec.Command("zstd", "-q", "-c", "--long=28", "--no-content-size")
	cmd.Stdin = bytes.NewReader(codecLog("203.0.113", 100))
	data, err := cmd.Output()
	if err != nil {
		t.Skipf("zstd --long=28: %v", err)
	}
	_, _, err = readCodec(t, data, StreamOptions{})
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, zstd.ErrWindowSizeExceeded) {
		t.Errorf("a 256 MiB zstd window: error %v, want ErrCorrupt naming zstd", err)
	}
}

// StreamOptions.Inflater picks gzip's inflater only.
func TestStreamInflaterOptionGzipOnly(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("x\n"))
	zw.Close()
	if _, err := NewStreamWith(bytes.NewReader(b.Bytes()), StreamOptions{Inflater: InflateZstd}); err == nil {
		t.Errorf("NewStreamWith(gzip, Inflater: zstd): no error, want one")
	}
	// Any choice of gzip's leaves zstd to its decoder.
	text, inf, err := readCodec(t, goZstd(t, []byte("x\n")), StreamOptions{Inflater: InflateGo})
	if err != nil || string(text) != "x\n" || inf != InflateZstd {
		t.Errorf("zstd with Inflater: go: %q, %v, %v; want the text, zstd", text, inf, err)
	}
}

func joinBytes(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// FuzzStreamCodecs feeds damaged streams of every codec to a Stream: it
// must never panic, and fail only with the errors it documents.
func FuzzStreamCodecs(f *testing.F) {
	text := codecLog("192.0.2", 50)
	for _, w := range codecWriters {
		if w.tool != "" {
			if _, err := exec.LookPath(w.tool); err != nil {
				continue
			}
		}
		f.Add(w.fn(f, text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := NewStream(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer s.Close()
		_, err = io.Copy(io.Discard, io.LimitReader(s, 64<<20))
		if err != nil && s.Inflater() > InflateISAL &&
			!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrTrailingData) {
			t.Errorf("%v stream: error %v is none of ErrCorrupt, ErrTruncated, ErrTrailingData", s.Inflater(), err)
		}
	})
}
