package logparse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// A scanned line: what Bytes, Truncated and Line returned.
type scanned struct {
	text      string
	truncated bool
	line      int64
}

func (s scanned) String() string {
	return fmt.Sprintf("%d:%q(truncated=%t)", s.line, s.text, s.truncated)
}

// scanAll scans r to the end with the given MaxLineBytes, with Scan alone.
func scanAll(r io.Reader, maxLine int) ([]scanned, error) {
	return scanWith(r, maxLine, false)
}

// scanWith is scanAll, with blocks ScanBlock first and Scan where it
// returns false, the lines of each block split as a searching caller does.
func scanWith(r io.Reader, maxLine int, blocks bool) ([]scanned, error) {
	s := NewScanner(r)
	s.MaxLineBytes = maxLine
	var got []scanned
	for {
		if blocks && s.ScanBlock() {
			got = appendBlock(got, s.Block(), s.BlockLine())
			if last := got[len(got)-1].line; s.Line() != last {
				return got, fmt.Errorf("after a block ending with line %d, Line() = %d", last, s.Line())
			}
			continue
		}
		if !s.Scan() {
			return got, s.Err()
		}
		got = append(got, scanned{string(s.Bytes()), s.Truncated(), s.Line()})
	}
}

// appendBlock appends the lines of a block, the first numbered first.
func appendBlock(got []scanned, block []byte, first int64) []scanned {
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		got = append(got, scanned{string(bytes.TrimSuffix(block[:i], []byte("\r"))), false, first})
		block, first = block[i+1:], first+1
	}
	return got
}

// wantLines is the Scanner's contract, written plainly: the input splits on
// "\n", a final "\n" ending the last line rather than starting an empty one.
// A line with more than maxLine bytes before its "\n" (a "\r" counted) comes
// out as its first maxLine bytes, truncated; any other line loses one
// trailing "\r" (also the unterminated last line). maxLine 0 is the default.
func wantLines(input []byte, maxLine int) []scanned {
	if maxLine == 0 {
		maxLine = DefaultMaxLineBytes
	}
	if len(input) == 0 {
		return nil
	}
	input = bytes.TrimSuffix(input, []byte("\n"))
	var want []scanned
	for i, raw := range bytes.Split(input, []byte("\n")) {
		w := scanned{line: int64(i + 1)}
		if len(raw) > maxLine {
			w.text, w.truncated = string(raw[:maxLine]), true
		} else {
			w.text = string(bytes.TrimSuffix(raw, []byte("\r")))
		}
		want = append(want, w)
	}
	return want
}

type readerCase struct {
	name string
	wrap func(io.Reader) io.Reader
}

// readers deliver the same bytes in differently sized reads, some with the
// final data and io.EOF together.
var readers = []readerCase{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"OneByteReader", iotest.OneByteReader},
	{"HalfReader", iotest.HalfReader},
	{"DataErrReader", iotest.DataErrReader},
	{"7-byte reads", func(r io.Reader) io.Reader { return &chunkReader{r: r, n: 7} }},
}

// chunkReader reads at most n bytes at a time.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

func checkScan(t *testing.T, input string, maxLine int, rd readerCase) {
	t.Helper()
	checkScanWith(t, input, maxLine, rd, false)
	checkScanWith(t, input, maxLine, rd, true)
}

