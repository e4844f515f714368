package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func tailLine(n int) string {
	return fmt.Sprintf(`192.0.2.7 - - [02/Dec/2026:10:00:00 +0000] "GET /seq/%d HTTP/1.1" %d 512 "-" "test"`, n, 200+n%2*303)
}

func tailLines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString(tailLine(i) + "\n")
	}
	return b.String()
}

func TestTailLast(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	os.WriteFile(a, []byte(tailLines(1, 20)), 0o644)
	os.WriteFile(b, []byte(tailLines(31, 35)+"junk\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-n", "2", a, b}, tailLines(19, 20) + tailLines(34, 35)},
		{[]string{"-n", "1", "--label", "--status", "5xx", a, b}, a + ": " + tailLine(19) + "\n" + b + ": " + tailLine(35) + "\n"},
		{[]string{"-n", "1", "--keep-malformed", b}, tailLine(35) + "\njunk\n"},
		{[]string{"--since", "2026-12-02T09:00:00Z", a}, tailLines(1, 20)}, // a replay: every record since
		{[]string{"--since", "2026-12-02T09:00:00Z", "-n", "2", a}, tailLines(19, 20)},
		{[]string{"--since", "2026-12-02T11:00:00Z", a}, ""},
		{[]string{"-n", "1", "-O", "csv", "--label", b}, "source,host,ident,user,time,request,method,target,protocol,status,bytes,bytes_out,referer,user_agent,vhost,port\n" +
			b + ",192.0.2.7,,,2026-12-02T10:00:00+00:00,GET /seq/35 HTTP/1.1,GET,/seq/35,HTTP/1.1,503,512,,,test,,\n"},
	}
	for _, c := range cases {
		r := run(t, nil, append([]string{"tail"}, c.args...)...)
		if r.code != 0 || r.stdout != c.want {
			t.Errorf("logmr tail %q = %d, %q (stderr %q), want 0, %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
	}
	if r := run(t, nil, "tail", "-n", "1", "-O", "text", a); r.code != exitUsage {
		t.Errorf("logmr tail -O text: exit %d, want %d", r.code, exitUsage)
	}
}

// TestTailNothingRead: tail without -f exits as the other commands do
// when it reads no file: 1, saying there was none to read or that none
// could be read; 3 when some were read and others failed.
func TestTailNothingRead(t *testing.T) {
	dir := t.TempDir()
	empty, missing, a := filepath.Join(dir, "empty"), filepath.Join(dir, "missing.log"), filepath.Join(dir, "a.log")
	os.Mkdir(empty, 0o755)
	os.WriteFile(a, []byte(tailLines(1, 3)), 0o644)
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{empty}, exitFailed, "logmr: no input files found in [\"" + empty + "\"]\n"},
		{[]string{missing}, exitFailed, "logmr: " + missing + ": no such file or directory\nlogmr: no input could be read: no result written\n"},
		{[]string{missing, a}, exitSomeFailed, "logmr: " + missing + ": no such file or directory\n"},
		{[]string{"-n", "0", a}, 0, ""},
	}
	for _, c := range cases {
		r := run(t, nil, append([]string{"tail"}, c.args...)...)
		if r.code != c.code || r.stderr != c.stderr {
			t.Errorf("logmr tail %q: exit %d, stderr %q; want %d, %q", c.args, r.code, r.stderr, c.code, c.stderr)
		}
	}
}

