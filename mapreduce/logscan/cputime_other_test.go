//go:build !linux

package logscan_test

import "time"

// processCPUTime is not measured here: benchmarks report wall-clock
// throughput only.
func processCPUTime() (time.Duration, bool) { return 0, false }
