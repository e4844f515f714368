package logparse

import (
	"bytes"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

func BenchmarkParse(b *testing.B) {
	lines := readLines(b, realLogs)
	var total int64
	for _, l := range lines {
		total += int64(len(l)) + 1
	}
	p := NewParser(Combined)
	var rec Record
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			_ = p.Parse(l, &rec)
		}
	}
}

// benchText is about 64 MiB of generated log text, and its gzip (level 1),
// made once for all benchmarks.
var benchText = sync.OnceValues(func() (text, gz []byte) {
	dir, err := os.MkdirTemp("", "logparse-bench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 1, BytesPerFile: 8 << 20, Seed: 1, MalformedFraction: 0.001})
	if err != nil {
		panic(err)
	}
	one, err := os.ReadFile(truth.Files[0])
	if err != nil {
		panic(err)
	}
	text = bytes.Repeat(one, 8)
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		panic(err)
	}
	if _, err := zw.Write(text); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return text, buf.Bytes()
})

func BenchmarkScanner(b *testing.B) {
	text, _ := benchText()
	r := bytes.NewReader(text)
	s := NewScanner(r)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(text)
		s.Reset(r)
		for s.Scan() {
		}
		if s.Err() != nil {
			b.Fatal(s.Err())
		}
	}
}

func BenchmarkStreamGzip(b *testing.B) {
	text, gz := benchText()
	r := bytes.NewReader(gz)
	s := NewScanner(nil)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(gz)
		st, err := NewStream(r)
		if err != nil {
			b.Fatal(err)
		}
		s.Reset(st)
		for s.Scan() {
		}
		if s.Err() != nil {
			b.Fatal(s.Err())
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamGzipCopy is the inflater alone, for comparison.
func BenchmarkStreamGzipCopy(b *testing.B) {
	text, gz := benchText()
	r := bytes.NewReader(gz)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(gz)
		st, err := NewStream(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, st); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}