// TestTailNothingReadAfterOpen: files opened but not read as logs (an
// error log, named or in a directory; a gzip file cut in its header) make
// tail exit 1, as count does, with count's message.
func TestTailNothingReadAfterOpen(t *testing.T) {
	dir := t.TempDir()
	notLog := filepath.Join(dir, "error.log")
	os.WriteFile(notLog, []byte("[Mon Dec 01 00:00:00 2026] [error] one\n[Mon Dec 01 00:00:01 2026] [error] two\n"), 0o644)
	cut := filepath.Join(t.TempDir(), "cut.log.gz")
	os.WriteFile(cut, []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03K\xcc"), 0o644)
	for _, path := range []string{notLog, dir, cut} {
		count := run(t, nil, "count", "--by", "status", path)
		r := run(t, nil, "tail", path)
		if r.code != exitFailed || count.code != exitFailed || r.stderr != count.stderr {
			t.Errorf("logmr tail %s: exit %d, stderr %q; count: exit %d, stderr %q; want both %d, the same stderr", path, r.code, r.stderr, count.code, count.stderr, exitFailed)
		}
	}
}

// TestTailFollowSignals: a logmr tail -f child, while lines are appended
// and rotated, stops on SIGINT (130) and SIGTERM (143), prints nothing on
// stderr, and its output ends on a whole line.
func TestTailFollowSignals(t *testing.T) {
	for _, c := range []struct {
		sig  syscall.Signal
		want int
		args []string
	}{
		{syscall.SIGINT, 130, nil},
		{syscall.SIGTERM, 143, []string{"--poll", "10ms"}},
	} {
		t.Run(signalName(c.sig), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "access.log")
			os.WriteFile(path, []byte(tailLines(1, 3)), 0o644)
			cmd := exec.Command(logmr, append(append([]string{"tail", "-f", "-n", "1"}, c.args...), path)...)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			first := make([]byte, len(tailLine(3))+1)
			if _, err := io.ReadFull(out, first); err != nil || string(first) != tailLine(3)+"\n" {
				t.Fatalf("first output %q, %v; want %q", first, err, tailLine(3))
			}
			stop := make(chan struct{})
			wrote := make(chan struct{})
			go func() { // append, and rotate, until stopped
				defer close(wrote)
				f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
				for i := 4; ; i++ {
					select {
					case <-stop:
						f.Close()
						return
					default:
					}
					f.WriteString(tailLine(i) + "\n")
					if i%500 == 0 {
						f.Close()
						os.Rename(path, path+".1")
						f, _ = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
					}
				}
			}()
			rest := make(chan []byte)
			go func() { b, _ := io.ReadAll(out); rest <- b }()
			time.Sleep(200 * time.Millisecond)
			cmd.Process.Signal(c.sig)
			code := waitExit(t, cmd, <-rest)
			close(stop)
			<-wrote
			if code != c.want || stderr.Len() > 0 {
				t.Errorf("exit %d, stderr %q; want %d and nothing", code, stderr.String(), c.want)
			}
		})
	}
}

// TestTailFollowOutputClosed: tail -f LOG | head -1 ends when head does,
// with nothing more logged: exit 141 (as SIGPIPE's), nothing on stderr.
func TestTailFollowOutputClosed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the output is watched on Linux only")
	}
	path := filepath.Join(t.TempDir(), "access.log")
	os.WriteFile(path, []byte(tailLines(1, 3)), 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(logmr, "tail", "-f", "-n", "1", path)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	first := make([]byte, len(tailLine(3))+1)
	if _, err := io.ReadFull(r, first); err != nil || string(first) != tailLine(3)+"\n" {
		t.Fatalf("first output %q, %v; want %q", first, err, tailLine(3))
	}
	r.Close() // head -1 is done
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatal("tail -f still running 10 s after its reader closed the pipe")
	}
	if code := cmd.ProcessState.ExitCode(); code != 141 || stderr.Len() > 0 {
		t.Errorf("exit %d, stderr %q; want 141 and nothing", code, stderr.String())
	}
}

// waitExit waits for cmd, whose remaining stdout was rest, checks that
// every line of it is whole, and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, rest []byte) int {
	t.Helper()
	cmd.Wait()
	if len(rest) > 0 && rest[len(rest)-1] != '\n' {
		t.Errorf("output ends with %q, not a whole line", rest[max(0, len(rest)-40):])
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(rest), "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, "192.0.2.7 - - [") || !strings.HasSuffix(line, `"test"`) && line != "" {
			t.Errorf("torn line %q", line)
			break
		}
	}
	return cmd.ProcessState.ExitCode()
}

// TestTailFollowIntoFollowedDirectory: tail -f DIR >> DIR/5xx.log does not
// read its own output back (which would copy it into itself without end):
// the output holds each line once.
func TestTailFollowIntoFollowedDirectory(t *testing.T) {
	dir := t.TempDir()
	log, outPath := filepath.Join(dir, "access.log"), filepath.Join(dir, "5xx.log")
	os.WriteFile(log, []byte(tailLines(1, 2)), 0o644)
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(logmr, "tail", "-f", "-n", "2", dir)
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor := func(n int) string { // the output once it holds n lines
		t.Helper()
		for limit := time.Now().Add(20 * time.Second); time.Now().Before(limit); time.Sleep(10 * time.Millisecond) {
			if b, _ := os.ReadFile(outPath); bytes.Count(b, []byte{'\n'}) >= n {
				return string(b)
			}
		}
		t.Fatalf("output has fewer than %d lines after 20 s", n)
		return ""
	}
	waitFor(2)
	f, _ := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(tailLines(3, 3))
	f.Close()
	got := waitFor(3)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if b, _ := os.ReadFile(outPath); string(b) != tailLines(1, 3) || got != tailLines(1, 3) {
		t.Errorf("output:\n%s\nwant lines 1 to 3 once; stderr %q", b, stderr.String())
	}
}
