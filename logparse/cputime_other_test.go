//go:build !linux

package logparse

import "time"

// processCPUTime is not measured here: benchmarks report wall-clock
// throughput only.
func processCPUTime() (time.Duration, bool) { return 0, false }
