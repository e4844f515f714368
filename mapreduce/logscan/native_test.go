package logscan

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/subproc"
)

// nativeCases are gzip files as rotation, copying and accidents leave them,
// each of which a child decompressor must read exactly as Go does: the same
// hosts and counts, or the same error.
func nativeCases(t *testing.T) map[string][]byte {
	t.Helper()
	var text strings.Builder
	for i := range 3000 {
		path := "/index.html"
		if i%7 == 0 {
			path = "/robots.txt"
		}
		fmt.Fprintf(&text, "10.0.%d.%d - - [22/Nov/2026:06:%02d:00 +0000] \"GET %s HTTP/1.1\" 200 %d \"-\" \"agent %d\"\n",
			i/250, i%250, i%60, path, i, i)
		if i%500 == 0 {
			text.WriteString("this line is malformed\n")
		}
	}
	plain := []byte(text.String())
	gz := func(b []byte) []byte {
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		zw.Write(b)
		zw.Close()
		return out.Bytes()
	}
	// A text whose size ends in a zero byte makes the trailer's ISIZE end in
	// one too, so that it reads like zero padding.
	padded := plain[:len(plain)-len(plain)%256]
	padded = append(padded[:len(padded)-1:len(padded)-1], '\n')
	one := gz(plain)
	corrupt := bytes.Clone(one)
	corrupt[len(corrupt)-6] ^= 0xff // the CRC
	return map[string][]byte{
		"plain":              plain,
		"one member":         one,
		"size ends in zeros": gz(padded),
		"zero padding":       append(gz(padded), make([]byte, 1000)...),
		"two members":        append(gz(plain[:len(plain)/2]), gz(plain[len(plain)/2:])...),
		"trailing garbage":   append(bytes.Clone(one), "garbage"...),
		"truncated":          one[:len(one)/2],
		"bad checksum":       corrupt,
		"gzip in gzip":       gz(one),
		"empty member":       gz(nil),
		"empty file":         {},
	}
}

func TestNativeDecompressorAnswersAsGo(t *testing.T) {
	defer func(old int64) { nativeMinBytes = old }(nativeMinBytes)
	nativeMinBytes = 0                         // the cases are small
	decompressors := map[string]subproc.Stage{ // each used for every file
		// Children that fail, or lie, must not change the answer.
		"failing child": {"sh", "-c", "head -c 1000; exit 1"},
		"cat (lies)":    {"cat"},
		"missing":       {filepath.Join(t.TempDir(), "no-such-decompressor")},
	}
	real := map[string]bool{} // children that inflate the cases Go reads without trouble
	for _, name := range []string{string(DecompressIgzip), string(DecompressPigz), "gzip"} {
		if path, err := exec.LookPath(name); err == nil {
			real[name] = true
			decompressors[name] = subproc.Stage{path, "-dc"}
		} else {
			t.Logf("%s is not installed: not compared (Debian/Ubuntu: apt-get install isal pigz)", name)
		}
	}
	dir := t.TempDir()
	for name, content := range nativeCases(t) {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".log.gz")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}}
		want, werr := testHosts(context.Background(), []string{path}, opts)
		for dname, stage := range decompressors {
			opts.Decompressor = Decompressor{Command: stage}
			got, gerr := testHosts(context.Background(), []string{path}, opts)
			if fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Errorf("%s with %s: error %v, Go's %v", name, dname, gerr, werr)
				continue
			}
			if want == nil || got == nil {
				if (want == nil) != (got == nil) {
					t.Errorf("%s with %s: result %v, Go's %v", name, dname, got, want)
				}
				continue
			}
			if wantInflater, ok := nativeInflater(name, dname, real[dname]); ok {
				if got := got.Stats.Files[0].Inflater; got != wantInflater {
					t.Errorf("%s with %s: Files[0].Inflater = %q, want %q", name, dname, got, wantInflater)
				}
			}
			for _, st := range []Stats{got.Stats, want.Stats} {
				for i := range st.Files {
					st.Files[i].Elapsed, st.Files[i].Inflater = 0, ""
				}
			}
			if !reflect.DeepEqual(got.Hosts, want.Hosts) || !reflect.DeepEqual(got.Stats, want.Stats) {
				t.Errorf("%s with %s: %d hosts, stats %+v; Go: %d hosts, stats %+v",
					name, dname, len(got.Hosts), got.Stats, len(want.Hosts), want.Stats)
			}
		}
	}
}

