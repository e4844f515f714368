package subproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the fake child: with SUBPROC_FAKE set it
// behaves as that mode says and exits.
func TestMain(m *testing.M) {
	if mode := os.Getenv("SUBPROC_FAKE"); mode != "" {
		os.Exit(fakeChild(mode))
	}
	code := m.Run()
	if left := childrenLeft(); code == 0 && left != "" {
		fmt.Fprintf(os.Stderr, "child processes left after the tests: %s\n", left)
		code = 1
	}
	os.Exit(code)
}

// childrenLeft lists this process's children (Linux /proc; "" elsewhere).
func childrenLeft() string {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	var left []string
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		left = append(left, strings.Fields(string(b))...)
	}
	return strings.Join(left, " ")
}

func fakeChild(mode string) int {
	switch mode {
	case "cat":
		io.Copy(os.Stdout, os.Stdin)
	case "upper":
		b, _ := io.ReadAll(os.Stdin)
		os.Stdout.Write(bytes.ToUpper(b))
	case "fail":
		fmt.Fprintln(os.Stderr, "first line\nbad decrypt")
		return 1
	case "flood":
		line := bytes.Repeat([]byte("x"), 1023)
		for range 64 << 10 { // 64 MiB
			os.Stderr.Write(append(line, '\n'))
		}
		fmt.Fprint(os.Stderr, "the end")
		return 2
	case "exit-early":
		return 3
	case "hang":
		// A grandchild in the same group, whose pid the test checks.
		gc := exec.Command(os.Args[0])
		gc.Env = append(os.Environ(), "SUBPROC_FAKE=sleep")
		if err := gc.Start(); err != nil {
			return 9
		}
		os.WriteFile(os.Getenv("SUBPROC_PIDS"), []byte(strconv.Itoa(os.Getpid())+" "+strconv.Itoa(gc.Process.Pid)), 0o644)
		signal.Ignore(syscall.SIGTERM) // only SIGKILL, after the grace, ends it
		time.Sleep(time.Hour)
	case "sleep":
		time.Sleep(time.Hour)
	case "start-sleep":
		// A parent: starts a child that sleeps, tells its pid, waits.
		p, err := Start(context.Background(), []Stage{fake("sleep")}, nil, nil, Options{Env: fakeEnv("sleep")})
		if err != nil {
			return 9
		}
		os.WriteFile(os.Getenv("SUBPROC_PIDS"), []byte(strconv.Itoa(p.cmds[0].Process.Pid)), 0o644)
		time.Sleep(time.Hour)
	case "close-stdout":
		os.Stdout.Close()
		time.Sleep(time.Hour)
	}
	return 0
}

// fake returns a stage running the test binary in a mode.
func fake(mode string) Stage { return Stage{os.Args[0], "-test.run=^$", "mode=" + mode} }

func fakeEnv(mode string, extra ...string) []string {
	return append(append(os.Environ(), "SUBPROC_FAKE="+mode), extra...)
}

