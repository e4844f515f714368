package subproc

import (
	"fmt"
	"strings"
)

// A Stage is one command of a pipeline: its argv, run without a shell.
type Stage []string

func (s Stage) String() string { return strings.Join(s, " ") }

// A SyntaxError says why a command string does not split, and where.
type SyntaxError struct {
	Command string
	Pos     int // byte offset of the problem, 0-based
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("command %q: %s at offset %d", e.Command, e.Msg, e.Pos)
}

// Split splits a command string into the stages of a pipeline as a POSIX
// shell splits words: blanks separate words; single quotes keep everything
// literally; double quotes keep everything but \" \\ \$ \` (backslash
// escapes them); a backslash outside quotes escapes the next character; an
// unquoted | separates stages. There is no globbing, no variable expansion
// and no redirection: $, *, <, > and the like are ordinary characters, so
// what a user writes is what the child gets. An empty stage, an
// unterminated quote or a trailing backslash is a *SyntaxError.
func Split(s string) ([]Stage, error) {
	var stages []Stage
	var stage Stage
	var word strings.Builder
	inWord := false
	fail := func(pos int, msg string) ([]Stage, error) {
		return nil, &SyntaxError{Command: s, Pos: pos, Msg: msg}
	}
	endWord := func() {
		if inWord {
			stage = append(stage, word.String())
			word.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			endWord()
		case c == '|':
			endWord()
			if len(stage) == 0 {
				return fail(i, "empty command before |")
			}
			stages, stage = append(stages, stage), nil
		case c == '\\':
			if i+1 == len(s) {
				return fail(i, "trailing backslash")
			}
			i++
			word.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return fail(i, "unterminated single quote")
			}
			word.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			start := i
			for i++; ; i++ {
				if i == len(s) {
					return fail(start, "unterminated double quote")
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				word.WriteByte(s[i])
			}
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endWord()
	if len(stage) == 0 {
		if len(stages) == 0 {
			return fail(0, "no command")
		}
		return fail(len(s), "empty command after |")
	}
	return append(stages, stage), nil
}
