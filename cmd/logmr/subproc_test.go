package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: the child-process tests need the real one (apt-get install openssl)")
	}
}

// encrypt writes openssl enc -aes-256-cbc -pbkdf2 of data, keyed by $K.
func encrypt(t *testing.T, data []byte, key, out string) {
	t.Helper()
	cmd := exec.Command("openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-pass", "env:K", "-out", out)
	cmd.Env = append(os.Environ(), "K="+key)
	cmd.Stdin = bytes.NewReader(data)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl enc: %v: %s", err, b)
	}
}

func runEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(logmr, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

const decrypt = "openssl enc -d -aes-256-cbc -pbkdf2 -pass env:K"

// The "done when": encrypted logs, some gzipped first, read
// through the real openssl give exactly the plain files' hosts and count;
// a file under another key fails alone, with openssl's message, exit 3.
func TestInputFilterOpenSSL(t *testing.T) {
	needOpenSSL(t)
	plain, truth := generate(t, 4)
	enc := t.TempDir()
	for i, path := range truth.Files {
		data, err := os.ReadFile(path) // .gz files stay gzip inside the encryption
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && !strings.HasSuffix(path, ".gz") {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(data)
			zw.Close()
			data = b.Bytes()
		}
		encrypt(t, data, "s3cret", filepath.Join(enc, filepath.Base(path)+".enc"))
	}
	key := []string{"K=s3cret"}
	for _, args := range [][]string{{"hosts", "--path", "/robots.txt"}, {"count", "--by", "status,day", "-O", "csv"}} {
		want := run(t, nil, append(args, plain)...)
		got := runEnv(t, key, append(args, "--input-filter", decrypt, enc)...)
		if got.code != 0 || got.stdout != want.stdout || want.stdout == "" {
			t.Errorf("%q through openssl: exit %d, stderr %q, same output %v", args, got.code, got.stderr, got.stdout == want.stdout)
		}
	}
	encrypt(t, []byte("192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n"), "other key", filepath.Join(enc, "zz.enc"))
	r := runEnv(t, key, "hosts", "--input-filter", decrypt, enc)
	if r.code != 3 || !strings.Contains(r.stderr, "zz.enc") || !strings.Contains(r.stderr, "bad decrypt") || r.stdout == "" {
		t.Errorf("one file under another key: exit %d, stderr %q; want 3, zz.enc named with openssl's bad decrypt", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "s3cret") {
		t.Errorf("the key shows in the output")
	}
}

// --output-filter through two stages decrypts back to the plain result;
// a failing stage leaves no file, and an existing one untouched.
func TestOutputFilter(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "hosts.gz.enc")
	key := []string{"K=report key"}
	r := runEnv(t, key, "hosts", "--path", "/robots.txt", "--output-filter", "gzip -9 | openssl enc -aes-256-cbc -pbkdf2 -pass env:K", "-o", out, "../../testdata/logs")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	back := exec.Command("sh", "-c", "openssl enc -d -aes-256-cbc -pbkdf2 -pass env:K -in \"$1\" | gzip -dc", "sh", out)
	back.Env = append(os.Environ(), key...)
	got, err := back.Output()
	want := run(t, nil, "hosts", "--path", "/robots.txt", "../../testdata/logs")
	if err != nil || string(got) != want.stdout {
		t.Errorf("decrypted output %q (%v), want %q", got, err, want.stdout)
	}
	os.WriteFile(out, []byte("previous report"), 0o644)
	r = runEnv(t, key, "hosts", "--output-filter", "gzip -9 | false", "-o", out, "../../testdata/logs")
	if b, _ := os.ReadFile(out); r.code != 1 || string(b) != "previous report" || !strings.Contains(r.stderr, "false") {
		t.Errorf("failing stage: exit %d, stderr %q, file %q; want 1, the stage named, the file untouched", r.code, r.stderr, b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A bad command string is a usage error.
func TestFilterCommandSyntax(t *testing.T) {
	for _, cmd := range []string{"openssl 'unterminated", "gzip |", "| cat", `tr a\`} {
		r := run(t, nil, "hosts", "--input-filter", cmd, "../../testdata/logs")
		if r.code != 2 || !strings.Contains(r.stderr, "input-filter") {
			t.Errorf("--input-filter %q: exit %d, stderr %q; want 2", cmd, r.code, r.stderr)
		}
	}
}

// --child-timeout kills a filter that hangs and fails its input.
func TestChildTimeout(t *testing.T) {
	start := time.Now()
	r := run(t, nil, "hosts", "--input-filter", "sleep 30", "--child-timeout", "300ms", "../../testdata/logs/access.log.1")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out") || time.Since(start) > 15*time.Second {
		t.Errorf("exit %d after %v, stderr %q; want the input failed as timed out", r.code, time.Since(start), r.stderr)
	}
}

// SIGTERM to the run kills the filters' process groups, grandchildren
// included: no child is left, and the exit status is 143.
func TestSignalKillsChildren(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	filter := `sh -c 'echo $$ >> "$0"; sleep 300 & echo $! >> "$0"; wait' ` + pids
	cmd := exec.Command(logmr, "hosts", "--input-filter", filter, "../../testdata/logs/access.log.1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, _ := os.ReadFile(pids); len(strings.Fields(string(b))) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the filter never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Errorf("exit %d (%v), want 143", code, err)
	}
	b, _ := os.ReadFile(pids)
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		for end := time.Now().Add(5 * time.Second); syscall.Kill(pid, 0) == nil; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Errorf("child %d survived the run", pid)
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
		}
	}
}

// A filtered standard input is handed to the child itself: a producer
// still holding the pipe open after the filter is done does not hold the
// run.
func TestInputFilterStdin(t *testing.T) {
	cmd := exec.Command(logmr, "count", "--by", "status", "--input-filter", "head -n 3", "-")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("../../testdata/logs/access.log.1")
	in.Write(data) // and keep the pipe open
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "requests") {
			t.Errorf("%v, output %q", err, out.String())
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Error("the run waits for its standard input's producer")
	}
}

// TestFilterRefusesShell: a filter written for a shell is refused with the
// construct named and what to do instead, before anything runs; | between
// stages stays.
func TestFilterRefusesShell(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.gz")
	tests := []struct{ flag, cmd, want string }{
		{"--output-filter", "gzip > x", `--output-filter "gzip > x": offset 5: no shell: redirection (>) is not supported; use -o FILE`},
		{"--output-filter", "gzip 2>/dev/null", "redirection (>) is not supported; use -o FILE"},
		{"--output-filter", "gzip < x", "redirection (<) is not supported: the output filter reads the result on its stdin"},
		{"--input-filter", "gzip -dc < x", `--input-filter "gzip -dc < x": offset 9: no shell: redirection (<) is not supported: the input filter reads each PATH on its stdin`},
		{"--output-filter", "gzip |& cat", "no shell: |& is not supported"},
		{"--output-filter", "gzip && cat", "no shell: && is not supported"},
		{"--output-filter", "gzip; cat", "no shell: command lists (;) are not supported"},
		{"--output-filter", "gzip -`echo 9`", "no shell: command substitution (`...`) is not supported"},
		{"--input-filter", "openssl enc -d -pass pass:$(cat key)", "no shell: command substitution ($(...)) is not supported"},
	}
	for _, tt := range tests {
		r := run(t, nil, "hosts", tt.flag, tt.cmd, "-o", out, "../../testdata/logs")
		if r.code != 2 || !strings.HasPrefix(r.stderr, "logmr: "+tt.flag+" ") || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("logmr hosts %s %q: exit %d, stderr %q; want 2 and %q", tt.flag, tt.cmd, r.code, r.stderr, tt.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 || fileExists("x") {
		t.Errorf("a refused filter left %d files in the -o directory (or wrote ./x)", len(entries))
	}
	if r := run(t, nil, "hosts", "--output-filter", "gzip | gzip -dc", "../../testdata/logs"); r.code != 0 || r.stdout == "" {
		t.Errorf("--output-filter 'gzip | gzip -dc': exit %d, stderr %q; want the hosts", r.code, r.stderr)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestInputFilterFailureFirst: when the input filter fails and what it
// wrote is not a log either, the filter's failure is the error, with its
// stderr: the wrong key, not a --format hint about the garbage it wrote.
func TestInputFilterFailureFirst(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	enc := filepath.Join(dir, "access.log.enc")
	log, err := os.ReadFile("../../testdata/logs/access.log")
	if err != nil {
		t.Fatal(err)
	}
	// With the wrong key the padding check passes about once in 256: a
	// fresh salt, until openssl itself fails, makes that not this test's.
	for try := 0; ; try++ {
		encrypt(t, log, "right key", enc)
		check := exec.Command("openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-pass", "env:K", "-in", enc, "-out", os.DevNull)
		check.Env = append(os.Environ(), "K=wrong key")
		if check.Run() != nil {
			break
		}
		if try == 10 {
			t.Fatal("openssl enc -d with the wrong key succeeded 10 times")
		}
	}
	r := runEnv(t, []string{"K=wrong key"}, "hosts", "--input-filter", decrypt, enc)
	line, _, _ := strings.Cut(r.stderr, "\n")
	if r.code != 1 || !strings.HasPrefix(line, "logmr: "+enc+": input filter: openssl enc -d") ||
		!strings.Contains(line, "bad decrypt") || strings.Contains(r.stderr, "--format") {
		t.Errorf("wrong key: exit %d, stderr %q; want 1, the file's line starting with the input filter's failure (bad decrypt), no --format hint", r.code, r.stderr)
	}
	// Text that is not a log, from a filter that then fails: the same.
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello\nnot a log\n"), 0o644)
	r = run(t, nil, "hosts", "--input-filter", "sh -c 'cat; echo key expired >&2; exit 3'", text)
	if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 1 || !strings.HasPrefix(line, "logmr: "+text+": input filter: sh") ||
		!strings.HasSuffix(line, "exit status 3: key expired") || strings.Contains(r.stderr, "--format") {
		t.Errorf("failing filter writing text: exit %d, stderr %q; want 1 and the filter's failure alone", r.code, r.stderr)
	}
	// A filter that succeeds: the output's own problem is the error.
	r = run(t, nil, "hosts", "--input-filter", "cat", text)
	if r.code != 1 || !strings.Contains(r.stderr, "not an access log") || strings.Contains(r.stderr, "input filter") {
		t.Errorf("cat of a text file: exit %d, stderr %q; want not an access log", r.code, r.stderr)
	}
}
