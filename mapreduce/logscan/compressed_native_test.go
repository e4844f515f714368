package logscan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/logmr/logmr/subproc"
)

// A child decompressor is for gzip: a zstd file, however big, is read by
// its decoder in this process, and its answer is the same.
func TestChildDecompressorLeavesZstdToGo(t *testing.T) {
	defer func(old int64) { nativeMinBytes = old }(nativeMinBytes)
	nativeMinBytes = 0 // every file would go to the child, were it gzip
	text := "192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n" +
		"192.0.2.2 - - [21/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\"\n"
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "access.log.2.zst")
	if err := os.WriteFile(path, enc.EncodeAll([]byte(text), nil), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 4} { // with and without cores to spare
		d := Decompressor{Command: subproc.Stage{"gzip", "-dc"}}
		res, err := testHosts(context.Background(), []string{path}, ScanOptions{Workers: workers, Decompressor: d})
		if err != nil || len(res.Hosts) != 2 || res.Stats.Files[0].Inflater != InflatedByZstd {
			t.Errorf("Workers %d, decompressor gzip -dc: hosts %v, files %+v, error %v; want 2 hosts, inflated by zstd", workers, res.Hosts, res.Stats.Files, err)
		}
	}
}
