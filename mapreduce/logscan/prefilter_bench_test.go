package logscan

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
)

// realText is the text of testdata's real log (10,000 combined lines).
func realText(b *testing.B) []byte {
	f, err := os.Open("../../testdata/realdata/apache_logs.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return text
}

// BenchmarkPrefilterBlock is the per-buffer work of --path /robots.txt on
// real log text, against what it replaces: the prefilter's search
// (blockLines, the sampled lines not parsed), a bytes.Contains per line,
// and parsing every line.
func BenchmarkPrefilterBlock(b *testing.B) {
	text := realText(b)
	m, err := filter.Filter{Paths: []string{"/robots.txt"}}.Compile()
	if err != nil {
		b.Fatal(err)
	}
	search := func(text []byte) func(b *testing.B) {
		return func(b *testing.B) {
			bl := newBlockLines(newPrefilter(m))
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				var st Stats
				bl.reset(text, 1)
				for {
					if _, _, _, ok := bl.line(&st); !ok {
						break
					}
					st.Lines++
				}
				if st.Lines != 10000 {
					b.Fatalf("%d lines, want 10000", st.Lines)
				}
			}
		}
	}
	b.Run("search", search(text))
	// The same lines, each with the most common browser's user agent,
	// whose "x64" holds the rarest byte of /robots.txt.
	b.Run("search-x64", search(withUserAgent(text, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")))
	b.Run("contains-per-line", func(b *testing.B) {
		needle := []byte("/robots.txt")
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			n := 0
			for rest := text; len(rest) > 0; {
				i := bytes.IndexByte(rest, '\n')
				if bytes.Contains(rest[:i], needle) {
					n++
				}
				rest = rest[i+1:]
			}
		}
	})
	b.Run("search+parse", func(b *testing.B) {
		p := newLineParser(context.Background(), "bench", logparse.Combined, m, logparse.FieldRequest, 0)
		bl := newBlockLines(newPrefilter(m))
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			var st Stats
			bl.reset(text, 1)
			for {
				line, no, _, ok := bl.line(&st)
				if !ok {
					break
				}
				p.parse(line, false, no, &st)
			}
		}
	})
	b.Run("parse-every-line", func(b *testing.B) {
		p := newLineParser(context.Background(), "bench", logparse.Combined, m, logparse.FieldRequest, 0)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			var st Stats
			no := int64(0)
			for rest := text; len(rest) > 0; {
				i := bytes.IndexByte(rest, '\n')
				no++
				p.parse(rest[:i], false, no, &st)
				rest = rest[i+1:]
			}
		}
	})
}

// withUserAgent returns text's lines with their last quoted field, the
// user agent of a combined line, replaced by ua.
func withUserAgent(text []byte, ua string) []byte {
	var out []byte
	for line := range bytes.Lines(text) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		if i := bytes.LastIndexByte(line[:max(len(line)-1, 0)], '"'); i >= 0 {
			line = line[:i]
		}
		out = append(append(append(append(out, line...), '"'), ua...), "\"\n"...)
	}
	return out
}
