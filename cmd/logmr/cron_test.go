package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startHolding starts a run that holds lock until stdin is closed: it
// reads standard input, which the test keeps open.
func startHolding(t *testing.T, lock string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(logmr, "hosts", "--lock", lock, "-")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(lock); strings.TrimSpace(string(b)) == strconv.Itoa(cmd.Process.Pid) {
			return cmd, in
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the first run never took the lock")
		}
	}
}

// Two runs with one --lock: the second exits 75 at once, naming the
// holder; with --lock-wait it waits for the first and then runs.
func TestLock(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "logmr.lock")
	first, in := startHolding(t, lock)
	start := time.Now()
	r := run(t, nil, "hosts", "--lock", lock, "../../testdata/logs")
	if r.code != 75 || !strings.Contains(r.stderr, "pid "+strconv.Itoa(first.Process.Pid)) || time.Since(start) > 5*time.Second || r.stdout != "" {
		t.Errorf("second run: exit %d after %v, stderr %q; want 75 at once naming pid %d", r.code, time.Since(start), r.stderr, first.Process.Pid)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(in, `192.0.2.9 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5`+"\n")
		in.Close()
	}()
	r = run(t, nil, "hosts", "--lock", lock, "--lock-wait", "20s", "../../testdata/logs")
	if r.code != 0 || r.stdout == "" {
		t.Errorf("waiting run: exit %d, stderr %q; want it to run once the first is done", r.code, r.stderr)
	}
	if err := first.Wait(); err != nil {
		t.Errorf("first run: %v", err)
	}
	// A lock left by a killed run does not block: flock died with it.
	killed, _ := startHolding(t, lock)
	killed.Process.Kill()
	killed.Wait()
	if r := run(t, nil, "hosts", "--lock", lock, "../../testdata/logs"); r.code != 0 {
		t.Errorf("after a killed holder: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --max-malformed fails a file with too many malformed lines.
func TestMaxMalformed(t *testing.T) {
	r := run(t, nil, "hosts", "--max-malformed", "0.2", "../../testdata/logs")
	if r.code != 3 || !strings.Contains(r.stderr, "access.log: too many malformed lines: 4 of 10") || r.stdout == "" {
		t.Errorf("exit %d, stderr %q; want access.log failed, the others counted, exit 3", r.code, r.stderr)
	}
	if r := run(t, nil, "hosts", "--max-malformed", "0.5", "../../testdata/logs"); r.code != 0 {
		t.Errorf("ratio 0.5: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Under cron: an empty environment, stdin closed, no terminal; the run
// prints the result and nothing else.
func TestCronEnvironment(t *testing.T) {
	cmd := exec.Command(logmr, "hosts", "--path", "/robots.txt", "../../testdata/logs")
	cmd.Env = []string{}
	cmd.Stdin = nil // /dev/null
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	want := run(t, nil, "hosts", "--path", "/robots.txt", "../../testdata/logs")
	if stderr.Len() != 0 || stdout.String() != want.stdout {
		t.Errorf("stderr %q, stdout %q; want only the result", stderr.String(), stdout.String())
	}
}
