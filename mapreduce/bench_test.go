package mapreduce

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
