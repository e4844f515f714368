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

// benchParse parses every line of the real combined log with f, the lines
// counted with their newline, as the Scanner hands them out.
func benchParse(b *testing.B, f *Format, each func(p *Parser, rec *Record)) {
	lines := readLines(b, realLogs)
	var total int64
	for _, l := range lines {
		total += int64(len(l)) + 1
	}
	p := NewParser(f)
	var rec Record
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if p.Parse(l, &rec) == nil && each != nil {
				each(p, &rec)
			}
		}
	}
}

// The fast path against the compiled parser of the same LogFormat string:
// the issue allows the compiled one 20 % more time.
func BenchmarkParseCombinedHandWritten(b *testing.B) { benchParse(b, Combined, nil) }

func BenchmarkParseCombinedCompiled(b *testing.B) {
	benchParse(b, mustCompile(b, Combined.LogFormat), nil)
}

func BenchmarkParseVHostCombined(b *testing.B) {
	lines := readLines(b, realLogs)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString("www.example.com:443 ")
		buf.Write(l)
		buf.WriteByte('\n')
	}
	p := NewParser(VHostCombined)
	vlines := splitLines(buf.Bytes())
	var rec Record
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range vlines {
			_ = p.Parse(l, &rec)
		}
	}
}

// BenchmarkParseFullRecord parses and reads every field as text, as
// `logmr parse` does before quoting.
func BenchmarkParseFullRecord(b *testing.B) {
	f := mustCompile(b, Combined.LogFormat)
	var buf []byte
	benchParse(b, f, func(p *Parser, rec *Record) {
		for _, fd := range f.Fields() {
			buf, _ = rec.AppendValue(buf[:0], fd)
		}
	})
}

// BenchmarkEncodeJSON is `logmr parse`'s per-line work: parse and encode.
func BenchmarkEncodeJSON(b *testing.B) {
	var buf []byte
	benchParse(b, Combined, func(p *Parser, rec *Record) {
		buf = AppendJSON(buf[:0], Combined, rec)
	})
}

func BenchmarkParseStrftime(b *testing.B) {
	f := mustCompile(b, `%h %l %u [%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`)
	lines := readLines(b, realLogs)
	var buf bytes.Buffer
	for _, l := range lines {
		// "[17/May/2015:10:05:03 +0000]" -> "[17/May/2015:10:05:03.123 +0000]"
		i := bytes.IndexByte(l, '[')
		if i < 0 || len(l) < i+22 {
			continue
		}
		buf.Write(l[:i+21])
		buf.WriteString(".123")
		buf.Write(l[i+21:])
		buf.WriteByte('\n')
	}
	flines := splitLines(buf.Bytes())
	p := NewParser(f)
	var rec Record
	bad := 0
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		bad = 0
		for _, l := range flines {
			if p.Parse(l, &rec) != nil {
				bad++
			}
		}
	}
	if bad > 1 {
		b.Fatalf("%d of %d lines malformed", bad, len(flines))
	}
}
