// Package cache is the on-disk store of per-input entries that
// mapreduce/logscan reuses between runs: file identity, atomic writes,
// pruning, a CACHEDIR.TAG. It knows nothing of logs: an entry's stats and
// partial are the caller's bytes.
package cache
