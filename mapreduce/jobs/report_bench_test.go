package jobs

import (
	"context"
	"testing"

	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// BenchmarkReport is the report job against count --by status on the same
// generated logs: b.SetBytes makes the MB/s comparable.
func BenchmarkReport(b *testing.B) {
	dir := b.TempDir()
	generateB(b, dir, 4)
	var size int64
	if res, err := Count(context.Background(), []string{dir}, CountOptions{By: []CountField{ByStatus}}, logscan.ScanOptions{}); err == nil {
		size = res.Stats.Bytes
	}
	b.Run("report", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := RunReport(context.Background(), []string{dir}, ReportOptions{}, logscan.ScanOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count-status", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Count(context.Background(), []string{dir}, CountOptions{By: []CountField{ByStatus}}, logscan.ScanOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func generateB(b *testing.B, dir string, files int) {
	b.Helper()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: files, BytesPerFile: 8 << 20, Seed: 42, MalformedFraction: 0.002, GzipLevel: 1}); err != nil {
		b.Fatal(err)
	}
}
