// Package jobs holds the built-in aggregates of mapreduce/logscan and what
// is built on them: distinct hosts (Hosts, HostSet), counts per key (Count,
// Counter, spilling, ordering), and partial-result files (ScanPartial,
// ReadPartial, MergePartials) that shards of a scaled-out run write and a
// merge combines.
package jobs
