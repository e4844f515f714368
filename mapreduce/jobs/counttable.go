package jobs

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// A countTable maps encoded keys (appendKey) to tallies with no heap object
// per key, so that millions of keys cost about their bytes plus 35: each
// key goes, uvarint-length-prefixed, into an append-only arena of chunks;
// each tally, with the key's place in the arena and 24 bits of its hash,
// into chunks of 24-byte records; and an open-addressed index of record
// numbers (4 bytes a slot, at most 3/4 full) finds them. The zero value is
// an empty table. A countTable is not safe for concurrent use.
//
// Nothing written to the arena or the records is moved or overwritten
// while the table lives: the strings entries makes alias the arena and
// the tallies point into the records.
type countTable struct {
	seed  maphash.Seed
	slots []uint32     // 0: empty; else a record number + 1
	bits  int          // len(slots) == 1 << bits
	recs  [][]countRec // recChunk records each; the last one is filling
	n     int          // records
	arena [][]byte     // key chunks; a key never spans two
	mem   int64        // bytes allocated for slots, records and arena
	// Chunks another table let go of in drain, taken before making new
	// ones: moving one table into another then makes no garbage.
	spareRecs  [][]countRec
	spareArena [][]byte
}

// A countRec is a key's tally and ref: where its key is in the arena,
// chunk << 44 | offset << 24, and the top 24 bits of its hash, which tell
// most keys apart without reading them, and place them in an index of up
// to 1 << 24 slots.
type countRec struct {
	tally
	ref uint64
}

const (
	tagBits = 24
	offBits = 20 // maxArenaChunk is 1 << offBits: only a chunk of one key is longer
)

func refChunk(ref uint64) int { return int(ref >> (tagBits + offBits)) }
func refOff(ref uint64) int   { return int(ref>>tagBits) & (1<<offBits - 1) }

const (
	recChunk       = 1024    // records per chunk: 24 KiB
	minArenaChunk  = 4 << 10 // the first arena chunk; each next doubles...
	maxArenaChunk  = 1 << 20 // ...up to this, unless one key is longer
	recBytes       = int64(unsafe.Sizeof(countRec{}))
	minTableBits   = 4
	maxLoadPercent = 75
)

// Len returns the number of keys.
func (t *countTable) Len() int { return t.n }

// add returns key's tally, a new zero one when key is not in t yet. The
// tally is valid as long as t is (reset and drain end it).
func (t *countTable) add(key []byte) *tally {
	if t.slots == nil {
		t.reindex()
	}
	h := maphash.Bytes(t.seed, key)
	tag := h >> (64 - tagBits)
	mask := len(t.slots) - 1
	i := int(h >> (64 - t.bits))
	for ; t.slots[i] != 0; i = (i + 1) & mask {
		r := t.rec(int(t.slots[i]) - 1)
		if r.ref&(1<<tagBits-1) == tag && string(t.key(r.ref)) == string(key) {
			return &r.tally
		}
	}
	if int64(t.n) == 1<<32-1 { // int64: a 32-bit int never gets there
		// As many keys as a uint32 numbers: past any memory a count is given.
		return &tally{}
	}
	if (t.n+1)*100 > len(t.slots)*maxLoadPercent {
		t.resize(t.bits + 1)
		mask = len(t.slots) - 1
		for i = int(h >> (64 - t.bits)); t.slots[i] != 0; i = (i + 1) & mask {
		}
	}
	t.slots[i] = uint32(t.n + 1)
	if t.n%recChunk == 0 {
		var chunk []countRec
		if n := len(t.spareRecs); n > 0 {
			chunk, t.spareRecs = t.spareRecs[n-1], t.spareRecs[:n-1]
		} else {
			chunk = make([]countRec, 0, recChunk)
		}
		t.recs = append(t.recs, chunk)
		t.mem += recChunk * recBytes
	}
	last := &t.recs[len(t.recs)-1]
	*last = append(*last, countRec{ref: t.store(key) | tag})
	t.n++
	return &(*last)[len(*last)-1].tally
}

// resize makes an index of 1 << b slots and puts every record back in it.
// The position of a record is its hash's top b bits: up to 1 << 24 slots
// its tag holds them, past that its key is hashed again.
func (t *countTable) resize(b int) {
	t.mem -= int64(4 * len(t.slots))
	t.slots, t.bits = make([]uint32, 1<<b), b
	t.mem += int64(4 * len(t.slots))
	mask := len(t.slots) - 1
	for n := range t.n {
		r := t.rec(n)
		var i int
		if b <= tagBits {
			i = int(r.ref & (1<<tagBits - 1) >> (tagBits - b))
		} else {
			i = int(maphash.Bytes(t.seed, t.key(r.ref)) >> (64 - b))
		}
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = uint32(n + 1)
	}
}

