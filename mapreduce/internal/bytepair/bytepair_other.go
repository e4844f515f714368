//go:build !amd64

package bytepair

const blockSize = 8

func indexBlocks(s []byte, limit int, p Pair) int { return indexGeneric(s, limit, p) }
