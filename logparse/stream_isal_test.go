package logparse

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// needISAL skips the test when libisal is not installed.
func needISAL(tb testing.TB) {
	tb.Helper()
	if err := LoadISAL(); err != nil {
		tb.Skipf("ISA-L not installed (Debian/Ubuntu package libisal2): %v", err)
	}
}

// readWith reads data whole through a Stream with inflater, in reads of
// varying sizes (as the Scanner makes), and returns the text and the error.
func readWith(tb testing.TB, data []byte, which Inflater) (string, error) {
	tb.Helper()
	return readWithOptions(tb, data, StreamOptions{Inflater: which})
}

func readWithOptions(tb testing.TB, data []byte, opts StreamOptions) (string, error) {
	tb.Helper()
	which := opts.Inflater
	s, err := NewStreamWith(bytes.NewReader(data), opts)
	if err != nil {
		return "", err
	}
	defer s.Close()
	if s.Compressed() && s.Inflater() != which {
		tb.Errorf("Stream.Inflater() = %v, want %v", s.Inflater(), which)
	}
	var out bytes.Buffer
	sizes := []int{256 << 10, 100, 70 << 10, 1, 64 << 10, 5000, 512}
	buf := make([]byte, 256<<10)
	empty := 0
	for i := 0; ; i++ {
		n, err := s.Read(buf[:sizes[i%len(sizes)]])
		out.Write(buf[:n])
		if empty = empty + 1; n > 0 || err != nil {
			empty = 0
		}
		if empty > 100 {
			tb.Fatalf("%v: Read returns 0, nil again and again, after %d bytes", which, out.Len())
		}
		if err == io.EOF {
			return out.String(), nil
		}
		if err != nil {
			return out.String(), err
		}
	}
}

// gzipMember builds one gzip member of text with the header hdr sets.
func gzipMember(tb testing.TB, text string, hdr func(*gzip.Writer)) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if hdr != nil {
		hdr(zw)
	}
	io.WriteString(zw, text)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// withFlag sets flag bits in a member's header.
func withFlag(m []byte, flag byte) []byte {
	m = bytes.Clone(m)
	m[3] |= flag
	return m
}

// withFHCRC inserts a header CRC into a member without one: good, or off by one.
func withFHCRC(m []byte, good bool) []byte {
	end := 10 // a member written by gzipMember with no name, comment or extra
	crc := uint16(crc32.ChecksumIEEE(append([]byte{m[0], m[1], m[2], m[3] | flagHdrCrc}, m[4:end]...)))
	if !good {
		crc++
	}
	out := withFlag(m[:end], flagHdrCrc)
	out = append(out, byte(crc), byte(crc>>8))
	return append(out, m[end:]...)
}

func flip(m []byte, at int) []byte {
	m = bytes.Clone(m)
	if at < 0 {
		at += len(m)
	}
	m[at] ^= 0x55
	return m
}