func (t *countTable) rec(i int) *countRec { return &t.recs[i/recChunk][i%recChunk] }

// store appends key to the arena and returns its place.
func (t *countTable) store(key []byte) uint64 {
	need := binary.MaxVarintLen64 + len(key)
	var last []byte
	if len(t.arena) > 0 {
		last = t.arena[len(t.arena)-1]
	}
	if last == nil || cap(last)-len(last) < need {
		size := min(max(2*cap(last), minArenaChunk), maxArenaChunk)
		if n := len(t.spareArena); n > 0 && cap(t.spareArena[n-1]) >= need && cap(t.spareArena[n-1]) <= maxArenaChunk {
			last, t.spareArena = t.spareArena[n-1], t.spareArena[:n-1]
		} else {
			last = make([]byte, 0, max(size, need))
		}
		t.arena = append(t.arena, last)
		t.mem += int64(cap(last))
	}
	ref := uint64(len(t.arena)-1)<<(tagBits+offBits) | uint64(len(last))<<tagBits
	last = binary.AppendUvarint(last, uint64(len(key)))
	t.arena[len(t.arena)-1] = append(last, key...)
	return ref
}

// key returns the key stored at ref; it aliases the arena.
func (t *countTable) key(ref uint64) []byte {
	chunk := t.arena[refChunk(ref)][refOff(ref):]
	n, w := binary.Uvarint(chunk)
	return chunk[w : w+int(n)]
}

// keyString is key as a string that aliases the arena, which is never
// written over.
func (t *countTable) keyString(ref uint64) string {
	k := t.key(ref)
	if len(k) == 0 {
		return ""
	}
	return unsafe.String(&k[0], len(k))
}

// numbers returns the numbers of t's records, 0 to Len()-1.
func (t *countTable) numbers() []uint32 {
	recs := make([]uint32, t.n)
	for i := range recs {
		recs[i] = uint32(i)
	}
	return recs
}

// entry returns record i; it aliases t.
func (t *countTable) entry(i uint32) countEntry {
	r := t.rec(int(i))
	return countEntry{t.keyString(r.ref), &r.tally}
}

// entries returns t's keys and tallies, in no order; they alias t.
func entries(t *countTable) []countEntry {
	rows := make([]countEntry, 0, t.n)
	for _, chunk := range t.recs {
		for i := range chunk {
			rows = append(rows, countEntry{t.keyString(chunk[i].ref), &chunk[i].tally})
		}
	}
	return rows
}

// drain yields every key and tally of t in the order they were added and
// leaves t empty. It hands each chunk once yielded past to into's spares,
// so that moving one table into another holds about the larger of the
// two, not both, and makes no garbage. The key is valid until yield
// returns.
func (t *countTable) drain(into *countTable, yield func(key []byte, tl tally)) {
	recs, arena := t.recs, t.arena
	*t = countTable{}
	chunk := 0 // arena chunks before this one are yielded past
	for c := range recs {
		for _, r := range recs[c] {
			for ; chunk < refChunk(r.ref); chunk++ {
				into.spareArena = append(into.spareArena, arena[chunk][:0])
				arena[chunk] = nil
			}
			a := arena[refChunk(r.ref)][refOff(r.ref):]
			n, w := binary.Uvarint(a)
			yield(a[w:w+int(n)], r.tally)
		}
		into.spareRecs = append(into.spareRecs, recs[c][:0])
		recs[c] = nil
	}
	into.spareRecs, into.spareArena = nil, nil // what is left is garbage
}

// dropIndex lets go of t's index: a table whose keys are only read back
// needs none. The next add rebuilds it, hashing every key again.
func (t *countTable) dropIndex() {
	t.mem -= int64(4 * len(t.slots))
	t.slots, t.bits = nil, 0
}

// reindex makes the index of a table that has none.
func (t *countTable) reindex() {
	t.seed = maphash.MakeSeed()
	for n := range t.n {
		r := t.rec(n)
		r.ref = r.ref&^(1<<tagBits-1) | maphash.Bytes(t.seed, t.key(r.ref))>>(64-tagBits)
	}
	t.resize(tableBits(t.n))
}

// tableBits is the index size a table of n keys needs.
func tableBits(n int) int {
	return max(minTableBits, bits.Len(uint(n*100/maxLoadPercent)))
}

// reserve sizes an empty table's index for n keys, so that reading a
// partial of known size does not grow it step by step.
func (t *countTable) reserve(n int) {
	if t.n == 0 && n > 0 {
		t.seed = maphash.MakeSeed()
		t.resize(tableBits(n))
	}
}
