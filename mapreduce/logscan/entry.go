package logscan

import "github.com/logmr/logmr/logparse"

// An Entry is one line of an input as Merge and Follow hand them out: the
// line as logged and, when it parsed, its record. Line, Record and Err are
// valid until the iteration moves on; copy what must outlive it.
type Entry struct {
	Source string              // the input's name, as FindInputs gives it
	Line   []byte              // the line as logged, without its newline
	Format *logparse.Format    // what the line was parsed with
	Record *logparse.Record    // nil when the line is malformed
	Err    *logparse.LineError // why the line is malformed (file and line number); nil otherwise
}
