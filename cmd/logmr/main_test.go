package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// logmr is the binary under test, built once by TestMain: these tests run
// the real program as users and cron do, and check exit codes and streams.
var logmr string

func TestMain(m *testing.M) {
	if os.Getenv(namedTempMain) != "" {
		os.Exit(mainNamedTemp())
	}
	dir, err := os.MkdirTemp("", "logmr-test")
	if err != nil {
		panic(err)
	}
	logmr = filepath.Join(dir, "logmr")
	build := exec.Command("go", "build", "-o", logmr, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building logmr:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(logmr, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running logmr %q: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

func generate(t *testing.T, files int) (string, *loggen.Truth) {
	t.Helper()
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: files, BytesPerFile: 1 << 20,
		Seed: 7, MalformedFraction: 0.002, GzipLevel: 1, RobotsFraction: 0.005})
	if err != nil {
		t.Fatal(err)
	}
	return dir, truth
}

// TestHostsGeneratedCorpus is the "done when": exactly the hosts the
// policy defines (the generator's independent record), the same bytes for
// -j 1 and -j 8, exit 0, nothing on stderr off a terminal.
func TestHostsGeneratedCorpus(t *testing.T) {
	dir, truth := generate(t, 5)
	want := slices.Collect(maps.Keys(truth.RobotsHosts))
	logparse.SortHosts(want)
	one := run(t, nil, "hosts", "--path", "/robots.txt", "-j", "1", dir)
	eight := run(t, nil, "hosts", "-j", "8", dir, "--path", "/robots.txt") // flags after PATH too
	if one.code != 0 || one.stderr != "" {
		t.Fatalf("logmr hosts -j 1: exit %d, stderr %q; want 0 and nothing", one.code, one.stderr)
	}
	if got := strings.Join(want, "\n") + "\n"; one.stdout != got {
		t.Errorf("logmr hosts -j 1 printed %d lines, want the %d hosts of the generator's truth",
			strings.Count(one.stdout, "\n"), len(want))
	}
	if eight != one {
		t.Errorf("logmr hosts -j 8 = %+v, differs from -j 1", eight)
	}
}

func TestHostsTruncatedGzip(t *testing.T) {
	dir, _ := generate(t, 3)
	broken := filepath.Join(dir, "access.log.2.gz")
	whole, _ := os.ReadFile(broken)
	os.WriteFile(broken, whole[:len(whole)/3], 0o644)
	got := run(t, nil, "hosts", "--path", "/robots.txt", dir)
	others := run(t, nil, "hosts", "--path", "/robots.txt", filepath.Join(dir, "access.log"), filepath.Join(dir, "access.log.1"))
	if got.code != 3 || !strings.Contains(got.stderr, broken+": after line") ||
		!strings.Contains(got.stderr, "truncated gzip stream") || got.stdout != others.stdout || others.stdout == "" {
		t.Errorf("truncated gzip: exit %d, stderr %q; want exit 3, the file named, the others' hosts printed", got.code, got.stderr)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown flag", []string{"hosts", "--bogus", "x"}, 2, "--bogus: no such flag for hosts"},
		{"no path", []string{"hosts"}, 2, "no PATH given"},
		{"bad format", []string{"hosts", "--format", "xml", "x"}, 2, `unknown log format "xml"`},
		{"bad output format", []string{"hosts", "-O", "yaml", "x"}, 2, `--output-format "yaml"`},
		{"bad glob", []string{"hosts", "--include", "[a-", "../../testdata/logs"}, 2, `--include or --exclude "[a-": syntax error in pattern`},
		{"bad progress", []string{"hosts", "--progress", "sometimes", "x"}, 2, "--progress"},
		{"missing file", []string{"hosts", "no/such/file"}, 1, "no/such/file: no such file or directory"},
		{"one missing among good", []string{"hosts", "no/such/file", "../../testdata/logs"}, 3, "no/such/file: no such file"},
		{"empty dir", []string{"hosts", t.TempDir()}, 1, "no input files found"},
		{"unknown command", []string{"hots", "x"}, 2, `unknown command "hots"`},
		{"value flag without value", []string{"hosts", "../../testdata/logs", "--path"}, 2, "--path: needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, nil, tt.args...)
			if got.code != tt.code || !strings.Contains(got.stderr, tt.stderr) {
				t.Errorf("logmr %q: exit %d, stderr %q; want %d and %q", tt.args, got.code, got.stderr, tt.code, tt.stderr)
			}
		})
	}
}