// nativeInflater is the Inflater that reading the case name with the child
// dname must report, if the test knows it: the child's own name for a
// case it inflates whole (a real one: igzip, pigz, gzip), Go when the
// child fails or lies on a case Go reads (ISA-L where it loads), nothing
// for plain text.
func nativeInflater(name, dname string, real bool) (Inflater, bool) {
	switch {
	case name == "plain":
		return NotCompressed, true
	case name != "one member" && name != "size ends in zeros":
		return "", false
	case real:
		return InflatedByChild(dname), true
	}
	return inProcessInflater(), true
}

// TestGzipTail runs gzipTail over many splits of a few streams.
func TestGzipTail(t *testing.T) {
	isize := func(n uint32, zeros int) []byte {
		b := binary.LittleEndian.AppendUint32([]byte{0xaa, 0xbb, 0xcc, 0xdd}, n)
		return append(b, make([]byte, zeros)...)
	}
	cases := []struct {
		stream []byte
		size   int64
		want   bool
	}{
		{isize(0x01020304, 0), 0x01020304, true},
		{isize(0x01020304, 0), 0x01020305, false},
		{isize(0x00000100, 0), 0x100, true},      // ISIZE ends in zeros
		{isize(0x00000100, 3), 0x100, true},      // and padding follows
		{isize(0x00010000, 5000), 0x10000, true}, // padding longer than a read
		{isize(0, 2), 0, true},                   // an empty member
		{isize(0x01020304, 0)[:7], 0x01020304, false},
		{append(isize(7, 0), 'x'), 7, false}, // garbage after the trailer
		{append(isize(7, 0), 'x', 0), 7, false},
		{isize(1<<32-1, 0), 1<<33 - 1, true}, // ISIZE is the size mod 2^32
	}
	for i, c := range cases {
		for split := 0; split <= len(c.stream); split += max(1, len(c.stream)/40) {
			var tail gzipTail
			tail.see(c.stream[:split])
			tail.see(c.stream[split:])
			if got := tail.endsWith(c.size); got != c.want {
				t.Errorf("case %d split at %d: endsWith(%#x) = %v, want %v", i, split, c.size, got, c.want)
			}
		}
	}
}

