package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptWhileOpeningFIFO: a FIFO that no one opens to write blocks
// logmr in open(2); SIGINT must still end the run at once with exit 130,
// not after the shutdown grace.
func TestInterruptWhileOpeningFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "live.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() { // free a logmr still blocked, so that it can exit
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	cmd, done, _, stderrPath := startLogmr(t, "hosts", fifo)
	time.Sleep(300 * time.Millisecond) // let it start and block opening the FIFO
	sigAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("logmr still running 10 s after SIGINT")
	}
	exited := time.Since(sigAt)
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("after SIGINT: %v, want exit 130; stderr %q", cmd.ProcessState, readString(stderrPath))
	}
	if exited > time.Second {
		t.Errorf("logmr took %v to exit after SIGINT while opening a FIFO, want well under the %v grace (< 1 s); stderr %q",
			exited.Round(time.Millisecond), shutdownGrace, readString(stderrPath))
	}
}
