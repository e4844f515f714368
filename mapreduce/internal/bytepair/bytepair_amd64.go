package bytepair

// blockSize is how many places indexBlocks compares at once.
const blockSize = 32

// indexBlocks looks at the places i below limit&^(blockSize-1), blockSize
// at a time, and returns the first that holds p, or that bound. It reads
// s[:limit&^(blockSize-1)+p.Dist], within s since limit+Dist = len(s).
func indexBlocks(s []byte, limit int, p Pair) int {
	return indexSSE2(s, limit, broadcast(p.A), broadcast(p.AMask), broadcast(p.B), broadcast(p.BMask), p.Dist)
}

// broadcast returns c in each of a uint64's eight bytes.
func broadcast(c byte) uint64 { return uint64(c) * 0x0101010101010101 }

//go:noescape
func indexSSE2(s []byte, limit int, a, am, b, bm uint64, dist int) int
