package logparse

import (
	"fmt"
	"strconv"
	"strings"
)

// A FormatError says why a LogFormat string does not compile and where.
type FormatError struct {
	LogFormat string
	Column    int // 1-based byte column of the offending character
	Msg       string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("column %d: %s (in %s)", e.Column, e.Msg, strconv.Quote(e.LogFormat))
}

// A token is one directive of a LogFormat string with the literal text
// that precedes it.
type token struct {
	lit    string
	dir    directive
	column int    // where the directive's '%' is, 1-based
	letter byte   // '^' for the two-letter directives, named by caret
	caret  string // "ti", "to" or "FB" after a '^'
	arg    string
	// cond: the directive has a status condition (%400r, %!200{Referer}i)
	// and is "-" on the lines it does not apply to.
	cond bool
}

// Compile compiles an Apache mod_log_config format string into a Format
// whose parser reads lines written with it. Every directive of Apache 2.4 is
// accepted, with '<'/'>' and status-condition modifiers (%!200,304{Referer}i,
// %400r: such a field may be "-"). Literal text may use the escapes of
// httpd.conf (\" \\ \n \t). A whole httpd.conf line, `LogFormat "..." name`,
// is accepted too, as are mod_logio's, mod_ssl's %{VAR}x and %{name}c, and
// the trailers %{Name}^ti and %{Name}^to. Like Apache, a format may be
// literal text only ("%%"): its lines have no fields. An invalid string
// returns a *FormatError.
func Compile(logFormat string) (*Format, error) {
	src, offset := stripLogFormatLine(logFormat)
	if src == "" {
		return nil, &FormatError{LogFormat: logFormat, Column: offset + 1, Msg: "empty format"}
	}
	tokens, tail, err := tokenize(src)
	if err != nil {
		err.Column += offset
		err.LogFormat = logFormat
		return nil, err
	}
	f := &Format{Name: logFormat, LogFormat: logFormat, parse: parseSteps}
	f.build(tokens, tail)
	return f, nil
}

// stripLogFormatLine takes the format string out of a pasted httpd.conf
// line (LogFormat "%h %l ..." common) and returns it with its offset in s.
func stripLogFormatLine(s string) (string, int) {
	rest := strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(rest, "LogFormat ") && !strings.HasPrefix(rest, "LogFormat\t") {
		return s, 0
	}
	start := len(s) - len(rest) + len("LogFormat")
	for start < len(s) && (s[start] == ' ' || s[start] == '\t') {
		start++
	}
	if start >= len(s) || s[start] != '"' {
		// Unquoted, the format is one word; a nickname may follow.
		end := start
		for end < len(s) && s[end] != ' ' && s[end] != '\t' {
			end++
		}
		return s[start:end], start
	}
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[start+1 : i], start + 1
		}
	}
	return s[start+1:], start + 1
}

// tokenize splits a format string into directives and the literal text
// after the last one.
func tokenize(s string) ([]token, string, *FormatError) {
	var tokens []token
	var lit []byte
	fail := func(i int, format string, args ...any) ([]token, string, *FormatError) {
		return nil, "", &FormatError{Column: i + 1, Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				lit = append(lit, '\n')
			case 't':
				lit = append(lit, '\t')
			case 'r':
				lit = append(lit, '\r')
			default:
				lit = append(lit, s[i])
			}
			continue
		}
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		start := i
		i++
		var modifier byte
		var arg string
		hasArg, cond := false, false
	modifiers:
		for ; i < len(s); i++ {
			switch m := s[i]; {
			case m == '<' || m == '>':
				modifier = m
			case '0' <= m && m <= '9':
				cond = true
			case m == '!' || m == ',':
			case m == '{':
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return fail(i, "unterminated %%{: no closing }")
				}
				arg, hasArg = s[i+1:i+end], true
				i += end
			default:
				break modifiers
			}
		}
		if i >= len(s) {
			return fail(start, "%% at the end of the format: a directive letter must follow")
		}
		letter := s[i]
		if letter == '%' && !hasArg {
			lit = append(lit, '%')
			continue
		}
		var d directive
		var err error
		caret := ""
		if letter == '^' {
			if i+2 >= len(s) {
				return fail(start, "%%^ needs two letters after it, as in %%{Name}^ti or %%^FB")
			}
			caret = s[i+1 : i+3]
			i += 2
			d, err = lookupCaretDirective(caret, arg, hasArg)
		} else {
			d, err = lookupDirective(letter, arg, hasArg, modifier)
		}
		if err != nil {
			if le, ok := err.(*timeLayoutError); ok {
				// Point into the layout: after "%{", plus any modifiers.
				return fail(strings.IndexByte(s[start:], '{')+start+1+le.Offset, "%%{%s}t: %s", arg, le.Msg)
			}
			return fail(start, "%v", err)
		}
		tokens = append(tokens, token{lit: string(lit), dir: d, column: start + 1, letter: letter, caret: caret, arg: arg, cond: cond})
		lit = lit[:0]
	}
	return tokens, string(lit), nil
}