func TestFindDecompressor(t *testing.T) {
	if d, err := FindDecompressor(DecompressGo); d.Command != nil || d.InProcess != logparse.InflateGo || err != nil {
		t.Errorf("go: %v, %v; want no command", d, err)
	}
	if _, err := FindDecompressor("zstd"); err == nil {
		t.Error("an unknown decompressor was accepted")
	}
	d, err := FindDecompressor(DecompressISAL)
	if logparse.LoadISAL() == nil {
		if err != nil || d.InProcess != logparse.InflateISAL || d.Command != nil {
			t.Errorf("isal: %v, %v; want ISA-L in this process", d, err)
		}
	} else if err == nil || !strings.Contains(err.Error(), "libisal2") {
		t.Errorf("isal where libisal does not load: %v, want an error naming the package libisal2", err)
	}
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if d, err := FindDecompressor(DecompressAuto); d.Command != nil || err != nil {
		t.Errorf("auto without igzip on PATH: %v, %v; want Go", d, err)
	}
	if _, err := FindDecompressor(DecompressIgzip); err == nil || !strings.Contains(err.Error(), "not found on PATH") {
		t.Errorf("igzip missing from PATH: %v, want not found", err)
	}
	igzip := filepath.Join(bin, "igzip")
	if err := os.WriteFile(igzip, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if d, err := FindDecompressor(DecompressAuto); err != nil || !reflect.DeepEqual(d, Decompressor{Command: subproc.Stage{igzip, "-dc"}, SpareCoresOnly: true}) {
		t.Errorf("auto with igzip on PATH: %v, %v; want igzip -dc for inputs with cores to spare", d, err)
	}
	if d, err := FindDecompressor(DecompressIgzip); err != nil || !reflect.DeepEqual(d, Decompressor{Command: subproc.Stage{igzip, "-dc"}}) {
		t.Errorf("igzip: %v, %v; want igzip -dc for every input", d, err)
	}
}

// TestDecompressorSpareCoresOnly: auto's child runs only for inputs with
// three workers or more each.
func TestDecompressorSpareCoresOnly(t *testing.T) {
	if _, err := exec.LookPath("gzip"); err != nil {
		t.Skip("gzip is not installed")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8)) // cores, as far as the policy can tell
	defer func(old int64) { nativeMinBytes = old }(nativeMinBytes)
	nativeMinBytes = 0
	dir := t.TempDir()
	log := filepath.Join(dir, "access.log.gz")
	if err := os.WriteFile(log, nativeCases(t)["one member"], 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	d := Decompressor{Command: subproc.Stage{"sh", "-c", `touch "$0"; exec gzip -dc`, marker}, SpareCoresOnly: true}
	for _, tc := range []struct {
		workers int
		paths   []string
		child   bool
	}{
		{2, []string{log}, false},
		{3, []string{log}, true},
		{5, []string{log, log + ".2"}, false}, // 2.5 workers each
		{6, []string{log, log + ".2"}, true},
	} {
		if len(tc.paths) > 1 {
			os.WriteFile(tc.paths[1], nativeCases(t)["one member"], 0o644)
		}
		os.Remove(marker)
		res, err := testHosts(context.Background(), tc.paths, ScanOptions{Workers: tc.workers, Decompressor: d})
		if err != nil || len(res.Hosts) == 0 {
			t.Fatalf("%d workers: %v, %v", tc.workers, res, err)
		}
		if _, err := os.Stat(marker); (err == nil) != tc.child {
			t.Errorf("%d workers, %d inputs: child ran %v, want %v", tc.workers, len(tc.paths), err == nil, tc.child)
		}
		want := inProcessInflater()
		if tc.child {
			want = InflatedByChild("sh")
		}
		for _, f := range res.Stats.Files {
			if f.Inflater != want {
				t.Errorf("%d workers, %d inputs: %s: Inflater = %q, want %q", tc.workers, len(tc.paths), f.Path, f.Inflater, want)
			}
		}
	}
}

// inProcessInflater is what inflates gzip in this process by default: ISA-L
// where it loads.
func inProcessInflater() Inflater {
	if logparse.LoadISAL() == nil {
		return InflatedByISAL
	}
	return InflatedByGo
}

// addedProgress sums what it is told.
type addedProgress struct{ total atomic.Int64 }

func (p *addedProgress) Start(int64) {}
func (p *addedProgress) Add(n int64) { p.total.Add(n) }

// TestNativeFallbackProgress: a file the child could not vouch for is read
// twice, and counted once.
func TestNativeFallbackProgress(t *testing.T) {
	defer func(old int64) { nativeMinBytes = old }(nativeMinBytes)
	nativeMinBytes = 0
	dir := t.TempDir()
	cases := nativeCases(t)
	for _, name := range []string{"trailing garbage", "two members", "one member"} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".gz")
		if err := os.WriteFile(path, cases[name], 0o644); err != nil {
			t.Fatal(err)
		}
		var p addedProgress
		opts := ScanOptions{Progress: &p, Decompressor: Decompressor{Command: subproc.Stage{"gzip", "-dc"}}}
		testHosts(context.Background(), []string{path}, opts)
		if got, want := p.total.Load(), int64(len(cases[name])); got != want {
			t.Errorf("%s: progress counted %d bytes, the file has %d", name, got, want)
		}
	}
}

