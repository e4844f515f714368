package logparse

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

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

// benchParse parses every line of the real combined log, rewritten by
// edit when it is set, with f; the lines are counted with their newline,
// as the Scanner hands them out. A benchmark whose lines do not parse
// would measure the error path: it fails instead.
func benchParse(b *testing.B, f *Format, edit func(line []byte) []byte, each func(rec *Record)) {
	lines := readLines(b, realLogs)
	for i, l := range lines {
		if edit != nil {
			lines[i] = edit(l)
		}
	}
	// Line 8899 of the real log is malformed.
	benchParseLines(b, f, lines, AllFields, 1, each)
}

// benchParseLines parses lines with f, needing need, and fails when more
// than maxBad of them are malformed.
func benchParseLines(b *testing.B, f *Format, lines [][]byte, need Fields, maxBad int, each func(rec *Record)) {
	var total int64
	for _, l := range lines {
		total += int64(len(l)) + 1
	}
	p := NewParser(f)
	p.Need(need)
	var rec Record
	b.SetBytes(total)
	b.ReportAllocs()
	bad := 0
	defer reportCPUThroughput(b, total)()
	for b.Loop() {
		bad = 0
		for _, l := range lines {
			if p.Parse(l, &rec) != nil {
				bad++
			} else if each != nil {
				each(&rec)
			}
		}
	}
	if bad > maxBad {
		b.Fatalf("%d of %d lines malformed", bad, len(lines))
	}
}

// reportCPUThroughput returns a function that reports, as cpu-MB/s, the
// bytes per op over the CPU time the process spent since the call: call
// it just before b.Loop and the function after it (defer). On a machine
// shared with other work wall-clock MB/s move with the load; this much
// less. Where process CPU time is not measured it reports nothing.
func reportCPUThroughput(b *testing.B, bytesPerOp int64) func() {
	start, ok := processCPUTime()
	return func() {
		end, _ := processCPUTime()
		if ok && end > start {
			b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/(end-start).Seconds(), "cpu-MB/s")
		}
	}
}

// benchLines are 4 MiB of lines made as scripts/bench makes its corpus
// (the generator, 0.2 % malformed lines): what a worker parses.
var benchLines = sync.OnceValue(func() [][]byte {
	dir, err := os.MkdirTemp("", "logparse-bench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 1, BytesPerFile: 4 << 20, Seed: 1, MalformedFraction: 0.002})
	if err != nil {
		panic(err)
	}
	text, err := os.ReadFile(truth.Files[0])
	if err != nil {
		panic(err)
	}
	return splitLines(text)
})

// The parse of `logmr count --by status` (no field needed but the status)
// and of `logmr parse` (every field), on the bench corpus' lines.
func BenchmarkParseBenchLinesStatus(b *testing.B) {
	benchParseLines(b, Combined, benchLines(), 0, len(benchLines())/100, nil)
}

func BenchmarkParseBenchLinesAll(b *testing.B) {
	benchParseLines(b, Combined, benchLines(), AllFields, len(benchLines())/100, nil)
}

// The fast path against the compiled parser of the same LogFormat string:
// the issue allows the compiled one 20 % more time.
func BenchmarkParseCombinedHandWritten(b *testing.B) { benchParse(b, Combined, nil, nil) }

func BenchmarkParseCombinedCompiled(b *testing.B) {
	benchParse(b, mustCompile(b, Combined.LogFormat), nil, nil)
}

func BenchmarkParseVHostCombined(b *testing.B) {
	benchParse(b, VHostCombined, func(l []byte) []byte {
		return append([]byte("www.example.com:443 "), l...)
	}, nil)
}

// BenchmarkParseFullRecord parses and reads every field as text, as
// `logmr parse` does before quoting.
func BenchmarkParseFullRecord(b *testing.B) {
	f := mustCompile(b, Combined.LogFormat)
	var buf []byte
	benchParse(b, f, nil, func(rec *Record) {
		for _, fd := range f.Fields() {
			buf, _ = rec.AppendValue(buf[:0], fd)
		}
	})
}

// BenchmarkEncodeJSON is `logmr parse`'s per-line work: parse and encode.
func BenchmarkEncodeJSON(b *testing.B) {
	var buf []byte
	benchParse(b, Combined, nil, func(rec *Record) {
		buf = AppendJSON(buf[:0], Combined, rec)
	})
}

// BenchmarkParseStrftime reads a time spread over three %{format}t pieces,
// as in Apache's documentation.
func BenchmarkParseStrftime(b *testing.B) {
	f := mustCompile(b, `%h %l %u [%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`)
	benchParse(b, f, func(l []byte) []byte {
		// "[17/May/2015:10:05:03 +0000]" -> "[17/May/2015:10:05:03.123 +0000]"
		i := bytes.IndexByte(l, '[')
		if i < 0 || len(l) < i+22 {
			return l
		}
		return append(append(append([]byte(nil), l[:i+21]...), ".123"...), l[i+21:]...)
	}, nil)
}

// BenchmarkParseVsOld parses the bench lines with the old parser
// (oldparse_test.go) and with Parse in turn, many times over, and reports
// each one's throughput and the ratio.
func BenchmarkParseVsOld(b *testing.B) {
	for _, need := range []Fields{0, AllFields} {
		b.Run(fmt.Sprintf("need=%04b", need), func(b *testing.B) {
			p := NewParser(Combined)
			p.Need(need)
			old := &oldParser{skip: AllFields &^ need}
			var rec Record
			benchInTurn(b, benchLines(),
				"old", func(l []byte) { _ = oldParse(old, l, &rec, true) },
				"new", func(l []byte) { _ = p.Parse(l, &rec) })
		})
	}
}

// BenchmarkCompiledVsHandWritten parses the real combined log with the
// compiled parser of Combined's LogFormat string and with the hand-written
// one in turn: the issue allows the compiled one 20 % more time
// (speedup at most 1.2).
func BenchmarkCompiledVsHandWritten(b *testing.B) {
	compiled, hand := NewParser(mustCompile(b, Combined.LogFormat)), NewParser(Combined)
	var rec Record
	benchInTurn(b, readLines(b, realLogs),
		"compiled", func(l []byte) { _ = compiled.Parse(l, &rec) },
		"hand", func(l []byte) { _ = hand.Parse(l, &rec) })
}

// benchInTurn runs parse functions a and b over lines in turn, many times
// over, and reports each one's throughput (per CPU second where it is
// measured) and how many times faster b is: on a loaded machine the two
// see the same load, so the ratio holds where separate runs vary.
func benchInTurn(b *testing.B, lines [][]byte, nameA string, a func([]byte), nameB string, fb func([]byte)) {
	var total int64
	for _, l := range lines {
		total += int64(len(l)) + 1
	}
	clock := func() time.Duration {
		if d, ok := processCPUTime(); ok {
			return d
		}
		return time.Duration(time.Now().UnixNano())
	}
	var tA, tB time.Duration
	b.SetBytes(total)
	for b.Loop() {
		t0 := clock()
		for _, l := range lines {
			a(l)
		}
		t1 := clock()
		for _, l := range lines {
			fb(l)
		}
		tA, tB = tA+t1-t0, tB+clock()-t1
	}
	mb := float64(total) * float64(b.N) / 1e6
	b.ReportMetric(mb/tA.Seconds(), nameA+"-MB/s")
	b.ReportMetric(mb/tB.Seconds(), nameB+"-MB/s")
	b.ReportMetric(tA.Seconds()/tB.Seconds(), "speedup")
}
