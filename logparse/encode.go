package logparse

import (
	"sync"
	"unicode/utf8"
)

// AppendJSON appends rec, parsed with f, as one JSON object with a member
// per field of f, in format order, and a newline: strings as JSON strings
// (bytes that are not UTF-8 become U+FFFD, as encoding/json does), numbers
// as JSON numbers, times as RFC 3339 strings, and what the line logged as
// "-" as null.
func AppendJSON(dst []byte, f *Format, rec *Record) []byte {
	dst = append(dst, '{')
	for i, fd := range f.fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, fd.Name...) // names are [a-z0-9_]
		dst = append(dst, '"', ':')
		if fd.Type == TypeString {
			if text, ok := rec.text(fd); ok {
				dst = appendJSONBytes(dst, text)
			} else {
				dst = append(dst, "null"...)
			}
			continue
		}
		if fd.Type == TypeTime { // RFC 3339 needs no escaping
			if v, ok := rec.AppendValue(append(dst, '"'), fd); ok {
				dst = append(v, '"')
				continue
			}
		} else if v, ok := rec.AppendValue(dst, fd); ok {
			dst = v
			continue
		}
		dst = append(dst, "null"...)
	}
	return append(dst, '}', '\n')
}

// AppendJSONString appends s as a JSON string.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONBytes(dst, []byte(s)) }

func appendJSONBytes(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0 // s[start:i] is safe and not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\r':
				dst = append(dst, '\\', 'r')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// A Table writes records as CSV or TSV rows with fixed columns, whatever
// format each record was parsed with: a column a format lacks is empty, as
// is a field logged as "-". It is safe for concurrent use.
type Table struct {
	columns     []string
	tsv         bool
	formulaSafe bool
	byFmt       sync.Map // *Format -> []int: the field index of each column, or -1
}

// TableOptions configure a Table. The zero value writes exact CSV.
type TableOptions struct {
	// TSV selects TSV instead of CSV.
	TSV bool
	// FormulaSafe prefixes a single quote (') to every text cell that
	// begins with =, +, -, @, tab or CR, characters that make a
	// spreadsheet read the cell as a formula (OWASP "CSV injection"). The
	// cell then no longer holds the exact data; numbers and times a record
	// holds are never changed.
	FormulaSafe bool
}

// NewTable returns a Table with the named columns; tsv selects TSV. It is
// NewTableWith(columns, TableOptions{TSV: tsv}).
func NewTable(columns []string, tsv bool) *Table {
	return NewTableWith(columns, TableOptions{TSV: tsv})
}

// NewTableWith returns a Table with the named columns, configured by opts.
//
// CSV follows RFC 4180 (a field holding a comma, a quote, a CR or LF, or
// starting with a space is quoted, quotes doubled; rows end in LF, as
// encoding/csv writes them). TSV writes backslash, tab, LF and CR as \\,
// \t, \n and \r, the linear TSV convention, so a row is always one line.
func NewTableWith(columns []string, opts TableOptions) *Table {
	return &Table{columns: columns, tsv: opts.TSV, formulaSafe: opts.FormulaSafe}
}

// ColumnsOf returns the field names of f, the columns for a single format.
func ColumnsOf(f *Format) []string {
	names := make([]string, len(f.fields))
	for i, fd := range f.fields {
		names[i] = fd.Name
	}
	return names
}

// AppendHeader appends the header row.
func (t *Table) AppendHeader(dst []byte) []byte {
	for i, c := range t.columns {
		if i > 0 {
			dst = t.sep(dst)
		}
		dst = t.appendCell(dst, c)
	}
	return append(dst, '\n')
}

// AppendRow appends rec, parsed with f, as one row.
func (t *Table) AppendRow(dst []byte, f *Format, rec *Record) []byte {
	index := t.indexOf(f)
	for i, fi := range index {
		if i > 0 {
			dst = t.sep(dst)
		}
		if fi < 0 {
			continue
		}
		fd := f.fields[fi]
		if fd.Type == TypeString {
			if text, ok := rec.text(fd); ok {
				dst = t.appendText(dst, text)
			}
			continue
		}
		dst, _ = rec.AppendValue(dst, fd) // numbers and times need no quoting
	}
	return append(dst, '\n')
}

// AppendCells appends one row of plain cells.
func (t *Table) AppendCells(dst []byte, cells ...string) []byte {
	for i, c := range cells {
		if i > 0 {
			dst = t.sep(dst)
		}
		dst = t.appendCell(dst, c)
	}
	return append(dst, '\n')
}

func (t *Table) indexOf(f *Format) []int {
	if v, ok := t.byFmt.Load(f); ok {
		return v.([]int)
	}
	index := make([]int, len(t.columns))
	for i, c := range t.columns {
		index[i] = -1
		for j, fd := range f.fields {
			if fd.Name == c {
				index[i] = j
				break
			}
		}
	}
	t.byFmt.Store(f, index)
	return index
}

func (t *Table) sep(dst []byte) []byte {
	if t.tsv {
		return append(dst, '\t')
	}
	return append(dst, ',')
}

func (t *Table) needsEscape(v []byte) bool {
	for i, c := range v {
		switch c {
		case '\t', '\n', '\r':
			return true
		case '\\':
			if t.tsv {
				return true
			}
		case '"', ',':
			if !t.tsv {
				return true
			}
		case ' ':
			if !t.tsv && i == 0 {
				return true
			}
		}
	}
	return false
}

func (t *Table) appendCell(dst []byte, s string) []byte {
	return t.appendText(dst, []byte(s))
}

// appendText appends the text cell s, quoted or escaped as needed, after a
// single quote if it would be a formula and t is FormulaSafe.
func (t *Table) appendText(dst, s []byte) []byte {
	quote := t.formulaSafe && len(s) > 0 && isFormulaStart(s[0])
	if !t.needsEscape(s) {
		if quote {
			dst = append(dst, '\'')
		}
		return append(dst, s...)
	}
	return t.appendEscaped(dst, s, quote)
}

// isFormulaStart reports whether a cell that begins with c is a formula to
// a spreadsheet: OWASP's list for CSV injection.
func isFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// appendEscaped appends s quoted (CSV) or escaped (TSV), after a single
// quote if quote is set.
func (t *Table) appendEscaped(dst, s []byte, quote bool) []byte {
	if t.tsv {
		if quote {
			dst = append(dst, '\'')
		}
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			default:
				dst = append(dst, c)
			}
		}
		return dst
	}
	dst = append(dst, '"')
	if quote {
		dst = append(dst, '\'')
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}
