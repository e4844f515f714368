package logscan

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
)

// An input that is not an access log fails, named, whether the format is
// detected or given: with a given format, an empty answer and exit 0 would
// hide the mistake. Other compressions and archives are named from their
// magic bytes, so that the message says what to do.
func TestNotAnAccessLogNamed(t *testing.T) {
	dir := t.TempDir()
	logText, err := os.ReadFile("../../testdata/logs/access.log.1")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	tw.WriteHeader(&tar.Header{Name: "access.log", Mode: 0o644, Size: int64(len(logText))})
	tw.Write(logText)
	tw.Close()
	var tgz bytes.Buffer
	gw := gzip.NewWriter(&tgz)
	gw.Write(tarBuf.Bytes())
	gw.Close()

	tests := []struct {
		name   string
		path   string
		format *logparse.Format
		want   string // in the error
	}{
		{"json as combined", write("caddy.log", []byte(`{"level":"info","ts":1700000000.5,"request":{"remote_ip":"192.0.2.1"},"status":200}`+"\n")),
			logparse.Combined, `line 1: host: missing: "{\"level\"`},
		{"common as vhost_combined", write("common.log", logText), logparse.VHostCombined, "none of its first"},
		{".Z magic", write("a.log.Z", []byte("\x1f\x9d\x90\x31\x30\x2e")), nil, "compress (.Z) data"},
		{".Z magic, format given", write("b.log.Z", []byte("\x1f\x9d\x90\x31\x30\x2e")), logparse.Combined, "compress (.Z) data"},
		{"tar", write("logs.tar", tarBuf.Bytes()), nil, "a tar archive"},
		{"tar.gz", write("logs.tar.gz", tgz.Bytes()), logparse.Combined, "a tar archive"},
		{"binary", write("core", bytes.Repeat([]byte("\x7fELF\x02\x01\x01\x00\x00\x00 x\n"), 20)), nil, "binary data"},
		{"zip magic", write("logs.zip", []byte("PK\x03\x04\x14\x00\x00\x00")), nil, "a zip archive"},
	}
	// The compressions that are read are refused only when compressed
	// twice: the real tools, where installed, write them.
	for _, tool := range []struct{ cmd, ext, want string }{
		{"xz", "xz", "xz-compressed data (compressed twice)"}, {"zstd", "zst", "zstd-compressed data (compressed twice)"},
		{"bzip2", "bz2", "bzip2-compressed data (compressed twice)"}, {"lz4", "lz4", "lz4-compressed data (compressed twice)"},
	} {
		if _, err := exec.LookPath(tool.cmd); err != nil {
			t.Logf("%s is not installed: its output compressed twice is not tried", tool.cmd)
			continue
		}
		out := logText
		for range 2 {
			cmd := exec.Command(tool.cmd, "-c")
			cmd.Stdin = bytes.NewReader(out)
			var err error
			if out, err = cmd.Output(); err != nil {
				t.Fatalf("%s -c: %v", tool.cmd, err)
			}
		}
		tests = append(tests, struct {
			name   string
			path   string
			format *logparse.Format
			want   string
		}{"real " + tool.cmd, write("real.log."+tool.ext, out), nil, tool.want})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paths := []string{tc.path}
			if tc.format == nil {
				paths = append(paths, "../../testdata/logs/access.log")
			}
			res, err := testHosts(context.Background(), paths, ScanOptions{Format: tc.format})
			var failed *mapreduce.FailedInputs
			if !errors.As(err, &failed) || len(failed.Errs) != 1 || !errors.Is(err, logparse.ErrNotAccessLog) {
				t.Fatalf("testHosts(%s) error = %v, want it failed as not an access log", tc.name, err)
			}
			msg := failed.Errs[0].Error()
			if !strings.HasPrefix(msg, tc.path+": ") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("testHosts(%s) error = %q, want one line naming %s and saying %q", tc.name, msg, tc.path, tc.want)
			}
			if res == nil || res.Stats.Inputs != len(paths)-1 {
				t.Errorf("testHosts(%s): the other input was not read", tc.name)
			}
		})
	}
}

func TestSniffContentPlainText(t *testing.T) {
	for _, head := range []string{"", "\x00\x00\x00", "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326", "BZ", "PK"} {
		if got := logparse.SniffContent([]byte(head)); got != "" {
			t.Errorf("SniffContent(%q) = %q, want \"\"", head, got)
		}
	}
}
