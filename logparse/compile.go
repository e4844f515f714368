package logparse

import (
	"fmt"
	"strconv"
	"strings"
)

// A FormatError says why a LogFormat string does not compile and where.
// Its text says the line too when LogFormat spans several (a directive
// pasted from a configuration file): "line 3, column 24: ...".
type FormatError struct {
	LogFormat string
	Column    int // 1-based byte offset of the offending character in LogFormat
	Msg       string
}

func (e *FormatError) Error() string {
	where := fmt.Sprintf("column %d", e.Column)
	if e.Column >= 1 && e.Column <= len(e.LogFormat)+1 {
		before := e.LogFormat[:e.Column-1]
		if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
			where = fmt.Sprintf("line %d, column %d", strings.Count(before, "\n")+1, e.Column-1-nl)
		}
	}
	return fmt.Sprintf("%s: %s (in %s)", where, e.Msg, strconv.Quote(e.LogFormat))
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
// httpd.conf (\" \\ \n \t). A whole httpd.conf line, `LogFormat "..." name`
// or `CustomLog file "..."`, is accepted too, continued with backslashes or
// not. So are the directives of mod_logio, mod_ssl (%{VAR}x, %{name}c) and
// ModSecurity (%{VAR}M), and the trailers %{Name}^ti and %{Name}^to. Like
// Apache, a format may be literal text only ("%%"): its lines have no
// fields. An invalid string returns a *FormatError.
func Compile(logFormat string) (*Format, error) {
	src, offset, nickname := stripLogFormatLine(logFormat)
	if nickname != "" {
		return nil, &FormatError{LogFormat: logFormat, Column: 1, Msg: "CustomLog names its format by the nickname " +
			strconv.Quote(nickname) + ": give --format that name, or the LogFormat line that defines it"}
	}
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
// line, `LogFormat "%h %l ..." common` or `CustomLog logs/ssl_request_log
// "%t %h ..."`, and returns it with its offset in s. The directive's name
// may be in any case, as httpd reads it, and the line may be continued
// with a backslash at the end. nickname is not "" when the line is a
// CustomLog that names its format by nickname: there is no format to
// compile.
func stripLogFormatLine(s string) (format string, offset int, nickname string) {
	name, custom, ok := logDirectiveName(s)
	if !ok {
		return s, 0, ""
	}
	start := skipConfBlank(s, name)
	if custom { // the file or pipe comes first
		start = skipConfBlank(s, confArgEnd(s, start))
	}
	if start >= len(s) || s[start] != '"' {
		// Unquoted, the format is one word; a nickname may follow.
		end := confArgEnd(s, start)
		if custom && !strings.Contains(s[start:end], "%") {
			return "", 0, s[start:end]
		}
		return s[start:end], start, ""
	}
	end := confArgEnd(s, start)
	if end > start+1 && s[end-1] == '"' {
		end--
	}
	return s[start+1 : end], start + 1, ""
}

// logDirectiveName reports whether s is a pasted LogFormat or CustomLog
// line (custom: CustomLog), and returns where the directive's name ends.
func logDirectiveName(s string) (end int, custom, ok bool) {
	start := skipConfBlank(s, 0)
	end = start
	for end < len(s) && s[end] != ' ' && s[end] != '\t' && s[end] != '\\' {
		end++
	}
	custom = strings.EqualFold(s[start:end], "CustomLog")
	ok = (custom || strings.EqualFold(s[start:end], "LogFormat")) && end < len(s)
	return end, custom, ok
}

// customLogNickname returns the nickname a pasted CustomLog line names its
// format by (`CustomLog ${APACHE_LOG_DIR}/access.log combined`), or "".
func customLogNickname(s string) string {
	_, _, nickname := stripLogFormatLine(s)
	return nickname
}

// skipConfBlank returns the index of the first byte of s from i on that is
// not a blank nor a line continuation (a backslash ending a line).
func skipConfBlank(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n':
			i++
		case s[i] == '\\' && continuation(s[i+1:]) > 0:
			i += 1 + continuation(s[i+1:])
		default:
			return i
		}
	}
	return i
}

// confArgEnd returns where the httpd.conf argument that starts at i ends:
// after its closing quote when quoted (a backslash escapes the next byte),
// else at the next blank.
func confArgEnd(s string, i int) int {
	if i < len(s) && s[i] == '"' {
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(s)
	}
	for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' {
		i++
	}
	return i
}

// continuation returns the length of the line end that s starts with
// ("\n" or "\r\n"), or 0: after a backslash, it continues the line.
func continuation(s string) int {
	switch {
	case strings.HasPrefix(s, "\n"):
		return 1
	case strings.HasPrefix(s, "\r\n"):
		return 2
	}
	return 0
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
		if c == '\\' && continuation(s[i+1:]) > 0 {
			i += continuation(s[i+1:]) // a pasted line continued: httpd joins it
			continue
		}
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
