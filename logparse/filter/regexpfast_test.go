package filter

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestTextRegexpAsRegexp holds the fast path to Go's regexp on texts that
// provoke it: case, the Kelvin sign and long s that (?i) folds to k and s,
// invalid UTF-8, texts longer than the stack buffer, empty words.
func TestTextRegexpAsRegexp(t *testing.T) {
	exprs := []string{
		`bot`, `(?i)bot`, `(?i)bot|crawler|spider`, `Googlebot|bingbot`, `(?i)Mozilla/5.0`,
		`(?i)sk`, `(?i)`, ``, `a||b`, `(?i)(bot|crawler)`, `(?:Googlebot|bingbot)`, `(bot)|(spider)`, `()`, `(?:)`, `(?i)(?:)`, `(?i)x-forwarded: yes`, `bot.`, `(?i)b(o)t`, `^bot`,
		`(?i)é`, `curl/7|Wget`, `(?i)python-requests`,
	}
	texts := []string{
		"", "bot", "BOT", "Googlebot/2.1", "GoogleBot", "Mozilla/5.0 (compatible; bingbot/2.0)",
		"Crawler", "SPIDER-man", "\u212aelvin sk", "s\u212a", "ſk", "\xffbot", "bo\xfft", "é", "É",
		"curl/7.68.0", "WGET", "Wget/1.21", "python-requests/2.31", "PYTHON-REQUESTS",
		"x-forwarded: yes", "X-Forwarded: YES",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"b", "o", "t", "B", "O", "T", "k", "s", "\u212a", "ſ", "\xff", " ", "/", "é", "x"}
	for range 2000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		texts = append(texts, string(b))
	}
	long := make([]byte, foldBufferSize+10)
	for i := range long {
		long[i] = 'a'
	}
	texts = append(texts, string(long)+"BOT", string(long))

	fast := 0
	for _, expr := range exprs {
		tr, err := compileTextRegexp(expr)
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		if tr.words != nil {
			fast++
		}
		re := regexp.MustCompile(expr)
		for _, text := range texts {
			if got, want := tr.match([]byte(text)), re.MatchString(text); got != want {
				t.Errorf("%q on %q: %v, regexp says %v (words %q)", expr, text, got, want, tr.words)
			}
		}
	}
	if fast < 10 {
		t.Errorf("only %d of the expressions took the fast path", fast)
	}
}
