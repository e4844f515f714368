package main

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// TestInterruptParseTextOutput: SIGINT while parse -O text copies its
// spooled records out, aligned, to a slow reader must end the run
// promptly (exit 130), not after the 2 s shutdown grace.
func TestInterruptParseTextOutput(t *testing.T) {
	dir := t.TempDir()
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 1, BytesPerFile: 4 << 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(logmr, "parse", "-O", "text", truth.Files[0])
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// A slow reader, 4 KiB every 10 ms: the 4 MiB out would take seconds.
	first := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for n := 0; ; n++ {
			if _, err := r.Read(buf); err != nil {
				return
			}
			if n == 0 {
				close(first)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	select {
	case <-first: // the records are spooled; the aligned copy has begun
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("parse -O text wrote nothing in 30 s")
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if code := interrupt(t, cmd, 10*time.Second); code != 130 {
		t.Errorf("exit code after SIGINT = %d, want 130", code)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("parse -O text took %v to exit after SIGINT while writing its output, want well under the %v grace", took, shutdownGrace)
	}
}
