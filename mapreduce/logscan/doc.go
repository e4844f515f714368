// Package logscan reads access logs with the mapreduce engine: it finds the
// inputs (paths, directories, shards) and reads each one, through input
// filters and decompressors, into an Aggregate, keeping Stats; an Aggregate
// with a PartialCodec can be cached (mapreduce/cache) between runs.
package logscan
