package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTailIdleCPU measures the CPU time a logmr tail -f child takes
// while the 4 files it follows stay idle for 10 s (utime+stime from
// /proc/PID/stat, after the start), with inotify and with --poll 1s.
//
//	go test -run '^$' -bench TailIdleCPU -benchtime 1x ./cmd/logmr
func BenchmarkTailIdleCPU(b *testing.B) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("no /proc")
	}
	for _, mode := range []struct {
		name string
		args []string
	}{{"inotify", nil}, {"poll1s", []string{"--poll", "1s"}}} {
		b.Run(mode.name, func(b *testing.B) {
			for range b.N {
				dir := b.TempDir()
				args := append([]string{"tail", "-f"}, mode.args...)
				for i := range 4 {
					path := filepath.Join(dir, fmt.Sprintf("vhost%d.log", i))
					os.WriteFile(path, []byte(tailLines(1, 1000)), 0o644)
					args = append(args, path)
				}
				cmd := exec.Command(logmr, args...)
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				time.Sleep(time.Second) // started, the last lines written
				before := cpuTicks(b, cmd.Process.Pid)
				time.Sleep(10 * time.Second)
				after := cpuTicks(b, cmd.Process.Pid)
				cmd.Process.Signal(syscall.SIGINT)
				cmd.Wait()
				b.ReportMetric(float64(after-before)*10, "cpu-ms/10s") // 100 ticks a second
			}
		})
	}
}

// cpuTicks returns a process's utime+stime, in clock ticks.
func cpuTicks(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name, which is in parentheses:
	// state is field 3, utime 14 and stime 15.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	u, _ := strconv.ParseInt(fields[11], 10, 64)
	s, _ := strconv.ParseInt(fields[12], 10, 64)
	return u + s
}