func TestOutputFormatsAndStdin(t *testing.T) {
	gz, err := os.ReadFile("../../testdata/logs/access.log.3.gz")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ format, want string }{
		{"text", "192.0.2.4\n192.0.2.30\n192.0.2.31\n"},
		{"json", `["192.0.2.4","192.0.2.30","192.0.2.31"]` + "\n"},
		{"jsonl", "\"192.0.2.4\"\n\"192.0.2.30\"\n\"192.0.2.31\"\n"},
		{"csv", "host\n192.0.2.4\n192.0.2.30\n192.0.2.31\n"},
		{"tsv", "host\n192.0.2.4\n192.0.2.30\n192.0.2.31\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got := run(t, gz, "hosts", "-O", tt.format, "-")
			if got.code != 0 || got.stdout != tt.want {
				t.Errorf("logmr hosts -O %s - < access.log.3.gz = %q (exit %d), want %q", tt.format, got.stdout, got.code, tt.want)
			}
		})
	}
	got := run(t, nil, "hosts", "-O", "json", t.TempDir()+"/nothing-matches-nothing")
	if got.code != 1 || got.stdout != "" {
		t.Errorf("failed run printed %q (exit %d), want nothing and exit 1", got.stdout, got.code)
	}
}

func TestSummaryAndVerbose(t *testing.T) {
	quiet := run(t, nil, "hosts", "-q", "-v", "../../testdata/logs")
	verbose := run(t, nil, "hosts", "-v", "../../testdata/logs")
	if quiet.stderr != "" {
		t.Errorf("logmr hosts -q -v wrote %q on stderr, want nothing", quiet.stderr)
	}
	for _, want := range []string{"access.log:5: user_agent: unterminated quote", "4 files, 23 lines, 19 matched, 4 malformed"} {
		if !strings.Contains(verbose.stderr, want) {
			t.Errorf("logmr hosts -v stderr = %q, want it to contain %q", verbose.stderr, want)
		}
	}
}

func TestOutputFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "robots.json")
	if got := run(t, nil, "hosts", "--path", "/robots.txt", "-O", "json", "-o", out, "../../testdata/logs"); got.code != 0 {
		t.Fatalf("logmr -o: exit %d, %s", got.code, got.stderr)
	}
	var hosts []string
	data, _ := os.ReadFile(out)
	if err := json.Unmarshal(data, &hosts); err != nil || len(hosts) != 10 {
		t.Fatalf("-o file = %q, want a JSON array of 10 hosts", data)
	}
	// A failed run leaves the previous answer untouched, and no temporary file.
	if got := run(t, nil, "hosts", "-o", out, "no/such/dir"); got.code != 1 {
		t.Fatalf("logmr -o on a missing input: exit %d, want 1", got.code)
	}
	after, _ := os.ReadFile(out)
	entries, _ := os.ReadDir(dir)
	if !bytes.Equal(after, data) || len(entries) != 1 {
		t.Errorf("after a failed run: file %q, %d entries in dir; want it unchanged and alone", after, len(entries))
	}
}

// TestInterrupt sends a real SIGINT to a run blocked reading a FIFO: it must
// stop, exit 130 and leave no output file.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	fifo, out := filepath.Join(dir, "live.log"), filepath.Join(dir, "out.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cmd := exec.Command(logmr, "hosts", "-o", out, fifo)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until logmr opens it
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fmt.Fprintln(w, `192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"`)
	time.Sleep(100 * time.Millisecond) // let it read and block for more
	if code := interrupt(t, cmd, 5*time.Second); code != 130 {
		t.Errorf("exit code after SIGINT = %d, want 130 (stderr %q)", code, stderr.String())
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output file after SIGINT: %v, want none", err)
	}
}