// TestNativeSkipsPipes: a FIFO cannot be read again, so the child never
// reads one, even one it would have to give up on (two gzip members).
func TestNativeSkipsPipes(t *testing.T) {
	defer func(old int64) { nativeMinBytes = old }(nativeMinBytes)
	nativeMinBytes = 0
	dir := t.TempDir()
	content := nativeCases(t)["two members"]
	file := filepath.Join(dir, "file.gz")
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := testHosts(context.Background(), []string{file}, ScanOptions{})
	if err != nil || len(want.Hosts) == 0 {
		t.Fatal(want, err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Write(content)
			f.Close()
		}
	}()
	d := Decompressor{Command: subproc.Stage{"sh", "-c", "exec cat >/dev/null"}} // would lose everything
	var got *testHostsResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		got, err = testHosts(context.Background(), []string{fifo}, ScanOptions{Decompressor: d})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		// Opened again with no writer: the open blocks. Free it.
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
		t.Fatal("reading the FIFO hung: it was opened a second time")
	}
	if err != nil || !reflect.DeepEqual(got.Hosts, want.Hosts) {
		t.Errorf("through a FIFO: %v, %v; want the file's %d hosts", got, err, len(want.Hosts))
	}
}

// TestISALAnswersAsGo: the in-process inflaters give the same answer and
// the same error on every case, one input at a time and with read-ahead
// (which ISA-L ignores).
func TestISALAnswersAsGo(t *testing.T) {
	if err := logparse.LoadISAL(); err != nil {
		t.Skipf("ISA-L not installed (Debian/Ubuntu package libisal2): %v", err)
	}
	dir := t.TempDir()
	for name, content := range nativeCases(t) {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".log.gz")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			opts := ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, Workers: workers}
			opts.Decompressor.InProcess = logparse.InflateGo
			want, werr := testHosts(context.Background(), []string{path}, opts)
			opts.Decompressor.InProcess = logparse.InflateISAL
			got, gerr := testHosts(context.Background(), []string{path}, opts)
			switch {
			case errors.Is(werr, logparse.ErrTruncated) && errors.Is(gerr, logparse.ErrTruncated):
				// The same failure, but where it is said to be may
				// differ: cut short, Go's inflater stops a few
				// matches before the cut, ISA-L at it.
				continue
			case fmt.Sprint(gerr) != fmt.Sprint(werr):
				t.Errorf("%s, %d workers: error with ISA-L %v, with Go %v", name, workers, gerr, werr)
				continue
			case want == nil || got == nil:
				if (want == nil) != (got == nil) {
					t.Errorf("%s, %d workers: result with ISA-L %v, with Go %v", name, workers, got, want)
				}
				continue
			}
			for i, f := range got.Stats.Files {
				if wantInflater := want.Stats.Files[i].Inflater; wantInflater == InflatedByGo && f.Inflater != InflatedByISAL ||
					wantInflater != InflatedByGo && f.Inflater != wantInflater {
					t.Errorf("%s: Files[%d].Inflater with ISA-L = %q, with Go %q", name, i, f.Inflater, wantInflater)
				}
			}
			for _, st := range []Stats{got.Stats, want.Stats} {
				for i := range st.Files {
					st.Files[i].Elapsed, st.Files[i].Inflater = 0, ""
				}
			}
			if !reflect.DeepEqual(got.Hosts, want.Hosts) || !reflect.DeepEqual(got.Stats, want.Stats) {
				t.Errorf("%s, %d workers: with ISA-L %d hosts, stats %+v; with Go: %d hosts, stats %+v",
					name, workers, len(got.Hosts), got.Stats, len(want.Hosts), want.Stats)
			}
		}
	}
}
