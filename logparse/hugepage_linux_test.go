package logparse

import (
	"testing"
	"unsafe"
)

func TestHugePageBuffer(t *testing.T) {
	for _, size := range []int{1, 4096, 5 << 20} {
		b := hugePageBuffer(size)
		if len(b) != size || cap(b) != size {
			t.Fatalf("hugePageBuffer(%d): len %d cap %d", size, len(b), cap(b))
		}
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%hugePageSize != 0 {
			t.Errorf("hugePageBuffer(%d) starts at %#x, not on a huge page", size, addr)
		}
		for i := range b { // every byte zero and writable
			if b[i] != 0 {
				t.Fatalf("hugePageBuffer(%d)[%d] = %d", size, i, b[i])
			}
			b[i] = 1
		}
	}
}
