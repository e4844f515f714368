package filter

import (
	"bytes"
	"regexp"
	"strings"
)

// A textRegexp is a filter's regular expression, with a fast path for the
// commonest kind: an alternation of plain words, optionally (?i) and in one
// group, such as `(?i)bot|crawler|spider` or `(Googlebot|bingbot)`. Go's
// regexp runs that at about 20 MB/s on user agents, ten times slower than
// the rest of the line's work together; searching for the words is about
// 40 times as fast. The answer is the same: the fast path is taken only
// where it provably is (see match).
type textRegexp struct {
	re    *regexp.Regexp
	words [][]byte // nil: no fast path; lower case when fold
	fold  bool
}

// regexpMetas are the characters that make a word more than its text.
const regexpMetas = `\.+*?()|[]{}^$`

func compileTextRegexp(expr string) (*textRegexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	t := &textRegexp{re: re}
	body, fold := strings.CutPrefix(expr, "(?i)")
	// One group around the words, as in (?i)(bot|spider), changes nothing
	// for a match.
	for _, open := range []string{"(?:", "("} {
		if inner, ok := strings.CutPrefix(body, open); ok && strings.HasSuffix(inner, ")") {
			body = inner[:len(inner)-1]
			break
		}
	}
	if strings.ContainsAny(strings.ReplaceAll(body, "|", ""), regexpMetas) {
		return t, nil
	}
	for _, w := range strings.Split(body, "|") {
		for _, c := range []byte(w) {
			if c >= 0x80 {
				return t, nil // case folding beyond ASCII: the regexp decides
			}
		}
		if fold {
			w = strings.ToLower(w)
		}
		t.words = append(t.words, []byte(w))
	}
	t.fold = fold
	return t, nil
}

// foldBufferSize bounds the text the fast path lowers on the stack.
const foldBufferSize = 1024

func (t *textRegexp) match(b []byte) bool {
	if t.words == nil {
		return t.re.Match(b)
	}
	if !t.fold {
		return containsAny(b, t.words)
	}
	// (?i) folds 'k' to the Kelvin sign and 's' to the long s too: only
	// text that is all ASCII can be lowered byte by byte.
	if len(b) > foldBufferSize {
		return t.re.Match(b)
	}
	var buf [foldBufferSize]byte
	lower := buf[:len(b)]
	var seen byte // every byte ORed: its top bit says whether any is beyond ASCII
	for i, c := range b {
		seen |= c
		lower[i] = asciiLower[c]
	}
	if seen >= 0x80 {
		return t.re.Match(b)
	}
	return containsAny(lower, t.words)
}

func containsAny(b []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(b, w) {
			return true
		}
	}
	return false
}

// asciiLower maps A-Z to a-z and every other byte to itself.
var asciiLower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()
