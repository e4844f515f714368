package logscan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// mergeCorpus is 4 servers' logs, one directory each (4 rotated chains of
// 2 files of 4 MiB of text, one of them gzip -1), made once per run.
func mergeCorpus(b *testing.B) string {
	dir := filepath.Join(os.TempDir(), "logmr-bench", "merge")
	if _, err := os.Stat(filepath.Join(dir, "web3", "access.log")); err == nil {
		return dir
	}
	for i := range 4 {
		cfg := loggen.Config{Dir: filepath.Join(dir, fmt.Sprintf("web%d", i)), Files: 3, BytesPerFile: 4 << 20,
			Seed: uint64(i + 1), MalformedFraction: 0.002, GzipLevel: 1, RobotsFraction: 0.001}
		if _, err := loggen.Generate(cfg); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkMerge reads the corpus through Merge, in input order and by
// time, its bytes the text handed out.
//
//	go test -run XXX -bench Merge -benchtime 3x -count 3 ./mapreduce/logscan
func BenchmarkMerge(b *testing.B) {
	dir := mergeCorpus(b)
	for _, c := range []struct {
		name string
		opts logscan.MergeOptions
	}{
		{"input-order", logscan.MergeOptions{}},
		{"by-time", logscan.MergeOptions{SortByTime: true}},
		{"by-time-lines-only", logscan.MergeOptions{SortByTime: true, LinesOnly: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := logscan.Merge(context.Background(), []string{dir}, c.opts)
				var n int64
				for m.Next() {
					n += int64(len(m.Entry().Line)) + 1
				}
				if err := m.Err(); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(n)
			}
		})
	}
}
