package logparse

import (
	"errors"
	"fmt"
	"strconv"
)

// Errors returned while reading a stream.
var (
	// ErrTruncated is returned when a gzip stream ends before its trailer:
	// the file was cut short (a copy in progress, a full disk, a crash).
	// A zstd, xz, bzip2 or lz4 stream cut short is an error that matches
	// it, worded for its compression ("truncated zstd stream").
	ErrTruncated = errors.New("truncated gzip stream")
	// ErrTrailingData is returned when a gzip file goes on, after its last
	// member, with data that is neither a gzip member nor zero padding;
	// and, worded for its compression, for a file of another compression
	// that does the same after its last stream.
	ErrTrailingData = errors.New("data after the end of the gzip stream")
	// ErrCorrupt is matched by the error for a zstd, xz, bzip2 or lz4
	// stream that does not decode ("corrupt xz stream: ..."), which also
	// wraps the decoder's own error.
	ErrCorrupt = errors.New("corrupt compressed stream")
	// ErrNoISAL is returned when Intel ISA-L is asked for (InflateISAL)
	// but libisal.so.2 does not load: install the Debian/Ubuntu package
	// libisal2.
	ErrNoISAL = errors.New("Intel ISA-L unavailable: install libisal2 (Debian/Ubuntu)")
	// ErrUnknownFormat is returned by LookupFormat for a name it does not know.
	ErrUnknownFormat = errors.New("unknown log format")
	// ErrNotAccessLog is returned for an input in which no leading line
	// parses in any format Detect knows.
	ErrNotAccessLog = errors.New("not an access log")
)

// A SyntaxError says which field of a line did not parse. Parse returns
// preallocated values so that a malformed line costs no allocation; wrap one
// in a LineError to say where it happened.
type SyntaxError struct {
	Field string // "host", "time", "request", "status", ...
	Msg   string // what was wrong, e.g. "unterminated quote"
}

func (e *SyntaxError) Error() string { return e.Field + ": " + e.Msg }

func syntaxErr(field, msg string) *SyntaxError { return &SyntaxError{Field: field, Msg: msg} }

// The syntax errors Parse can return. They are shared values: compare with
// errors.Is or inspect with errors.As, never modify.
var (
	errHost         = syntaxErr("host", "missing")
	errIdent        = syntaxErr("ident", "missing")
	errUser         = syntaxErr("user", "missing, or words with a lone - (not a user)")
	errTime         = syntaxErr("time", "not [dd/Mon/yyyy:HH:MM:SS +hhmm]")
	errRequest      = syntaxErr("request", "missing quoted request")
	errRequestQuote = syntaxErr("request", "unterminated quote")
	errStatus       = syntaxErr("status", "not a 3-digit code or -")
	errBytes        = syntaxErr("bytes", "not a number or -")
	errReferer      = syntaxErr("referer", "missing quoted referer")
	errRefererQuote = syntaxErr("referer", "unterminated quote")
	errAgent        = syntaxErr("user_agent", "missing quoted user agent")
	errAgentQuote   = syntaxErr("user_agent", "unterminated quote")
	errTrailing     = syntaxErr("line", "unexpected text after the last field")
	errEmpty        = syntaxErr("line", "empty")
	errLineTooLong  = syntaxErr("line", "longer than the line limit")
	errAfterQuote   = syntaxErr("line", "quoted field not followed by a space")
)

// ErrLineTooLong is the error for a line the Scanner had to truncate.
var ErrLineTooLong error = errLineTooLong

// A LineError is a parse failure with its place: file, line number and a
// short excerpt of the line, never the whole line.
type LineError struct {
	File    string
	Line    int64
	Excerpt string
	Err     error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v: %s", e.File, e.Line, e.Err, e.Excerpt)
}

func (e *LineError) Unwrap() error { return e.Err }

// excerptLen bounds how much of a bad line an error message quotes.
const excerptLen = 80

// NewLineError records where err happened, quoting at most 80 bytes of line.
func NewLineError(file string, lineNo int64, line []byte, err error) *LineError {
	ex := line
	suffix := ""
	if len(ex) > excerptLen {
		ex, suffix = ex[:excerptLen], "..."
	}
	return &LineError{File: file, Line: lineNo, Excerpt: strconv.Quote(string(ex)) + suffix, Err: err}
}
