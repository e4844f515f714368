//go:build linux && (amd64 || arm64) && !noisal

package isal

import (
	"bufio"
	"encoding/binary"
	"io"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// outSize is the Reader's own output buffer, for a Read into a smaller p;
// directMin is the smallest p Read inflates into directly: each
// isal_inflate call copies the last 32 KiB it wrote (its window), which
// would cost more than the copy out of a buffer for a small p.
const (
	outSize   = 256 << 10
	directMin = 64 << 10
)

// A Reader inflates one raw deflate stream from a bufio.Reader, and leaves
// that reader just after the stream's last byte: at the gzip trailer, say.
// It is not safe for concurrent use.
//
// Its state lives in memory mapped outside Go's heap (about 340 KiB),
// unmapped when the Reader is collected: pool Readers rather than make one
// per stream.
type Reader struct {
	lib   *lib
	mem   []byte // the mapping: the inflate_state, then out
	out   []byte // pending output is out[outR:outW]
	outR  int
	outW  int
	br    *bufio.Reader
	held  int   // bytes at the front of br that ISA-L holds (read_in, tmp_in_buffer), taken but not decoded
	need  int   // bytes of br the next call must be given: held+1, or more after a call that took nothing
	taken int64 // bytes of the stream ISA-L decoded: what was discarded from br
	err   error // sticky, once what out holds is handed out: io.EOF at the end of the stream
	pin   runtime.Pinner
}

// NewReader returns a Reader, ready for Reset.
func NewReader() (*Reader, error) {
	if err := Load(); err != nil {
		return nil, err
	}
	return newReader(loaded)
}

func newReader(l *lib) (*Reader, error) {
	stateLen := (stateSize + 4095) &^ 4095
	mem, err := unix.Mmap(-1, 0, stateLen+outSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, err
	}
	z := &Reader{lib: l, mem: mem, out: mem[stateLen:]}
	runtime.AddCleanup(z, func(mem []byte) { unix.Munmap(mem) }, mem)
	call(z.lib.init, z.state())
	return z, nil
}

// Reset starts a new stream, read from br.
func (z *Reader) Reset(br *bufio.Reader) {
	call(z.lib.reset, z.state())
	z.put32(offCRCFlag, gzipNoHdr)
	z.br, z.held, z.need, z.taken, z.outR, z.outW, z.err = br, 0, 1, 0, 0, 0, nil
}

// CRC32 is the CRC-32 (IEEE) of the text inflated.
func (z *Reader) CRC32() uint32 {
	crc := z.get32(offCRC)
	runtime.KeepAlive(z) // its cleanup unmaps z.mem
	return crc
}

// Size is the number of bytes of text inflated, modulo 2^32 (as a gzip
// trailer's ISIZE). CRC32 and Size are those of the whole text once Read
// returned io.EOF.
func (z *Reader) Size() uint32 {
	n := z.get32(offTotalOut)
	runtime.KeepAlive(z)
	return n
}

// Read reads inflated text. It returns io.EOF at the end of the stream,
// io.ErrUnexpectedEOF when br ends before it, and a *CorruptError when
// the stream is not valid deflate; other errors are br's.
func (z *Reader) Read(p []byte) (int, error) {
	for z.outR == z.outW {
		if z.err != nil || len(p) == 0 {
			return 0, z.err
		}
		if len(p) >= directMin {
			if n := z.inflate(p); n > 0 {
				return n, nil
			}
			continue
		}
		z.outR, z.outW = 0, z.inflate(z.out)
	}
	n := copy(p, z.out[z.outR:z.outW])
	z.outR += n
	return n, nil
}

// inflate calls isal_inflate once, with as much of br as is buffered (and
// at least one byte more than ISA-L holds, unless all input was decoded),
// writing into dst. It returns the bytes written, and sets z.err when the
// stream ended or failed. Only what ISA-L decoded is discarded from br:
// what it holds is given back to br when the stream ends.
func (z *Reader) inflate(dst []byte) int {
	var in []byte
	if z.get32(offBlockState) < blockInputDone {
		buf, err := z.br.Peek(z.need)
		if len(buf) < z.need {
			switch {
			case err == bufio.ErrBufferFull: // never seen: ISA-L holds at most a block header
				z.err = &CorruptError{Offset: z.taken, Code: errNoProgress}
			case err == io.EOF || err == nil:
				z.err = io.ErrUnexpectedEOF
			default:
				z.err = err
			}
			return 0
		}
		buf, _ = z.br.Peek(z.br.Buffered())
		in = buf[z.held:]
	}
	z.setBuffers(in, dst)
	held := z.held
	ret := call(z.lib.inflate, z.state())
	z.pin.Unpin()
	z.putPtr(offNextIn, 0) // no pointer into Go memory outlives the call
	z.putPtr(offNextOut, 0)

	decoded := z.held + len(in) - int(z.get32(offAvailIn))
	z.held = int(int32(z.get32(offReadInLength)))/8 + int(int16(binary.LittleEndian.Uint16(z.mem[offTmpInSize:])))
	decoded -= z.held
	z.br.Discard(decoded)
	z.taken += int64(decoded)
	n := len(dst) - int(z.get32(offAvailOut))
	z.need = z.held + 1
	if len(in) > 0 && int(z.get32(offAvailIn)) == len(in) && n == 0 && ret == 0 {
		// Nothing taken, nothing written: give it more next time.
		z.need = held + len(in) + 1
	}
	switch {
	case ret < 0:
		z.err = &CorruptError{Offset: z.taken, Code: ret}
	case z.get32(offBlockState) == blockFinish:
		z.err = io.EOF
	}
	return n
}

// setBuffers points the state at in and out, pinned until z.pin.Unpin.
func (z *Reader) setBuffers(in, out []byte) {
	var inPtr uintptr
	if len(in) > 0 {
		z.pin.Pin(&in[0])
		inPtr = uintptr(unsafe.Pointer(&in[0]))
	}
	z.pin.Pin(&out[0])
	z.putPtr(offNextIn, inPtr)
	z.put32(offAvailIn, uint32(len(in)))
	z.putPtr(offNextOut, uintptr(unsafe.Pointer(&out[0])))
	z.put32(offAvailOut, uint32(min(len(out), 1<<31-1)))
}

func (z *Reader) state() uintptr { return uintptr(unsafe.Pointer(&z.mem[0])) }

func (z *Reader) get32(off int) uint32 { return binary.LittleEndian.Uint32(z.mem[off:]) }

func (z *Reader) put32(off int, v uint32) { binary.LittleEndian.PutUint32(z.mem[off:], v) }

func (z *Reader) putPtr(off int, v uintptr) { binary.LittleEndian.PutUint64(z.mem[off:], uint64(v)) }
