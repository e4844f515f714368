// Package mapreduce is the engine: it maps every input to a partial result on
// a bounded pool of workers and reduces the partials into one answer, the same
// whatever the worker count. Run is the generic engine; ScanLogs, Hosts and
// Count apply it to access-log files, and a Cache keeps their per-input
// partials so that a repeated run reads only the inputs that changed.
package mapreduce
