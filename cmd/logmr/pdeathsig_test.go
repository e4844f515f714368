package main

import (
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestKill9LeavesNoFilter: logmr killed with SIGKILL, which it cannot
// catch, takes its --input-filter children with it (Linux): they run in
// process groups of their own, so only the kernel's parent-death signal
// reaches them.
func TestKill9LeavesNoFilter(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux kills a child when its parent dies")
	}
	needShellTools(t, "sleep")
	pidFile := filepath.Join(t.TempDir(), "pids")
	// The filter records its PID and becomes sleep (same PID): it never
	// writes, so logmr waits on it.
	filter := `sh -c 'echo $$ >> "$0"; exec sleep 60' ` + shellQuote(pidFile)
	t.Cleanup(func() {
		for _, pid := range readPIDs(pidFile) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	cmd, done, _, stderrPath := startLogmr(t, "count", "--by", "status", "--input-filter", filter, "../../testdata/logs/access.log.1")
	for deadline := time.Now().Add(20 * time.Second); len(readPIDs(pidFile)) == 0; time.Sleep(5 * time.Millisecond) {
		select {
		case <-done:
			t.Fatalf("logmr ended (exit %d) before its filter started; stderr %q", cmd.ProcessState.ExitCode(), readString(stderrPath))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the filter never started")
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	<-done
	killed := time.Now()
	for _, pid := range readPIDs(pidFile) {
		for alive(pid) {
			if time.Since(killed) > 2*time.Second {
				t.Fatalf("filter %d still runs 2 s after logmr got SIGKILL", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
