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
	// Construct is the shell construct refused ("<", ">", ";", "&&",
	// "||", "&", "|&", "`", "$("), "" for other mistakes.
	Construct string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("command %q: %s at offset %d", e.Command, e.Msg, e.Pos)
}

// Split splits a command string into the stages of a pipeline as a POSIX
// shell splits words: blanks separate words; single quotes keep everything
// literally; double quotes keep everything but \" \\ \$ \` (backslash
// escapes them); a backslash outside quotes escapes the next character; an
// unquoted | separates stages. There is no globbing and no variable
// expansion: $HOME and *.gz are ordinary words, so what a user writes is
// what the child gets. What a shell would do and Split cannot is refused
// rather than passed on as a word: redirection (<, >, 2>), lists (;, &&,
// ||), background (&), |&, and command substitution (` or $( outside single
// quotes); quoted or escaped, they are ordinary characters. An empty
// stage, an unterminated quote, a trailing backslash or one of those is a
// *SyntaxError.
func Split(s string) ([]Stage, error) {
	var stages []Stage
	var stage Stage
	var word strings.Builder
	inWord := false
	fail := func(pos int, msg string) ([]Stage, error) {
		return nil, &SyntaxError{Command: s, Pos: pos, Msg: msg}
	}
	refuse := func(pos int, construct string) ([]Stage, error) {
		return nil, &SyntaxError{Command: s, Pos: pos, Msg: shellConstructs[construct], Construct: construct}
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
		case c == '|' && next(s, i) == '&':
			return refuse(i, "|&")
		case c == '|' && next(s, i) == '|':
			return refuse(i, "||")
		case c == '&' && next(s, i) == '&':
			return refuse(i, "&&")
		case c == '&' || c == ';' || c == '<' || c == '>' || c == '`':
			return refuse(i, string(c))
		case c == '$' && next(s, i) == '(':
			return refuse(i, "$(")
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
				} else if s[i] == '`' {
					return refuse(i, "`")
				} else if s[i] == '$' && next(s, i) == '(' {
					return refuse(i, "$(")
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

// next returns the byte after s[i], or 0 at the end.
func next(s string, i int) byte {
	if i+1 < len(s) {
		return s[i+1]
	}
	return 0
}

// shellConstructs say why each construct a shell would act on is refused.
var shellConstructs = map[string]string{
	"<":  "no shell: redirection (<) is not supported",
	">":  "no shell: redirection (>) is not supported",
	";":  "no shell: command lists (;) are not supported: give one pipeline, stages joined by |",
	"&&": "no shell: && is not supported: give one pipeline, stages joined by |",
	"||": "no shell: || is not supported: give one pipeline, stages joined by |",
	"&":  "no shell: background jobs (&) are not supported",
	"|&": "no shell: |& is not supported: a stage's stderr is shown when it fails",
	"`":  "no shell: command substitution (`...`) is not supported",
	"$(": "no shell: command substitution ($(...)) is not supported",
}
