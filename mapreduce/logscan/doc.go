// Package logscan reads access logs with the mapreduce engine: it finds the
// inputs (paths, directories, shards), reads each one (decompressing,
// through input filters, in parallel) into an Aggregate, and reports Stats.
// A Cache keeps each input's partial so that a repeated run reads only the
// inputs that changed.
package logscan
