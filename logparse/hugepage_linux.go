package logparse

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePageSize is the size of a transparent huge page on the processors
// logparse is built for (x86-64 and arm64 with 4 KiB base pages).
const hugePageSize = 2 << 20

// mapHugePages returns size bytes mapped outside Go's heap, aligned to a
// huge page, and the function that unmaps them, to be called once nothing
// reads or writes them any more. The kernel is asked to back them with
// huge pages (madvise MADV_HUGEPAGE, which THP's default "madvise" setting
// honours): where a buffer is written once through before any of it is
// reused, 4 KiB pages cost a page fault each, from 1 µs to 15 in some
// virtual machines, and 2 MiB pages one fault per 512 of them. Outside
// the heap, the advice stays on memory that is the buffer's alone, and
// unmapping gives it back at once. When the memory cannot be mapped, it
// is a Go slice, and unmap does nothing.
func mapHugePages(size int) (buf []byte, unmap func()) {
	// Whole huge pages from an address rounded up to one (mmap aligns to
	// 4 KiB): a huge page only backs a range advised whole.
	span := (size + hugePageSize - 1) &^ (hugePageSize - 1)
	mem, err := unix.Mmap(-1, 0, span+hugePageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return make([]byte, size), func() {}
	}
	start := int(-uintptr(unsafe.Pointer(unsafe.SliceData(mem))) & (hugePageSize - 1))
	unix.Madvise(mem[start:start+span], unix.MADV_HUGEPAGE) // advice: where it fails, 4 KiB pages do
	buf = mem[start : start+size : start+size]
	return buf, func() { unix.Munmap(mem) }
}
