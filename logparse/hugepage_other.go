//go:build !linux

package logparse

// hugePageBuffer returns size bytes (see the Linux version).
func hugePageBuffer(size int) []byte { return make([]byte, size) }
