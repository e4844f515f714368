// Package subproc runs pipelines of child processes (openssl, gzip, ...) as
// stream stages: argv only, never a shell, each child in a process group of
// its own that cancellation kills, stderr kept (its tail) for the error, and
// no child or goroutine left when Wait returns.
package subproc
