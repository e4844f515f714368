package logscan_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/subproc"
)

// compressAs compresses text with tool's -c where it is installed (as
// logrotate's compresscmd does), else with the Go library; ok is false
// where neither can (bzip2 has no Go writer).
func compressAs(t *testing.T, tool string, text []byte) (out []byte, ok bool) {
	t.Helper()
	if _, err := exec.LookPath(tool); err == nil {
		cmd := exec.Command(tool, "-q", "-c")
		cmd.Stdin = bytes.NewReader(text)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s -c: %v", tool, err)
		}
		return out, true
	}
	var b bytes.Buffer
	switch tool {
	case "zstd":
		w, _ := zstd.NewWriter(&b)
		w.Write(text)
		w.Close()
	case "xz":
		w, _ := xz.NewWriter(&b)
		w.Write(text)
		w.Close()
	case "lz4":
		w := lz4.NewWriter(&b)
		w.Write(text)
		w.Close()
	default:
		t.Logf("%s is not installed, and Go has no writer for it: no such file is tried", tool)
		return nil, false
	}
	return b.Bytes(), true
}

// hostLines is n combined lines of hosts 10.<net>.0.0 to 10.<net>.0.<n-1>.
func hostLines(net, n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "10.%d.0.%d - - [21/Nov/2026:10:00:%02d +0000] \"GET /%d HTTP/1.1\" 200 %d \"-\" \"agent\"\n", net, i, i%60, i, i)
	}
	return b.Bytes()
}

// rotatedDir is a Debian log directory rotated with every compression
// (logrotate's compresscmd and compressext): access.log.2.zst,
// access.log.3.xz, access.log.4.bz2, access.log.5.lz4, beside the plain
// files and an error log, compressed too. It returns the directory, the
// hosts of its access logs, and which inflater each file must report.
func rotatedDir(t *testing.T) (dir string, hosts []string, inflaters map[string]logscan.Inflater) {
	dir = t.TempDir()
	inflaters = map[string]logscan.Inflater{}
	add := func(name string, text []byte, inf logscan.Inflater) {
		if err := os.WriteFile(filepath.Join(dir, name), text, 0o644); err != nil {
			t.Fatal(err)
		}
		inflaters[filepath.Join(dir, name)] = inf
	}
	add("access.log", hostLines(0, 10), logscan.NotCompressed)
	add("access.log.1", hostLines(1, 10), logscan.NotCompressed)
	for i, c := range []struct {
		tool, ext string
		inf       logscan.Inflater
	}{{"zstd", "zst", logscan.InflatedByZstd}, {"xz", "xz", logscan.InflatedByXZ}, {"bzip2", "bz2", logscan.InflatedByBzip2}, {"lz4", "lz4", logscan.InflatedByLZ4}} {
		net := i + 2
		if data, ok := compressAs(t, c.tool, hostLines(net, 20)); ok {
			add(fmt.Sprintf("access.log.%d.%s", net, c.ext), data, c.inf)
		}
	}
	errorLog := []byte("[Sat Nov 21 10:00:00.123456 2026] [core:error] [pid 1] AH00037: Symbolic link not allowed\n")
	if data, ok := compressAs(t, "zstd", bytes.Repeat(errorLog, 3)); ok {
		os.WriteFile(filepath.Join(dir, "error.log.2.zst"), data, 0o644)
	}
	for path := range inflaters {
		var net, n int
		base := filepath.Base(path)
		switch {
		case base == "access.log":
			net, n = 0, 10
		case base == "access.log.1":
			net, n = 1, 10
		default:
			fmt.Sscanf(strings.TrimPrefix(base, "access.log."), "%d", &net)
			n = 20
		}
		for i := range n {
			hosts = append(hosts, fmt.Sprintf("10.%d.0.%d", net, i))
		}
	}
	return dir, hosts, inflaters
}