func checkScanWith(t *testing.T, input string, maxLine int, rd readerCase, blocks bool) {
	t.Helper()
	got, err := scanWith(rd.wrap(strings.NewReader(input)), maxLine, blocks)
	if blocks {
		rd.name += ", ScanBlock"
	}
	want := wantLines([]byte(input), maxLine)
	if err != nil {
		t.Errorf("Scan(%.40q) over %s: Err() = %v, want nil", input, rd.name, err)
	}
	if len(got) != len(want) {
		t.Fatalf("Scan(%.40q) over %s, MaxLineBytes %d: %d lines %v, want %d %v", input, rd.name, maxLine, len(got), short(got), len(want), short(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Scan(%.40q) over %s, MaxLineBytes %d: line %d = %v, want %v", input, rd.name, maxLine, i+1, short(got[i:i+1]), short(want[i:i+1]))
		}
	}
}

// short renders lines with long texts elided.
func short(lines []scanned) string {
	var b strings.Builder
	for _, l := range lines {
		if len(l.text) > 40 {
			l.text = fmt.Sprintf("%.20s...(%d bytes)", l.text, len(l.text))
		}
		b.WriteString(l.String() + " ")
	}
	return b.String()
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // also checked against wantLines
	}{
		{"empty input", "", nil},
		{"split on LF", "a\nbb\nccc\n", []string{"a", "bb", "ccc"}},
		{"CR before LF stripped", "a\r\nbb\r\n", []string{"a", "bb"}},
		{"lone CR mid-line kept", "a\rb\nc\r \n", []string{"a\rb", "c\r "}},
		{"only one CR stripped", "a\r\r\n", []string{"a\r"}},
		{"last line without newline", "a\nb", []string{"a", "b"}},
		{"last line CR without newline", "a\nb\r", []string{"a", "b"}},
		{"empty lines returned", "\n\na\n\n", []string{"", "", "a", ""}},
		{"only a newline", "\n", []string{""}},
		{"only CRLF", "\r\n", []string{""}},
		{"only CR", "\r", []string{""}},
		{"NUL and high bytes kept", "\x00\xff\n\x1f\x8b", []string{"\x00\xff", "\x1f\x8b"}},
		{"1 MiB line whole", "a\n" + strings.Repeat("x", 1<<20) + "\nb", []string{"a", strings.Repeat("x", 1<<20), "b"}},
	}
	for _, tc := range tests {
		for _, rd := range readers {
			if rd.name == "OneByteReader" && len(tc.input) > 1<<16 {
				continue // a byte a Read for a MiB is slow and shows nothing new
			}
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				checkScan(t, tc.input, 0, rd)
				got, _ := scanAll(rd.wrap(strings.NewReader(tc.input)), 0)
				for i := range max(len(got), len(tc.want)) {
					if i >= len(got) || i >= len(tc.want) || got[i].text != tc.want[i] || got[i].truncated || got[i].line != int64(i+1) {
						t.Fatalf("Scan(%.40q) = %s, want %q", tc.input, short(got), tc.want)
					}
				}
			})
		}
	}
}

func TestScannerLongLines(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name    string
		input   string
		maxLine int
	}{
		{"line of exactly the limit", x(100) + "\nb\n", 100},
		{"line one over the limit", x(101) + "\nb\n", 100},
		{"long line between short ones", "a\n" + x(150) + "\nb\n", 100},
		{"long CRLF line", "a\r\n" + x(150) + "\r\nb\r\n", 100},
		{"limit counts the CR", x(100) + "\r\nb\n", 100},
		{"CR at the cut kept", x(99) + "\r" + x(50) + "\n" + x(99) + "\r\r\n", 100},
		{"long lines in a row", x(250) + "\n" + x(100) + "\n" + x(350) + "\n\n", 100},
		{"long last line without newline", "a\n" + x(300), 100},
		{"long line then many short ones", x(1000) + strings.Repeat("\nabc", 200), 100},
		{"one-byte limit", "ab\n\nc\r\nd", 1},
		{"limit above the first buffer", "a\n" + x(400<<10) + "\nb\n" + x(300<<10) + "\n", 300 << 10},
	}
	for _, tc := range tests {
		for _, rd := range readers {
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				checkScan(t, tc.input, tc.maxLine, rd)
			})
		}
	}
}

func TestScannerRandomText(t *testing.T) {
	// About 2 MiB of lines of every length up to 3000, with CRs here and
	// there, across many buffer refills and one growth of the buffer.
	r := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	for b.Len() < 2<<20 {
		n := r.IntN(3000)
		if r.IntN(500) == 0 {
			n = 299<<10 + r.IntN(2<<10) // around the 300 KiB limit below
		}
		for range n {
			b.WriteByte("abc \r\x00\xff"[r.IntN(7)])
		}
		if r.IntN(4) == 0 {
			b.WriteByte('\r')
		}
		b.WriteByte('\n')
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			checkScan(t, b.String(), 0, rd)
			checkScan(t, b.String(), 300<<10, rd)
		})
	}
}

