// Package jobs holds the built-in aggregates of mapreduce/logscan (distinct
// hosts, counts per key with spilling and ordering) and partial-result
// files, which shards of a scaled-out run write and MergePartials combines,
// for any aggregate with logscan.PartialCodec. File kinds are a registry by
// name (RegisterKind) rather than a type parameter of Partial, because a
// merge learns a file's kind from its header, not from its caller.
package jobs
