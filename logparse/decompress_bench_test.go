package logparse

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// benchCodecText is 8 MiB of benchText's log text, in whole lines.
var benchCodecText = sync.OnceValue(func() []byte {
	text, _ := benchText()
	text = text[:8<<20]
	return text[:bytes.LastIndexByte(text, '\n')+1]
})

// benchCodecs are the codecs benchmarked, each written by its tool at its
// default level, as logrotate's compresscmd writes them.
var benchCodecs = []struct{ name, tool string }{{"zstd", "zstd"}, {"xz", "xz"}, {"bzip2", "bzip2"}, {"lz4", "lz4"}}

// benchCompressed is text compressed by tool -c, in a file of dir.
func benchCompressed(b *testing.B, dir, tool string, text []byte) (data []byte, path string) {
	if _, err := exec.LookPath(tool); err != nil {
		b.Skipf("%s is not installed", tool)
	}
	cmd := exec.Command(tool, "-q", "-c")
	cmd.Stdin = bytes.NewReader(text)
	data, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s -c: %v", tool, err)
	}
	path = filepath.Join(dir, "access.log.2."+tool)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return data, path
}

// BenchmarkStreamCodecs decompresses 8 MiB of log text with each codec:
// "go" through a Stream (one core, as a worker reads one file), "cli"
// with the tool's own -dc, a child process writing to /dev/null, for
// comparison. MB/s are of the decompressed text; cpu-MB/s per CPU
// second (this process's, or the child's), which move less with the
// machine's load.
func BenchmarkStreamCodecs(b *testing.B) {
	text := benchCodecText()
	for _, c := range benchCodecs {
		b.Run(c.name, func(b *testing.B) {
			data, path := benchCompressed(b, b.TempDir(), c.tool, text)
			b.Run("go", func(b *testing.B) {
				r := bytes.NewReader(data)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				defer reportCPUThroughput(b, int64(len(text)))()
				for b.Loop() {
					r.Reset(data)
					st, err := NewStream(r)
					if err != nil {
						b.Fatal(err)
					}
					if n, err := io.Copy(io.Discard, st); err != nil || n != int64(len(text)) {
						b.Fatalf("read %d bytes, error %v; want %d", n, err, len(text))
					}
					st.Close()
				}
			})
			b.Run("cli", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				var cpu time.Duration // the children's
				for b.Loop() {
					cmd := exec.Command(c.tool, "-dc", path)
					if err := cmd.Run(); err != nil {
						b.Fatal(err)
					}
					cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
				if cpu > 0 {
					b.ReportMetric(float64(len(text))*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
				}
			})
		})
	}
}