func TestScannerReadError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		r       func() io.Reader
		want    []string
		dropped int
	}{
		{"error after lines", func() io.Reader { return io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(boom)) }, []string{"a", "b"}, 0},
		{"error at once", func() io.Reader { return iotest.ErrReader(boom) }, nil, 0},
		// The cut line would be a record with wrong values: never handed out.
		{"error mid-line", func() io.Reader { return io.MultiReader(strings.NewReader("a\nb 12"), iotest.ErrReader(boom)) }, []string{"a"}, 4},
		{"error mid-line after \\r", func() io.Reader { return io.MultiReader(strings.NewReader("a\r\nb\r"), iotest.ErrReader(boom)) }, []string{"a"}, 2},
		{"timeout", func() io.Reader { return iotest.TimeoutReader(strings.NewReader("a\nb\n")) }, []string{"a", "b"}, 0},
	}
	for _, tc := range tests {
		for _, blocks := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, blocks %v", tc.name, blocks), func(t *testing.T) {
				s := NewScanner(tc.r())
				var got []string
				for {
					if blocks && s.ScanBlock() {
						for _, l := range appendBlock(nil, s.Block(), s.BlockLine()) {
							got = append(got, l.text)
						}
						continue
					}
					if !s.Scan() {
						break
					}
					got = append(got, string(s.Bytes()))
				}
				if s.Err() == nil {
					t.Errorf("Scan over a failing reader: Err() = nil, want an error")
				}
				if tc.name != "timeout" && !errors.Is(s.Err(), boom) {
					t.Errorf("Err() = %v, want %v", s.Err(), boom)
				}
				if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
					t.Errorf("lines before the error = %q, want %q", got, tc.want)
				}
				if s.Scan() {
					t.Errorf("Scan after the error = true, want false")
				}
				if s.Dropped() != tc.dropped {
					t.Errorf("Dropped() = %d, want %d", s.Dropped(), tc.dropped)
				}
			})
		}
	}
}

// endlessLine is a line of n bytes of 'a', then "\nnext\n", made as it is
// read: the test holds no copy of it.
type endlessLine struct{ n int64 }

func (r *endlessLine) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return copy(p, "\nnext\n"), io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range k {
		p[i] = 'a'
	}
	r.n -= int64(k)
	return k, nil
}

// TestScannerLongLineMemory holds the long-line policy to its promise: a
// line of any length costs the Scanner at most about MaxLineBytes.
func TestScannerLongLineMemory(t *testing.T) {
	const lineLen = 256 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := NewScanner(&endlessLine{n: lineLen})
	var lines []string
	for s.Scan() {
		if s.Truncated() {
			lines = append(lines, fmt.Sprintf("truncated %d", len(s.Bytes())))
		} else {
			lines = append(lines, string(s.Bytes()))
		}
	}
	runtime.ReadMemStats(&after)
	want := []string{fmt.Sprintf("truncated %d", DefaultMaxLineBytes), "next"}
	if fmt.Sprint(lines) != fmt.Sprint(want) || s.Err() != nil {
		t.Errorf("Scan over a %d-byte line: %q, Err() = %v; want %q, nil", lineLen, lines, s.Err(), want)
	}
	// A worker's whole budget: the buffer stops growing at MaxLineBytes.
	const budget = 8 << 20
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > budget {
		t.Errorf("Scan over a %d-byte line allocated %d bytes, want at most %d", lineLen, alloc, budget)
	}
}

func TestScannerReset(t *testing.T) {
	s := NewScanner(strings.NewReader("a\n" + strings.Repeat("x", 500) + "\nleftover\nmore"))
	s.MaxLineBytes = 1000
	for range 2 {
		if !s.Scan() {
			t.Fatal("Scan = false on the first input")
		}
	}
	// Reset mid-input: nothing of the first input may come back.
	s.Reset(iotest.OneByteReader(strings.NewReader("b\n" + strings.Repeat("y", 1500) + "\nc")))
	var got []scanned
	for s.Scan() {
		got = append(got, scanned{string(s.Bytes()), s.Truncated(), s.Line()})
	}
	want := []scanned{{"b", false, 1}, {strings.Repeat("y", 1000), true, 2}, {"c", false, 3}}
	if s.Err() != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after Reset: %s, Err() = %v; want %s, nil (MaxLineBytes kept)", short(got), s.Err(), short(want))
	}

	// Reset after an error clears it.
	s.Reset(iotest.ErrReader(errors.New("boom")))
	for s.Scan() {
	}
	s.Reset(strings.NewReader("d\n"))
	if !s.Scan() || string(s.Bytes()) != "d" || s.Line() != 1 || s.Err() != nil || s.Scan() {
		t.Errorf("Reset after an error: Scan did not read the new input alone")
	}
}

// stuckReader returns (0, nil) forever, as a broken io.Reader may.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

func TestScannerNoProgress(t *testing.T) {
	s := NewScanner(stuckReader{})
	if s.Scan() || !errors.Is(s.Err(), io.ErrNoProgress) {
		t.Errorf("Scan over a reader stuck at (0, nil): Err() = %v, want io.ErrNoProgress", s.Err())
	}
}
