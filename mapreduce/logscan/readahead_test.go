package logscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/logmr/logmr/logparse"
)

// One input and several workers takes Go's read-ahead inflater: same
// answer, same errors, and its goroutine gone when the scan returns.
func TestReadAheadMatchesPlainInflate(t *testing.T) {
	inGo := Decompressor{InProcess: logparse.InflateGo} // ISA-L does not read ahead
	dir := t.TempDir()
	generate(t, dir, 3, 6)
	gz := filepath.Join(dir, "access.log.2.gz")
	before := runtime.NumGoroutine()
	plain, err := testHosts(context.Background(), []string{gz}, ScanOptions{Decompressor: inGo, Filter: robots.Filter, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := testHosts(context.Background(), []string{gz}, ScanOptions{Decompressor: inGo, Filter: robots.Filter, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plain.Hosts, ahead.Hosts) || !equalStats(plain.Stats, ahead.Stats) {
		t.Errorf("read-ahead = %d hosts %+v, plain = %d hosts %+v", len(ahead.Hosts), ahead.Stats, len(plain.Hosts), plain.Stats)
	}

	whole, _ := os.ReadFile(gz)
	cut := filepath.Join(t.TempDir(), "cut.gz")
	os.WriteFile(cut, whole[:len(whole)/2], 0o644)
	_, err = testHosts(context.Background(), []string{cut}, ScanOptions{Decompressor: inGo, Workers: 4})
	if !errors.Is(err, logparse.ErrTruncated) {
		t.Errorf("read-ahead on a truncated gzip: %v, want ErrTruncated", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = testHosts(ctx, []string{gz}, ScanOptions{Decompressor: inGo, Workers: 4, Progress: cancelOnAdd{cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("read-ahead cancelled: %v, want context.Canceled", err)
	}
	waitForGoroutines(t, before)
}