func run(t *testing.T, stages []Stage, env []string, in string, opts Options) (string, error) {
	t.Helper()
	opts.Env = env
	p, err := Start(context.Background(), stages, strings.NewReader(in), nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, rerr := io.ReadAll(p.Stdout())
	if rerr != nil {
		t.Fatal(rerr)
	}
	return string(out), p.Wait()
}

func TestPipelineRealCommands(t *testing.T) {
	out, err := run(t, []Stage{{"cat"}, {"tr", "a-z", "A-Z"}, {"cat"}}, nil, "hello\n", Options{})
	if err != nil || out != "HELLO\n" {
		t.Errorf("cat | tr | cat = %q, %v", out, err)
	}
	// gzip | gzip -dc round-trips through two children, never through Go.
	in := strings.Repeat("some log line\n", 50000)
	out, err = run(t, []Stage{{"gzip", "-1"}, {"gzip", "-dc"}}, nil, in, Options{})
	if err != nil || out != in {
		t.Errorf("gzip | gzip -dc: %d bytes back of %d, %v", len(out), len(in), err)
	}
}

// A failing stage fails the pipeline even when the last one succeeds,
// and the error names the command, its status and its stderr.
func TestPipelineFailingStage(t *testing.T) {
	_, err := run(t, []Stage{fake("fail"), {"cat"}}, fakeEnv("fail"), "", Options{})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Stage[0] != os.Args[0] {
		t.Fatalf("err = %v, want the failing first stage", err)
	}
	for _, want := range []string{"exit status 1", "bad decrypt", "first line | bad decrypt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A child flooding stderr costs a bounded tail, not its output.
func TestPipelineStderrFlood(t *testing.T) {
	_, err := run(t, []Stage{fake("flood")}, fakeEnv("flood"), "", Options{StderrTail: 4096})
	var ee *ExitError
	if !errors.As(err, &ee) || len(ee.Stderr) != 4096 || !strings.HasSuffix(ee.Stderr, "the end") {
		t.Fatalf("err = %v (stderr %d bytes), want exit 2 with the last 4096 bytes", err, len(ee.Stderr))
	}
}

// A child that exits while we still write: the write fails, nothing
// hangs, and Wait says which child quit and how.
func TestPipelineExitsEarly(t *testing.T) {
	p, err := Start(context.Background(), []Stage{fake("exit-early")}, nil, io.Discard, Options{Env: fakeEnv("exit-early")})
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("y"), 1<<20)
	var werr error
	for range 64 {
		if _, werr = p.Stdin().Write(chunk); werr != nil {
			break
		}
	}
	err = p.Wait()
	if werr == nil {
		t.Errorf("64 MiB written into a child that exited")
	}
	if !strings.Contains(fmt.Sprint(err), "exit status 3") {
		t.Errorf("Wait = %v, want exit status 3", err)
	}
}

// A child that closes its stdout but keeps running is killed after the
// grace once its output has been read, and blamed.
func TestPipelineClosesStdoutKeepsRunning(t *testing.T) {
	start := time.Now()
	_, err := run(t, []Stage{fake("close-stdout")}, fakeEnv("close-stdout"), "", Options{Grace: 200 * time.Millisecond})
	if !strings.Contains(fmt.Sprint(err), "still running") || time.Since(start) > 10*time.Second {
		t.Errorf("Wait = %v after %v, want killed for running on", err, time.Since(start))
	}
}

// A hanging child that ignores nothing is killed by the timeout, and its
// grandchild with it.
func TestPipelineTimeoutKillsGroup(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	start := time.Now()
	_, err := run(t, []Stage{fake("hang")}, fakeEnv("hang", "SUBPROC_PIDS="+pids), "", Options{Timeout: 300 * time.Millisecond, Grace: 200 * time.Millisecond})
	if !strings.Contains(fmt.Sprint(err), "timed out") || time.Since(start) > 10*time.Second {
		t.Errorf("Wait = %v after %v, want timed out", err, time.Since(start))
	}
	checkGone(t, pids)
}

// Cancelling the context kills the pipeline's groups the same way.
func TestPipelineCancelKillsGroup(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	ctx, cancel := context.WithCancel(context.Background())
	p, err := Start(ctx, []Stage{fake("hang"), {"cat"}}, strings.NewReader(""), nil, Options{Env: fakeEnv("hang", "SUBPROC_PIDS="+pids), Grace: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	waitForFile(t, pids)
	cancel()
	io.Copy(io.Discard, p.Stdout())
	if err := p.Wait(); !strings.Contains(fmt.Sprint(err), "cancelled") {
		t.Errorf("Wait = %v, want cancelled", err)
	}
	checkGone(t, pids)
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return
		}
	}
	t.Fatalf("%s never written", path)
}

// checkGone fails unless every pid written to path has exited.
func checkGone(t *testing.T, path string) {
	t.Helper()
	waitForFile(t, path)
	b, _ := os.ReadFile(path)
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		deadline := time.Now().Add(5 * time.Second)
		for syscall.Kill(pid, 0) == nil {
			if time.Now().After(deadline) {
				t.Errorf("process %d still runs", pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := Start(context.Background(), nil, nil, nil, Options{}); err == nil {
		t.Error("no stage: no error")
	}
	if _, err := Start(context.Background(), []Stage{{"cat"}, {"/no/such/command"}}, strings.NewReader(""), nil, Options{}); err == nil || !strings.Contains(err.Error(), "/no/such/command") {
		t.Errorf("missing command: %v", err)
	}
}

// TestChildDiesWithParent: a pipeline's child dies when the process that
// started it is killed with SIGKILL, which no handler sees. The parent is
// the test binary re-executed (mode start-sleep), its child another.
func TestChildDiesWithParent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux kills a child when its parent dies")
	}
	pids := filepath.Join(t.TempDir(), "pids")
	parent := exec.Command(os.Args[0], "-test.run=^$")
	parent.Env = fakeEnv("start-sleep", "SUBPROC_PIDS="+pids)
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, pids)
	b, _ := os.ReadFile(pids)
	child, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %q: %v", b, err)
	}
	t.Cleanup(func() { syscall.Kill(child, syscall.SIGKILL) })
	parent.Process.Kill()
	parent.Wait()
	for deadline := time.Now().Add(2 * time.Second); notZombie(child); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d still runs 2 s after its parent got SIGKILL", child)
		}
	}
}

// notZombie reports whether pid is a process that is not a zombie: an
// orphan's zombie waits for init, which may reap it late.
func notZombie(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')') // pid (comm) STATE ...
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}
