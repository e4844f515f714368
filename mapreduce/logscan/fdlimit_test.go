package logscan

import (
	"testing"

	logcache "github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/subproc"
)

func TestCapWorkers(t *testing.T) {
	for _, tc := range []struct {
		name              string
		workers, perInput int
		limit             uint64
		want              int
	}{
		{"under the limit", 8, 1, 1 << 20, 8},
		{"plain reads", 500, 1, 64, 32},
		{"filter of one stage", 500, 11, 64, 2},
		{"limit below the reserve", 500, 1, 16, 1},
		{"no limit", 500, 11, ^uint64(0), 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := capWorkers(tc.workers, tc.perInput, tc.limit); got != tc.want {
				t.Errorf("capWorkers(%d, %d, %d) = %d, want %d", tc.workers, tc.perInput, tc.limit, got, tc.want)
			}
		})
	}
}

func TestFDsPerInput(t *testing.T) {
	two := []subproc.Stage{{"openssl", "enc", "-d"}, {"gzip", "-dc"}}
	for _, tc := range []struct {
		name  string
		opts  ScanOptions
		spill bool
		want  int
	}{
		{"plain", ScanOptions{}, false, 1},
		{"spill", ScanOptions{}, true, 2},
		{"decompressor", ScanOptions{Decompressor: Decompressor{Command: subproc.Stage{"igzip", "-dc"}}}, false, 11},
		{"two stages", ScanOptions{InputFilter: two}, false, 15},
		{"two stages, decompressor unused", ScanOptions{InputFilter: two, Decompressor: Decompressor{Command: subproc.Stage{"igzip"}}}, true, 16},
		{"cache", ScanOptions{Cache: &logcache.Cache{}}, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fdsPerInput(tc.opts, tc.spill); got != tc.want {
				t.Errorf("fdsPerInput(%s) = %d, want %d", tc.name, got, tc.want)
			}
		})
	}
}
