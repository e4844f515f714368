package bytepair

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// naive is Index by definition.
func naive(s []byte, p Pair) int {
	for i := 0; i+p.Dist < len(s); i++ {
		if s[i]|p.AMask == p.A && s[i+p.Dist]|p.BMask == p.B {
			return i
		}
	}
	return -1
}

// TestIndexAgainstNaive tries every length up to a few blocks, every
// place of the first match, and texts where the pair's bytes are common
// (one of four letters) so that half-matches abound.
func TestIndexAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("tTxX")
	for _, p := range []Pair{
		{A: 't', B: 'x', Dist: 1},
		{A: 't', AMask: 0x20, B: 'x', BMask: 0x20, Dist: 1},
		{A: 'x', B: 't', BMask: 0x20, Dist: 7},
		{A: 't', B: 't', Dist: 33},
		{A: 'x', AMask: 0x20, B: 'x', BMask: 0x20, Dist: 64},
	} {
		for n := 0; n <= 3*blockSize+p.Dist+3; n++ {
			for range 20 {
				s := make([]byte, n)
				for i := range s {
					s[i] = alphabet[rng.IntN(len(alphabet))]
				}
				if got, want := Index(s, p), naive(s, p); got != want {
					t.Fatalf("Index(%q, %+v) = %d, want %d", s, p, got, want)
				}
			}
		}
	}
}

// TestIndexReadsOnlyItsText puts a match just past the end of the slice
// (in its capacity): Index must not find it.
func TestIndexReadsOnlyItsText(t *testing.T) {
	p := Pair{A: 'a', B: 'b', Dist: 3}
	for n := 0; n < 5*blockSize; n++ {
		backing := bytes.Repeat([]byte("a"), n+8)
		copy(backing[n:], "ab?b")
		s := backing[:n]
		if got := Index(s, p); got != naive(s, p) {
			t.Fatalf("n=%d: Index = %d, want %d", n, got, naive(s, p))
		}
	}
}

func TestIndexEveryPlace(t *testing.T) {
	for _, dist := range []int{1, 2, 15, 16, 17, 31, 32, 33, 100} {
		p := Pair{A: '/', B: 'R', BMask: 0x20, Dist: dist}
		p.B = 'r'
		for n := dist + 1; n < 4*blockSize+dist; n++ {
			for at := 0; at+dist < n; at++ {
				s := bytes.Repeat([]byte{'.'}, n)
				s[at], s[at+dist] = '/', 'R'
				if got := Index(s, p); got != at {
					t.Fatalf("dist %d, n %d: Index = %d, want %d", dist, n, got, at)
				}
			}
		}
	}
}

func TestOf(t *testing.T) {
	lit := []byte("/robots.txt")
	if p := Of(lit, 8, 9, false); p != (Pair{A: 't', B: 'x', Dist: 1}) {
		t.Errorf("Of exact = %+v", p)
	}
	if p := Of(lit, 0, 9, true); p != (Pair{A: '/', B: 'x', BMask: 0x20, Dist: 9}) {
		t.Errorf("Of folded = %+v", p)
	}
	s := []byte("GET /ROBOTS.TXT")
	if i := Index(s, Of(lit, 8, 9, true)); i != 4+8 {
		t.Errorf("folded pair found at %d, want 12", i)
	}
	if i := Index(s, Of(lit, 8, 9, false)); i != -1 {
		t.Errorf("exact pair found at %d in upper-case text", i)
	}
}

func FuzzIndex(f *testing.F) {
	f.Add([]byte("GET /robots.txt HTTP/1.1"), byte('t'), byte(0), byte('x'), byte(0x20), 1)
	f.Fuzz(func(t *testing.T, s []byte, a, am, b, bm byte, dist int) {
		if dist <= 0 || dist > 1<<10 {
			return
		}
		p := Pair{A: a, AMask: am, B: b, BMask: bm, Dist: dist}
		if got, want := Index(s, p), naive(s, p); got != want {
			t.Fatalf("Index = %d, want %d", got, want)
		}
		if limit := len(s) - dist; limit > 0 {
			if got, want := indexBlocks(s, limit, p), indexGeneric(s, limit, p); got != want {
				t.Fatalf("indexBlocks = %d, indexGeneric %d", got, want)
			}
		}
	})
}

// BenchmarkIndex searches 256 KiB of text without a match, as the
// prefilter does most of the time, against bytes.IndexByte over the same
// text for a byte it does not hold.
func BenchmarkIndex(b *testing.B) {
	text := bytes.Repeat([]byte(`1.2.3.4 - - [21/Nov/2026:05:45:00 +0545] "GET /docs HTTP/1.1" 200 1 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`+"\n"), 256<<10/110)
	b.Run("pair", func(b *testing.B) {
		p := Of([]byte("/robots.txt"), 8, 9, false)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if Index(text, p) >= 0 {
				b.Fatal("found")
			}
		}
	})
	b.Run("indexbyte", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if bytes.IndexByte(text, '!') >= 0 {
				b.Fatal("found")
			}
		}
	})
}
