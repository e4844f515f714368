package logparse

import (
	"time"

	"golang.org/x/sys/unix"
)

// processCPUTime returns the CPU time of the whole process, every thread
// together: on a machine shared with other work, a benchmark's throughput
// per CPU second moves much less than its wall-clock time.
func processCPUTime() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
