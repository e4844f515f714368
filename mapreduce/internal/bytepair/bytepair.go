// Package bytepair finds the first place in a text where two given bytes
// stand a given distance apart, each compared after an OR mask (0x20 folds
// an ASCII letter's case). It is the prefilter's search: a literal's two
// rarest bytes, looked for together, stop a search about a hundred times
// less often than its rarest byte alone, which real log lines hold about
// once each (the 'x' of "x64" for /robots.txt). On amd64 it compares 32
// places at a time with SSE2, which every amd64 processor has; elsewhere it
// is plain Go.
package bytepair

// A Pair is what Index looks for: at some i, s[i]|AMask == A and
// s[i+Dist]|BMask == B. A mask of 0x20 with a lower-case letter matches the
// letter in either case; a mask of 0 matches the byte alone.
type Pair struct {
	A, AMask byte
	B, BMask byte
	Dist     int // > 0
}

// Of returns the pair of the bytes at offsets i < j of lit; fold says to
// match each letter in either ASCII case (lit is then lower case).
func Of(lit []byte, i, j int, fold bool) Pair {
	p := Pair{A: lit[i], B: lit[j], Dist: j - i}
	if fold && isLetter(p.A) {
		p.A, p.AMask = p.A|0x20, 0x20
	}
	if fold && isLetter(p.B) {
		p.B, p.BMask = p.B|0x20, 0x20
	}
	return p
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// Index returns the first i at which s holds p (i+p.Dist < len(s)), or -1.
func Index(s []byte, p Pair) int {
	limit := len(s) - p.Dist // the places i that have an s[i+Dist]
	if limit <= 0 || p.Dist <= 0 {
		return -1
	}
	i := 0
	if limit >= blockSize {
		if i = indexBlocks(s, limit, p); i < limit&^(blockSize-1) {
			return i
		}
	}
	for ; i < limit; i++ {
		if s[i]|p.AMask == p.A && s[i+p.Dist]|p.BMask == p.B {
			return i
		}
	}
	return -1
}

// indexGeneric is indexBlocks in plain Go: it looks at the places below
// limit&^(blockSize-1) and returns the first that holds p, or that bound.
func indexGeneric(s []byte, limit int, p Pair) int {
	end := limit &^ (blockSize - 1)
	for i := 0; i < end; i++ {
		if s[i]|p.AMask == p.A && s[i+p.Dist]|p.BMask == p.B {
			return i
		}
	}
	return end
}
