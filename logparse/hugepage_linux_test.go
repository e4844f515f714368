package logparse

import (
	"testing"
	"unsafe"
)

func TestMapHugePages(t *testing.T) {
	for _, size := range []int{1, 4096, 5 << 20} {
		b, unmap := mapHugePages(size)
		if len(b) != size || cap(b) != size {
			t.Fatalf("mapHugePages(%d): len %d cap %d", size, len(b), cap(b))
		}
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%hugePageSize != 0 {
			t.Errorf("mapHugePages(%d) starts at %#x, not on a huge page", size, addr)
		}
		for i := range b { // every byte zero and writable
			if b[i] != 0 {
				t.Fatalf("mapHugePages(%d)[%d] = %d", size, i, b[i])
			}
			b[i] = 1
		}
		unmap()
	}
}

// TestAheadReaderClosed: a read-ahead's Read after close returns an
// error, never touching the unmapped blocks; close twice is no fault.
func TestAheadReaderClosed(t *testing.T) {
	a := newAheadReader(func(p []byte) (int, error) { return copy(p, "line\n"), nil }, 2, 4096)
	buf := make([]byte, 10)
	if n, err := a.Read(buf); n == 0 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	a.close()
	a.close()
	if n, err := a.Read(buf); n != 0 || err != errAheadClosed {
		t.Errorf("Read after close = %d, %v; want 0, errAheadClosed", n, err)
	}
}
