package logparse

import "strings"

// A confWord is one word of nginx configuration text, its quotes and
// escapes removed; cols[i] is the 1-based column of text[i] in the source.
type confWord struct {
	text string
	cols []int
}

// nginxWords splits a pasted log_format directive, or a run of its quoted
// pieces, into words as nginx's configuration reader does: words are set
// apart by white space (new lines included), quoted with ' or " to hold
// spaces, may escape \" \' \\ \t \r \n, and end at the first ';', after
// which nothing is read. A # outside quotes starts a comment that runs to
// the end of the line.
func nginxWords(s string) ([]confWord, *FormatError) {
	var words []confWord
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == ';':
			// What follows is the rest of a pasted configuration (the
			// next directive, as `sed -n '/log_format/,/;/p'` prints it).
			return words, nil
		default:
			w, next, err := confWordAt(s, i)
			if err != nil {
				return nil, err
			}
			words, i = append(words, w), next
		}
	}
	return words, nil
}

// confWordAt reads the word that starts at s[i] and returns the index
// after it.
func confWordAt(s string, i int) (confWord, int, *FormatError) {
	var w confWord
	var b []byte
	quote := byte(0)
	start := i
	if s[i] == '\'' || s[i] == '"' {
		quote = s[i]
		i++
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			if i+1 < len(s) && !strings.ContainsRune(" \t\r\n;", rune(s[i+1])) {
				return w, 0, &FormatError{Column: i + 2, Msg: "a quoted string must be followed by a space or ';'"}
			}
			w.text = string(b)
			return w, i + 1, nil
		case quote == 0 && strings.IndexByte(" \t\r\n;", c) >= 0:
			w.text = string(b)
			return w, i, nil
		case c == '\\' && i+1 < len(s):
			col := i + 1
			i++
			switch s[i] {
			case '"', '\'', '\\':
				b = append(b, s[i])
			case 't':
				b = append(b, '\t')
			case 'r':
				b = append(b, '\r')
			case 'n':
				b = append(b, '\n')
			default:
				b = append(b, '\\', s[i])
				w.cols = append(w.cols, col)
			}
			w.cols = append(w.cols, col)
			continue
		}
		b = append(b, c)
		w.cols = append(w.cols, i+1)
	}
	if quote != 0 {
		return w, 0, &FormatError{Column: start + 1, Msg: "unterminated quoted string"}
	}
	w.text = string(b)
	return w, i, nil
}