// isalCases are gzip inputs, good and bad, on which ISA-L must answer as
// Go does, text and error alike.
func isalCases(t *testing.T) map[string][]byte {
	small := gzipMember(t, "one line\n", nil)
	big := gzipMember(t, logText, nil)
	empty := gzipMember(t, "", nil)
	named := gzipMember(t, logText, func(w *gzip.Writer) {
		w.Name, w.Comment, w.Extra = "access.log.1", "rotated by logrotate", []byte("xx\x02\x00ab")
	})
	latin := gzipMember(t, "x\n", func(w *gzip.Writer) { w.Name = "caf\u00e9.log" })
	cases := map[string][]byte{
		"one member":             big,
		"small":                  small,
		"three members":          cat(big, small, big),
		"empty member":           empty,
		"empty member then text": cat(empty, big, empty),
		"name comment extra":     named,
		"latin-1 name":           latin,
		"zero padding":           cat(big, make([]byte, 1000)),
		"trailing garbage":       cat(big, []byte("garbage")),
		"trailing magic":         cat(big, gzipMagic),
		"trailing zeros then x":  cat(big, []byte{0, 0, 'x'}),
		"bad crc":                flip(big, -8),
		"bad isize":              flip(big, -2),
		"bad crc second member":  cat(small, flip(big, -5)),
		"method 7":               func() []byte { m := bytes.Clone(big); m[2] = 7; return m }(),
		"reserved flag":          withFlag(big, 1<<5),
		"fhcrc good":             withFHCRC(big, true),
		"fhcrc bad":              withFHCRC(big, false),
		"name never ends":        cat(withFlag(small[:10], flagName), bytes.Repeat([]byte("n"), 600)),
		"name cut short":         cat(withFlag(small[:10], flagName), []byte("abc")),
		"extra cut short":        cat(withFlag(small[:10], flagExtra), []byte{10, 0, 1, 2}),
		"magic only":             gzipMagic,
		"plain text":             []byte(logText[:1000]),
	}
	for _, name := range []string{"apache_logs.gz"} {
		if data, err := os.ReadFile(filepath.Join("..", "testdata", "realdata", name)); err == nil {
			cases["real "+name] = data
		}
	}
	two := cat(small, big) // whose text is "one line\n" + logText
	for cut := 1; cut < len(two); cut += 1 + cut/8 {
		cases[fmt.Sprintf("cut at %d of %d", cut, len(two))] = two[:cut]
	}
	for cut := len(two) - 40; cut < len(two); cut++ {
		cases[fmt.Sprintf("cut at %d of %d", cut, len(two))] = two[:cut]
	}
	return cases
}

func TestISALAnswersAsGo(t *testing.T) {
	needISAL(t)
	for name, data := range isalCases(t) {
		t.Run(name, func(t *testing.T) {
			want, wantErr := readWith(t, data, InflateGo)
			got, err := readWith(t, data, InflateISAL)
			ahead, aheadErr := readWithOptions(t, data, StreamOptions{Inflater: InflateISAL, ReadAhead: true})
			if ahead != got || fmt.Sprint(aheadErr) != fmt.Sprint(err) {
				t.Errorf("ISA-L reading ahead: %d bytes, %v; reading in turn: %d bytes, %v", len(ahead), aheadErr, len(got), err)
			}
			switch {
			case got == want:
			case errors.Is(wantErr, ErrTruncated) && strings.HasPrefix(got, want) && len(got)-len(want) <= 1024:
				// Cut short, Go's inflater stops up to a few matches
				// before the cut, ISA-L at the last whole symbol.
			default:
				t.Errorf("text with ISA-L: %d bytes, with Go %d (equal up to %d)", len(got), len(want), commonPrefix(got, want))
			}
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("error with ISA-L: %v; with Go: %v", err, wantErr)
			}
			for _, target := range []error{ErrTruncated, ErrTrailingData, gzip.ErrChecksum, gzip.ErrHeader, io.EOF} {
				if errors.Is(err, target) != errors.Is(wantErr, target) {
					t.Errorf("errors.Is(%v, %v) with ISA-L differs from Go's (%v)", err, target, wantErr)
				}
			}
		})
	}
}

// A deflate stream that does not decode fails with a
// flate.CorruptInputError in both, after a prefix of the text.
func TestISALCorruptDeflate(t *testing.T) {
	needISAL(t)
	m := gzipMember(t, logText, nil)
	bad := bytes.Clone(m)
	bad[10] = 0x07 // first block: final, reserved type 3
	for _, which := range []Inflater{InflateGo, InflateISAL} {
		text, err := readWith(t, bad, which)
		var ce flate.CorruptInputError
		if !errors.As(err, &ce) || text != "" {
			t.Errorf("%v: reserved block type: %q, %v; want a flate.CorruptInputError", which, text, err)
		}
	}
	// Bytes changed in the middle: each fails, with an error of its own
	// (a corrupt stream, or a checksum that does not match), and what
	// text it gave is the original's.
	for at := 200; at < len(m)-8; at += len(m) / 7 {
		for _, which := range []Inflater{InflateGo, InflateISAL} {
			text, err := readWith(t, flip(m, at), which)
			if err == nil {
				t.Errorf("%v: byte %d changed: no error", which, at)
			}
			if n := commonPrefix(text, logText); n < len(text)-64<<10 && !errors.Is(err, gzip.ErrChecksum) {
				t.Logf("%v: byte %d changed: text departs from the original at %d of %d: %v", which, at, n, len(text), err)
			}
		}
	}
}

