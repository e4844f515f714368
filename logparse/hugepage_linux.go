package logparse

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePageSize is the size of a transparent huge page on the processors
// logparse is built for (x86-64 and arm64 with 4 KiB base pages).
const hugePageSize = 2 << 20

// hugePageBuffer returns size bytes that the kernel is asked to back with
// huge pages (madvise MADV_HUGEPAGE, which THP's default "madvise" setting
// honours): where the buffer is written once through before any of it is
// reused, 4 KiB pages cost a page fault each, from 1 µs to 15 in some
// virtual machines, and 2 MiB pages one fault per 512 of them. Where the
// kernel does not (THP "never", no huge page free), nothing changes. The
// buffer is in Go's heap; it is advised before its first write.
func hugePageBuffer(size int) []byte {
	mem := make([]byte, size+hugePageSize)
	start := int(-uintptr(unsafe.Pointer(unsafe.SliceData(mem))) & (hugePageSize - 1))
	buf := mem[start : start+size : start+size]
	unix.Madvise(buf, unix.MADV_HUGEPAGE) // advice: where it fails, 4 KiB pages do
	return buf
}
