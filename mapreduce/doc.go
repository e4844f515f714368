// Package mapreduce is the engine: it maps every input to a partial result on
// a bounded pool of workers and reduces the partials into one answer, the same
// whatever the worker count. Run is the generic engine; ScanLogs and Hosts
// apply it to access-log files.
package mapreduce