func TestOutputFileTargets(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.txt"), filepath.Join(dir, "link.txt")
	os.WriteFile(target, []byte("old\n"), 0o640)
	os.Symlink(target, link)
	if got := run(t, nil, "hosts", "--path", "/robots.txt", "-o", link, "../../testdata/logs"); got.code != 0 {
		t.Fatalf("-o link: exit %d, %s", got.code, got.stderr)
	}
	linkInfo, _ := os.Lstat(link)
	data, _ := os.ReadFile(target)
	info, _ := os.Stat(target)
	if linkInfo.Mode()&os.ModeSymlink == 0 || strings.Count(string(data), "\n") != 10 || info.Mode().Perm() != 0o640 {
		t.Errorf("-o through a link: link mode %v, target %q mode %v; want the link kept, 10 hosts in the target, mode 0640",
			linkInfo.Mode(), data, info.Mode().Perm())
	}
	// /dev/null is written in place, never replaced by a regular file.
	if got := run(t, nil, "hosts", "-o", os.DevNull, "../../testdata/logs"); got.code != 0 {
		t.Fatalf("-o /dev/null: exit %d, %s", got.code, got.stderr)
	}
	if info, err := os.Stat(os.DevNull); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("after -o /dev/null: %v, %v; want a character device still", info.Mode(), err)
	}
	// A new file's mode is 0666 less the umask, like any command's output.
	fresh := filepath.Join(dir, "fresh.txt")
	cmd := exec.Command("sh", "-c", `umask 027 && exec "$0" hosts -o "$1" ../../testdata/logs`, logmr, fresh)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("umask 027; logmr -o: %v %s", err, out)
	}
	if info, _ := os.Stat(fresh); info.Mode().Perm() != 0o640 {
		t.Errorf("new -o file under umask 027 has mode %v, want 0640", info.Mode().Perm())
	}
}

// TestInterruptWhileReadingStdin: a read from an idle pipe on stdin cannot
// be woken; the run must still end soon after SIGINT, with exit 130.
func TestInterruptWhileReadingStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd := exec.Command(logmr, "hosts", "-")
	cmd.Stdin = r
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if code := interrupt(t, cmd, 10*time.Second); code != 130 {
		t.Errorf("exit code after SIGINT while reading stdin = %d, want 130", code)
	}
	if waited := time.Since(start); waited > shutdownGrace+3*time.Second {
		t.Errorf("stopping took %v, want about the %v grace period", waited, shutdownGrace)
	}
}

// interrupt sends SIGINT to a started command and returns its exit code,
// failing the test if it has not exited within limit.
func interrupt(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("logmr %q did not stop within %v of SIGINT", cmd.Args[1:], limit)
	}
	return cmd.ProcessState.ExitCode()
}

// TestDecompressors: each --decompressor gives the same answer and exit
// status as pure Go, on a corpus with a truncated gzip file; one that is
// not installed, or not known, is a usage error.
func TestDecompressors(t *testing.T) {
	// Files big enough to get a child decompressor (256 KiB of gzip).
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 4, BytesPerFile: 3 << 20, Seed: 5, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	truncated, garbage := filepath.Join(dir, "access.log.3.gz"), filepath.Join(dir, "access.log.2.gz")
	whole, _ := os.ReadFile(truncated)
	os.WriteFile(truncated, whole[:len(whole)/2], 0o644)
	appendFile(t, garbage, "garbage")
	args := []string{"count", "--by", "status,host", "-O", "csv", dir, "--decompressor"}
	want := run(t, nil, append(args, "go")...)
	if want.code != 3 || want.stdout == "" || !strings.Contains(want.stderr, "data after the end of the gzip stream") {
		t.Fatalf("--decompressor go: exit %d, %d bytes out; want 3 and the other files' counts", want.code, len(want.stdout))
	}
	for _, d := range []string{"auto", "isal", "igzip", "pigz"} {
		if _, err := exec.LookPath(d); err != nil && d != "auto" && d != "isal" {
			t.Logf("%s is not installed: not compared", d)
			continue
		}
		if d == "isal" && logparse.LoadISAL() != nil {
			t.Logf("libisal2 is not installed: isal not compared")
			continue
		}
		if got := run(t, nil, append(args, d)...); got.code != want.code || got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("--decompressor %s: exit %d, stderr %q; differs from go's exit %d, stderr %q (or stdout differs)",
				d, got.code, got.stderr, want.code, want.stderr)
		}
	}
	got := run(t, nil, "hosts", "--decompressor", "zstd", dir)
	if got.code != 2 || !strings.Contains(got.stderr, `--decompressor "zstd": want auto, go, isal, igzip or pigz`) {
		t.Errorf("--decompressor zstd: exit %d, stderr %q; want a usage error", got.code, got.stderr)
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}
