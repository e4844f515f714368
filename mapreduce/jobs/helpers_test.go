package jobs

import (
	"runtime"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
)

func parseLine(t *testing.T, f *logparse.Format, line string) *logparse.Record {
	t.Helper()
	var rec logparse.Record
	if err := logparse.NewParser(f).Parse([]byte(line), &rec); err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return &rec
}

// waitForGoroutines fails unless the goroutine count returns to before.
func waitForGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