// Hosts and count over a directory of logs rotated with every compression
// give the known answers, each file decompressed by its decoder, whatever
// gzip decompressor is chosen; a compressed error log is skipped as a
// plain one is.
func TestRotatedWithEveryCompression(t *testing.T) {
	dir, want, inflaters := rotatedDir(t)
	slices.Sort(want)
	for _, d := range []logscan.Decompressor{{}, {Command: subproc.Stage{"gzip", "-dc"}}} {
		res, err := jobs.Hosts(context.Background(), []string{dir}, logscan.ScanOptions{Decompressor: d})
		if err != nil {
			t.Fatalf("Hosts: %v", err)
		}
		got := slices.Sorted(slices.Values(res.Hosts))
		if !slices.Equal(got, want) {
			t.Errorf("Hosts = %v, want %v", got, want)
		}
		if len(res.Stats.Files) != len(inflaters) {
			t.Errorf("Hosts read %d files, want %d", len(res.Stats.Files), len(inflaters))
		}
		for _, f := range res.Stats.Files {
			if f.Inflater != inflaters[f.Path] {
				t.Errorf("%s: FileStats.Inflater = %q, want %q", f.Path, f.Inflater, inflaters[f.Path])
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "error.log.2.zst")); err == nil &&
			(len(res.Stats.Skipped) != 1 || res.Stats.Skipped[0].Reason != "an Apache error log") {
			t.Errorf("Stats.Skipped = %+v, want error.log.2.zst as an Apache error log", res.Stats.Skipped)
		}
	}
	count, err := jobs.Count(context.Background(), []string{dir}, jobs.CountOptions{By: []jobs.CountField{jobs.ByStatus}}, logscan.ScanOptions{})
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	if got := fmt.Sprint(count.Rows()); !strings.Contains(got, fmt.Sprint(len(want))) || count.Stats.Lines != int64(len(want)) {
		t.Errorf("Count by status = %s, %d lines; want %d lines of 200", got, count.Stats.Lines, len(want))
	}
}

// Through an input filter, what the filter writes is sniffed as a file
// is: a zstd file through cat is read as zstd.
func TestCompressedThroughInputFilter(t *testing.T) {
	dir := t.TempDir()
	data, _ := compressAs(t, "zstd", hostLines(7, 5))
	path := filepath.Join(dir, "access.log.2.zst")
	os.WriteFile(path, data, 0o644)
	res, err := jobs.Hosts(context.Background(), []string{path}, logscan.ScanOptions{InputFilter: []subproc.Stage{{"cat"}}})
	if err != nil || len(res.Hosts) != 5 || res.Stats.Files[0].Inflater != logscan.InflatedByZstd {
		t.Fatalf("Hosts through cat: %v, %+v, error %v; want 5 hosts, inflated by zstd", res.Hosts, res.Stats.Files, err)
	}
}

// A cut zstd file fails, named, with the words gzip's use, and the other
// inputs are still read.
func TestTruncatedZstdAmongGoodFiles(t *testing.T) {
	dir := t.TempDir()
	data, _ := compressAs(t, "zstd", hostLines(3, 2000))
	broken := filepath.Join(dir, "access.log.2.zst")
	os.WriteFile(broken, data[:len(data)-20], 0o644)
	os.WriteFile(filepath.Join(dir, "access.log"), hostLines(0, 3), 0o644)
	res, err := jobs.Hosts(context.Background(), []string{dir}, logscan.ScanOptions{})
	if err == nil || !strings.Contains(err.Error(), broken+": after line ") || !strings.Contains(err.Error(), "truncated zstd stream") {
		t.Errorf("Hosts over a cut zstd file: error %v, want it named, truncated zstd stream", err)
	}
	if res == nil || res.Stats.Inputs != 1 {
		t.Errorf("Hosts over a cut zstd file: the other input was not read")
	}
}

// A compressed file is cached whole, as a gzip file is: grown by another
// frame, it is read again from its start, never resumed in the middle.
func TestCacheCompressedNotResumed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log.2.zst")
	first, _ := compressAs(t, "zstd", hostLines(1, 50))
	os.WriteFile(path, first, 0o644)
	cache := openTestCache(t)
	co := jobs.CountOptions{By: []jobs.CountField{jobs.ByHost}}
	countBoth(t, cache, dir, co, logscan.ScanOptions{})
	if cs := countBoth(t, cache, dir, co, logscan.ScanOptions{}); cs.Hits != 1 {
		t.Errorf("unchanged zstd file: cache stats %+v, want a hit", cs)
	}
	more, _ := compressAs(t, "zstd", hostLines(2, 50))
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(more)
	f.Close()
	cs := countBoth(t, cache, dir, co, logscan.ScanOptions{})
	if cs.Resumed != 0 || cs.Hits != 0 || cs.Misses != 1 {
		t.Errorf("zstd file grown by a frame: cache stats %+v, want a miss, nothing resumed", cs)
	}
	res, err := jobs.Count(context.Background(), []string{dir}, co, logscan.ScanOptions{Cache: cache})
	if err != nil || res.Stats.Lines != 100 {
		t.Errorf("after the frame was added: %d lines, error %v; want 100", res.Stats.Lines, err)
	}
}
