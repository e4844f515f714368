package filter

import (
	"bytes"
	"regexp/syntax"
	"unicode/utf8"
)

// A Literal is text that a line holds, as logged, when its record passes a
// Matcher (see Required).
type Literal struct {
	Text []byte // never empty, never holds a newline
	// Fold: the line holds Text in any ASCII case (Text is lower case).
	Fold bool
}

// Required is what every line whose record passes a Matcher holds, as
// logged: at least one of Any. A line is searched for it as raw text,
// before Apache's escapes are decoded, and two ways of logging make a
// record hold text that its line does not:
//
//   - a backslash escape (\x41 decodes to A): a line with an escape that
//     decodes to a byte of a literal must be parsed whether it holds the
//     literal or not (logparse.DecodeEscape);
//   - a target joined from two fields (%U%q), when Path is set.
//
// Required is worked out once, by Compile, and is safe for concurrent use.
type Required struct {
	Any []Literal // nil: nothing is required (every line must be parsed)
	// Path: the literals come from a path condition, which compares the
	// target; for a format that logs it as %U and %q, the path may join
	// text that is apart in the line.
	Path bool
}

// Required returns what every line holds whose record passes m: the
// literals of the one condition whose literals are rarest in log text,
// among the paths, path prefixes, path, user agent and referer
// expressions and virtual hosts. Statuses, methods, hosts and times give
// none (they are short or common text), nor does an expression that can
// match without a literal (`^/(a|.*)`) or a literal that folds beyond
// ASCII. On a nil Matcher it returns the zero Required.
func (m *Matcher) Required() Required {
	if m == nil {
		return Required{}
	}
	return m.required
}

// maxLiterals bounds the alternatives one condition may require: past it,
// the search costs more than it saves.
const maxLiterals = 16

// minLiteralLen is the shortest literal worth a search: a one- or
// two-byte literal is in nearly every line.
const minLiteralLen = 3

// requiredOf works out f's Required (see Matcher.Required).
func requiredOf(f Filter) Required {
	var best Required
	bestCost := -1
	consider := func(lits []Literal, path bool) {
		if len(lits) == 0 || len(lits) > maxLiterals {
			return
		}
		cost := 0
		for _, l := range lits {
			if len(l.Text) < minLiteralLen {
				return
			}
			cost += literalCost(l)
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = Required{Any: lits, Path: path}, cost
		}
	}
	consider(plainLiterals(f.Paths), true)
	consider(plainLiterals(f.PathPrefixes), true)
	consider(regexpsLiterals(f.PathRegexps), true)
	consider(regexpsLiterals(f.UserAgentRegexps), false)
	consider(regexpsLiterals(f.RefererRegexps), false)
	consider(foldLiterals(f.VHosts), false)
	return best
}

// plainLiterals are values compared as they are: each is its own literal.
func plainLiterals(values []string) []Literal {
	var lits []Literal
	for _, v := range values {
		if v == "" || containsNewline([]byte(v)) {
			return nil
		}
		lits = append(lits, Literal{Text: []byte(v)})
	}
	return lits
}

// foldLiterals are values compared with bytes.EqualFold: the longest part
// of each that folds within ASCII (see foldLiteral).
func foldLiterals(values []string) []Literal {
	var lits []Literal
	for _, v := range values {
		l, ok := foldLiteral([]rune(v))
		if !ok {
			return nil
		}
		lits = append(lits, l)
	}
	return lits
}

// foldLiteral is the longest run of runes in rs that match, case folded,
// only ASCII text of the same length: every ASCII rune but k and s, which
// fold to the Kelvin sign and the long s too. ok is false when rs holds a
// rune beyond ASCII or no such run.
func foldLiteral(rs []rune) (Literal, bool) {
	var best, cur []byte
	for _, r := range rs {
		if r >= utf8.RuneSelf || r == '\n' {
			return Literal{}, false
		}
		c := asciiLower[byte(r)]
		if c == 'k' || c == 's' {
			cur = nil
			continue
		}
		cur = append(cur, c)
		if len(cur) > len(best) {
			best = cur
		}
	}
	if len(best) == 0 {
		return Literal{}, false
	}
	return Literal{Text: bytes.Clone(best), Fold: true}, true
}

