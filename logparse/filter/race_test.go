//go:build race

package filter

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// code that pools (regexp) allocates; allocation guards skip then.
const raceEnabled = true
