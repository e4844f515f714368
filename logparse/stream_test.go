package logparse

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/pgzip"
)

// gzipBytes compresses text as one gzip member.
func gzipBytes(tb testing.TB, text string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, text); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// writeFile writes data to name in a fresh temporary directory.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A streamMode is a way to make a Stream from a reader.
type streamMode struct {
	name string
	new  func(io.Reader) (*Stream, error)
}

var streamModes = append([]streamMode{
	{"NewStream", NewStream},
	{"Go", func(r io.Reader) (*Stream, error) { return NewStreamWith(r, StreamOptions{Inflater: InflateGo}) }},
	{"ReadAhead", func(r io.Reader) (*Stream, error) { return NewStreamWith(r, StreamOptions{ReadAhead: true}) }},
}, isalModes()...)

// isalModes is the Stream with ISA-L, where it loads.
func isalModes() []streamMode {
	if LoadISAL() != nil {
		return nil
	}
	return []streamMode{
		{"ISAL", func(r io.Reader) (*Stream, error) { return NewStreamWith(r, StreamOptions{Inflater: InflateISAL}) }},
		{"ISALReadAhead", func(r io.Reader) (*Stream, error) {
			return NewStreamWith(r, StreamOptions{Inflater: InflateISAL, ReadAhead: true})
		}},
	}
}

// readStream reads all of path through a Stream made by mode.
func readStream(t *testing.T, path string, mode streamMode) (text string, compressed bool, err error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := mode.new(f)
	if err != nil {
		return "", false, err
	}
	defer func() {
		if cerr := s.Close(); cerr != nil {
			t.Errorf("Close(%s) = %v", path, cerr)
		}
	}()
	b, err := io.ReadAll(s)
	return string(b), s.Compressed(), err
}

// logText is some thousands of access-log lines: enough for a gzip
// stream of several blocks.
var logText = strings.Repeat(combinedLine+"\n"+commonLine+"\r\n", 3000)

func TestStreamSniffsContent(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		data       []byte
		want       string
		compressed bool
	}{
		{"gzip named .log", "access.log", gzipBytes(t, logText), logText, true},
		{"plain named .gz", "access.log.2.gz", []byte(logText), logText, false},
		{"two members", "x.gz", append(gzipBytes(t, "first\n"), gzipBytes(t, "second\n")...), "first\nsecond\n", true},
		{"empty member then data", "x.gz", append(gzipBytes(t, ""), gzipBytes(t, "data\n")...), "data\n", true},
		{"empty gzip", "x.gz", gzipBytes(t, ""), "", true},
		{"empty file", "x.log", nil, "", false},
		{"one magic byte", "x.log", []byte{0x1f}, "\x1f", false},
		{"magic byte then other", "x.log", []byte{0x1f, 0x8c, 'a'}, "\x1f\x8ca", false},
	}
	for _, tc := range tests {
		for _, mode := range streamModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				text, compressed, err := readStream(t, writeFile(t, tc.file, tc.data), mode)
				if err != nil || text != tc.want || compressed != tc.compressed {
					t.Errorf("read %s = %d bytes, Compressed() = %t, err %v; want %d bytes, %t, nil",
						tc.name, len(text), compressed, err, len(tc.want), tc.compressed)
				}
			})
		}
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		path       string
		lines      int
		compressed bool
	}{
		{"../testdata/logs/access.log.3.gz", 3, true}, // three gzip members
		{"../testdata/logs/access.log.2.gz", 3, true},
		{"../testdata/logs/access.log", 10, false},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			s, err := Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(s)
			lines := strings.Count(string(b), "\n")
			if err != nil || lines != tc.lines || s.Compressed() != tc.compressed {
				t.Errorf("Open(%s): %d lines, Compressed() = %t, err %v; want %d, %t, nil", tc.path, lines, s.Compressed(), err, tc.lines, tc.compressed)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("second Close() = %v, want nil", err)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		_, err := Open(filepath.Join(t.TempDir(), "missing.log"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
		}
	})
}