func TestISALUnavailableIsAnError(t *testing.T) {
	if LoadISAL() == nil {
		t.Skip("ISA-L is installed")
	}
	_, err := NewStreamWith(bytes.NewReader(gzipMember(t, "x\n", nil)), StreamOptions{Inflater: InflateISAL})
	if !errors.Is(err, ErrNoISAL) || !strings.Contains(err.Error(), "libisal2") {
		t.Errorf("NewStreamWith(InflateISAL) without ISA-L = %v, want ErrNoISAL naming libisal2", err)
	}
	s, err := NewStream(bytes.NewReader(gzipMember(t, "x\n", nil)))
	if err != nil || s.Inflater() != InflateGo {
		t.Errorf("NewStream without ISA-L: %v, Inflater() = %v; want Go", err, s.Inflater())
	}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// BenchmarkInflate reads a real gzip log (testdata/realdata) through a
// Stream with each in-process inflater, in 256 KiB reads as the Scanner
// makes.
func BenchmarkInflate(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "realdata", "apache_logs.gz"))
	if err != nil {
		b.Skip(err)
	}
	text, err := readWith(b, data, InflateGo)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 256<<10)
	for _, which := range []Inflater{InflateGo, InflateISAL} {
		b.Run(which.String(), func(b *testing.B) {
			if which == InflateISAL {
				needISAL(b)
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				s, err := NewStreamWith(bytes.NewReader(data), StreamOptions{Inflater: which})
				if err != nil {
					b.Fatal(err)
				}
				for err == nil {
					_, err = s.Read(buf)
				}
				if err != io.EOF {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// FuzzISALAnswersAsGo: on any input, ISA-L succeeds where Go does, with
// the same text; where Go fails ISA-L fails too (where and how it says so
// may differ on a deflate stream that does not decode), and neither panics.
func FuzzISALAnswersAsGo(f *testing.F) {
	if LoadISAL() != nil {
		f.Skip("ISA-L not installed (Debian/Ubuntu package libisal2)")
	}
	for name, data := range isalCases(&testing.T{}) {
		if !strings.HasPrefix(name, "cut at") && !strings.HasPrefix(name, "real") {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := readWith(t, data, InflateGo)
		got, err := readWith(t, data, InflateISAL)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("ISA-L: %d bytes, %v; Go: %d bytes, %v", len(got), err, len(want), wantErr)
		case err == nil && got != want:
			t.Fatalf("ISA-L: %d bytes, Go: %d (equal up to %d)", len(got), len(want), commonPrefix(got, want))
		}
	})
}

// A Stream that reads ahead with ISA-L and is closed before its end stops
// its goroutine: Close returns, and no goroutine is left behind.
func TestISALReadAheadClosedEarly(t *testing.T) {
	needISAL(t)
	var text bytes.Buffer
	for i := 0; text.Len() < 12<<20; i++ {
		fmt.Fprintf(&text, "192.0.2.%d - - [02/Dec/2026:13:00:00 +0000] \"GET /%d HTTP/1.1\" 200 %d\n", i%250, i, i%9000)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(text.Bytes())
	zw.Close()
	before := runtime.NumGoroutine()
	for _, read := range []int{0, 100, 3 << 20} {
		s, err := NewStreamWith(bytes.NewReader(gz.Bytes()), StreamOptions{Inflater: InflateISAL, ReadAhead: true})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, read)
		if _, err := io.ReadFull(s, got); err != nil || !bytes.Equal(got, text.Bytes()[:read]) {
			t.Fatalf("reading the first %d bytes: %v, or they differ", read, err)
		}
		s.Close()
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing the streams, %d before", n, before)
	}
}
