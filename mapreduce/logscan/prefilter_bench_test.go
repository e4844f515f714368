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
	b.Run("search", func(b *testing.B) {
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
	})
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