// regexpsLiterals are the literals of alternative expressions: those of
// each, together; nil when one has none.
func regexpsLiterals(exprs []string) []Literal {
	var lits []Literal
	for _, e := range exprs {
		re, err := syntax.Parse(e, syntax.Perl)
		if err != nil {
			return nil
		}
		l := regexpLiterals(re.Simplify())
		if l == nil {
			return nil
		}
		lits = append(lits, l...)
	}
	return lits
}

// regexpLiterals returns literals at least one of which is in any text re
// matches; nil when there are none, or too many.
func regexpLiterals(re *syntax.Regexp) []Literal {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			if l, ok := foldLiteral(re.Rune); ok {
				return []Literal{l}
			}
			return nil
		}
		text := []byte(string(re.Rune))
		if containsNewline(text) {
			return nil
		}
		return []Literal{{Text: text}}
	case syntax.OpCapture, syntax.OpPlus:
		return regexpLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return regexpLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every part is in a match: the cheapest part's literals.
		var best []Literal
		bestCost := -1
		for _, sub := range re.Sub {
			lits := regexpLiterals(sub)
			if lits == nil {
				continue
			}
			cost := 0
			for _, l := range lits {
				cost += literalCost(l)
				if len(l.Text) < minLiteralLen {
					cost += 1 << 20 // short: a last resort
				}
			}
			if bestCost < 0 || cost < bestCost {
				best, bestCost = lits, cost
			}
		}
		return best
	case syntax.OpAlternate:
		var all []Literal
		for _, sub := range re.Sub {
			lits := regexpLiterals(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		if len(all) > maxLiterals {
			return nil
		}
		return all
	}
	return nil
}

func containsNewline(b []byte) bool { return bytes.ContainsAny(b, "\r\n") }

// literalCost is how often a literal's rarest byte is met in log text, per
// 100,000 bytes: the number of places a search for it stops to look.
func literalCost(l Literal) int {
	return ByteFrequency(l.Text[RareByte(l)]) * foldFactor(l)
}

func foldFactor(l Literal) int {
	if l.Fold && isLetter(l.Text[RareByte(l)]) {
		return 2 // both cases are searched for
	}
	return 1
}

// RareByte returns the index in l.Text of its byte that is rarest in log
// text (in either case, for a folded literal): where a search anchors.
func RareByte(l Literal) int {
	best := 0
	for i, c := range l.Text {
		if freqOf(c, l.Fold) < freqOf(l.Text[best], l.Fold) {
			best = i
		}
	}
	return best
}

// NextRareByte returns the index in l.Text of its rarest byte but the one
// at skip (RareByte's), or -1 when l has no other: a second byte to check
// where a search stops, before the whole literal.
func NextRareByte(l Literal, skip int) int {
	best := -1
	for i, c := range l.Text {
		if i != skip && (best < 0 || freqOf(c, l.Fold) < freqOf(l.Text[best], l.Fold)) {
			best = i
		}
	}
	return best
}

func freqOf(c byte, fold bool) int {
	if fold && isLetter(c) {
		return ByteFrequency(c&^0x20) + ByteFrequency(c|0x20)
	}
	return ByteFrequency(c)
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// ByteFrequency returns how often byte c is met in access-log text, per
// 100,000 bytes (at least 1): measured on 10,000 real combined-format
// lines.
func ByteFrequency(c byte) int {
	if c < 0x20 || c >= 0x80 {
		return 1
	}
	return int(byteFrequency[c-0x20])
}

var byteFrequency = [0x60]uint16{
	7928, 5, 2531, 1, 1, 115, 148, 1, 579, 579, 1, 548, 174, 1854, 4685, 5144, // space to /
	6348, 4717, 3012, 1800, 1058, 2414, 1450, 1373, 962, 829, 1737, 710, 1, 232, 1, 78, // 0 to ?
	8, 279, 63, 267, 35, 521, 264, 759, 615, 120, 28, 348, 302, 1160, 205, 225, // @ to O
	516, 49, 52, 365, 1658, 111, 47, 521, 179, 25, 12, 422, 2, 422, 1, 284, // P to _
	1, 2678, 780, 1826, 706, 4095, 681, 1058, 1184, 2741, 183, 615, 2575, 1603, 1573, 3634, // ` to o
	1965, 34, 1744, 2591, 2995, 541, 365, 944, 531, 664, 394, 1, 1, 1, 1, 1, // p to DEL
}
