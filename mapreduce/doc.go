// Package mapreduce is the engine: Run maps every input to a partial result
// on a bounded pool of workers and reduces the partials, in input order,
// into one answer that is the same whatever the worker count. It knows
// nothing of logs; see mapreduce/logscan for reading them.
package mapreduce
