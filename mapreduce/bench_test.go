package mapreduce

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// benchCorpus is a directory of logs for the whole-job benchmarks: the one
// scripts/bench generates, or $LOGMR_BENCH_CORPUS. They are skipped when it
// is missing, so that go test ./... stays quick.
//
//	scripts/bench -runs 1   # once, to generate it
//	go test -run XXX -bench Corpus -cpuprofile cpu.out ./mapreduce
func benchCorpus(b *testing.B) (string, int64) {
	dir := os.Getenv("LOGMR_BENCH_CORPUS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "logmr-bench", "corpus")
	}
	inputs, _, err := FindInputs([]string{dir}, Selection{})
	if err != nil || len(inputs) == 0 {
		b.Skipf("no corpus in %s (run scripts/bench, or set LOGMR_BENCH_CORPUS)", dir)
	}
	// SetBytes wants the text's size: inflate once, as the job would.
	var text int64
	_, stats, err := ScanLogs(context.Background(), []string{dir}, NewHostSet, ScanOptions{Filter: Filter{Paths: []string{"/"}}})
	if err != nil {
		b.Fatal(err)
	}
	text = stats.Bytes
	return dir, text
}

func BenchmarkCorpusHosts(b *testing.B) {
	dir, text := benchCorpus(b)
	opts := ScanOptions{Filter: Filter{Paths: []string{"/robots.txt"}}}
	b.SetBytes(text)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ScanLogs(context.Background(), []string{dir}, NewHostSet, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCorpusHostsIgzip(b *testing.B) {
	dir, text := benchCorpus(b)
	igzip, err := FindDecompressor(DecompressIgzip)
	if err != nil {
		b.Skip(err)
	}
	opts := ScanOptions{Filter: Filter{Paths: []string{"/robots.txt"}}, Decompressor: igzip}
	b.SetBytes(text)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ScanLogs(context.Background(), []string{dir}, NewHostSet, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCorpusCountStatus(b *testing.B) {
	dir, text := benchCorpus(b)
	b.SetBytes(text)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Count(context.Background(), []string{dir}, CountOptions{By: []CountField{ByStatus}}, ScanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// hotText is 16 MiB of generated log text in memory, for the per-line
// benchmarks: the work of one worker once inflating is done.
var hotText = sync.OnceValue(func() []byte {
	dir, err := os.MkdirTemp("", "mapreduce-bench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 1, BytesPerFile: 16 << 20, Seed: 1, MalformedFraction: 0.002, RobotsFraction: 0.001})
	if err != nil {
		panic(err)
	}
	text, err := os.ReadFile(truth.Files[0])
	if err != nil {
		panic(err)
	}
	return text
})

// benchHotPath runs one worker's per-line work over hotText: scan, parse,
// filter, aggregate.
func benchHotPath[A Aggregate[A]](b *testing.B, filter Filter, newAggregate func() A) {
	text := hotText()
	m, err := filter.compile()
	if err != nil {
		b.Fatal(err)
	}
	s := &logScanner[A]{opts: ScanOptions{Filter: filter}, filter: m, newAggregate: newAggregate}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var lines int64
	for b.Loop() {
		out := scanned[A]{agg: newAggregate()}
		if _, err := scanText(bytes.NewReader(text), nil, 0, func(ls *lineSource) error {
			return s.scanLines(context.Background(), "bench", ls, &out)
		}); err != nil {
			b.Fatal(err)
		}
		lines = out.stats.Lines
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*lines), "ns/line")
}

func BenchmarkHotPathHostsPath(b *testing.B) {
	benchHotPath(b, Filter{Paths: []string{"/robots.txt"}}, NewHostSet)
}

func BenchmarkHotPathHostsAll(b *testing.B) { benchHotPath(b, Filter{}, NewHostSet) }

func BenchmarkHotPathCountStatus(b *testing.B) {
	benchHotPath(b, Filter{}, CountOptions{By: []CountField{ByStatus}}.counters(&spillRegistry{}))
}