func TestStreamTruncated(t *testing.T) {
	full := gzipBytes(t, logText)
	tests := []struct {
		name string
		cut  int
	}{
		{"in the header", 5},
		{"after the header", 10},
		{"in half", len(full) / 2},
		{"in the trailer", len(full) - 4},
		{"one byte short", len(full) - 1},
	}
	for _, tc := range tests {
		for _, mode := range streamModes {
			t.Run(tc.name+"/"+mode.name, func(t *testing.T) {
				path := writeFile(t, "access.log.2.gz", full[:tc.cut])
				text, _, err := readStream(t, path, mode)
				if !errors.Is(err, ErrTruncated) {
					t.Errorf("read %s cut at %d/%d: err = %v, want ErrTruncated", path, tc.cut, len(full), err)
				}
				if !strings.HasPrefix(logText, text) {
					t.Errorf("read %s cut at %d: got text that is not a prefix of the original", path, tc.cut)
				}
			})
		}
	}
	t.Run("through a Scanner", func(t *testing.T) {
		s, err := NewStream(bytes.NewReader(full[:len(full)/2]))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sc := NewScanner(s)
		n := 0
		for sc.Scan() {
			n++
		}
		if !errors.Is(sc.Err(), ErrTruncated) || n == 0 {
			t.Errorf("Scanner over a truncated gzip: %d lines, Err() = %v; want some lines, ErrTruncated", n, sc.Err())
		}
	})
}

func TestStreamCorrupt(t *testing.T) {
	data := gzipBytes(t, logText)
	data[len(data)-8] ^= 0xff // the CRC-32 in the trailer
	path := writeFile(t, "x.gz", data)
	for _, mode := range streamModes {
		t.Run(mode.name, func(t *testing.T) {
			_, _, err := readStream(t, path, mode)
			if !(errors.Is(err, gzip.ErrChecksum) || errors.Is(err, pgzip.ErrChecksum)) || errors.Is(err, ErrTruncated) {
				t.Errorf("read gzip with a bad CRC: err = %v, want a checksum error", err)
			}
		})
	}
}

func TestStreamReusesInflaters(t *testing.T) {
	for _, mode := range streamModes {
		t.Run(mode.name, func(t *testing.T) { checkStreamReuse(t, mode) })
	}
}

// checkStreamReuse reads streams one after another: pooled inflaters must
// not carry state from one stream to the next, also after an error.
func checkStreamReuse(t *testing.T, mode streamMode) {
	texts := []string{"one\n", logText, "three\n"}
	for i := range 6 {
		text := texts[i%len(texts)]
		data := gzipBytes(t, text)
		if i == 4 {
			data = data[:len(data)/2]
		}
		s, err := mode.new(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(s)
		if i != 4 && (err != nil || string(got) != text) {
			t.Errorf("stream %d: %d bytes, err %v; want %d bytes", i, len(got), err, len(text))
		}
		if err := s.Close(); err != nil {
			t.Errorf("stream %d: Close() = %v", i, err)
		}
		if n, err := s.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("stream %d: Read after Close = %d, %v; want 0, io.EOF", i, n, err)
		}
	}
}

func TestStreamReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := NewStream(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("NewStream(failing reader) = %v, want %v", err, boom)
	}
	s, err := NewStream(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(s); !errors.Is(err, boom) {
		t.Errorf("read a failing plain stream: err = %v, want %v", err, boom)
	}
}

// What follows the last gzip member: zero padding is ignored (as zcat does),
// other data is an error that says so, for both inflaters.
func TestStreamAfterLastMember(t *testing.T) {
	member := gzipBytes(t, logText)
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"zero padding", append(append([]byte{}, member...), make([]byte, 4096)...), nil},
		{"one zero byte", append(append([]byte{}, member...), 0), nil},
		{"two members then padding", append(append(append([]byte{}, member...), member...), make([]byte, 10)...), nil},
		{"text appended", append(append([]byte{}, member...), "appended by mistake\n"...), ErrTrailingData},
		{"padding then garbage", append(append(append([]byte{}, member...), 0, 0), 'x'), ErrTrailingData},
	}
	for _, tt := range tests {
		for _, mode := range streamModes {
			t.Run(tt.name+"/"+mode.name, func(t *testing.T) {
				path := writeFile(t, "access.log.gz", tt.data)
				text, _, err := readStream(t, path, mode)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("reading %s: error %v, want %v", tt.name, err, tt.wantErr)
				}
				if err == nil && !strings.HasPrefix(text, logText) {
					t.Errorf("reading %s: got %d bytes, want the member's %d", tt.name, len(text), len(logText))
				}
			})
		}
	}
}
