package jobs

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strings"
	"unsafe"
)

// A rowSeq yields rows in some order until yield returns false or the
// rows end; it returns the error that cut it short. A yielded row is
// valid until yield returns.
type rowSeq func(yield func(countEntry) bool) error

// sortedRuns is the rows of a count that spilled, in their final order:
// runs of set, each sorted by order, which each merges.
type sortedRuns struct {
	set   *spillSet
	order func(a, b countEntry) int
	rows  int // in all runs
	buf   int // read buffer per run
}

// each yields the rows in order.
func (s *sortedRuns) each(yield func(countEntry) bool) error {
	if s.set.err != nil {
		return s.set.err
	}
	return mergeRuns(s.set.runs, s.order, false, s.buf)(yield)
}

// readBuffer is the read buffer of each of runs runs, so that all of them
// take about an eighth of mem.
func readBuffer(runs int, mem int64) int {
	return int(min(max(mem/8/int64(max(runs, 1)), 4<<10), 1<<20))
}

// final is the last step of a count that spilled: it merges s's runs,
// which adds up each key's counts, and sorts the rows o keeps into o's
// order, in runs of a file of their own that the result owns. It holds
// about mem bytes: half of it sorts, the rest reads and garbage.
func (s *spillSet) final(ctx context.Context, o CountOrder, by []CountField, mem int64) (_ *sortedRuns, err error) {
	if s.err != nil {
		return nil, s.err
	}
	mem /= 2
	keys := newKeyOrder(by, nil)
	within := keys.entryOrder(o.sort(by))
	merged := mergeRuns(s.runs, bytewise, true, readBuffer(len(s.runs), mem))
	out := &spillSet{file: &spillFile{}} // the result's
	defer func() {
		if err != nil {
			out.close()
		}
	}()
	switch {
	case len(o.Per) > 0:
		groups := newKeyOrder(by, o.Per)
		byGroup := func(a, b countEntry) int {
			return cmp.Or(groups.compare(a.key, b.key), keys.byRequests(a, b))
		}
		tmp := &spillSet{file: &spillFile{}}
		defer tmp.close()
		first, err := externalSort(ctx, merged, byGroup, mem, tmp)
		if err != nil {
			return nil, err
		}
		return topPerGroup(first, groups, o.Top, within, out)
	case o.Top > 0:
		tmp := &spillSet{file: &spillFile{}}
		defer tmp.close()
		first, err := externalSort(ctx, merged, keys.byRequests, mem, tmp)
		if err != nil {
			return nil, err
		}
		return externalSort(ctx, take(first.each, o.Top), within, mem, out)
	}
	return externalSort(ctx, merged, within, mem, out)
}

func bytewise(a, b countEntry) int { return strings.Compare(a.key, b.key) }

// take yields the first n rows of rows.
func take(rows rowSeq, n int) rowSeq {
	return func(yield func(countEntry) bool) error {
		i := 0
		return rows(func(e countEntry) bool {
			i++
			return i <= n && yield(e)
		})
	}
}

// externalSort sorts rows by order into runs of out, each of at most about
// mem bytes.
func externalSort(ctx context.Context, rows rowSeq, order func(a, b countEntry) int, mem int64, out *spillSet) (*sortedRuns, error) {
	var buf sortBuffer
	n := 0
	var ctxErr error
	flush := func() {
		buf.sort(order)
		out.writeRun(buf.all)
		clear(buf.rows) // lets go of the keys
		buf = sortBuffer{rows: buf.rows[:0]}
	}
	err := rows(func(e countEntry) bool {
		buf.add(e)
		n++
		if buf.mem() > mem {
			flush()
		}
		if n%4096 == 0 {
			ctxErr = ctx.Err()
		}
		return ctxErr == nil && out.err == nil
	})
	if err = cmp.Or(err, ctxErr); err != nil {
		return nil, err
	}
	if len(buf.rows) > 0 || len(out.runs) == 0 {
		flush()
	}
	if out.err != nil {
		return nil, out.err
	}
	return &sortedRuns{set: out, order: order, rows: n, buf: readBuffer(len(out.runs), mem)}, nil
}

// A sortBuffer holds rows to sort, their keys in a countTable's arena.
type sortBuffer struct {
	keys countTable // its arena only
	rows []sortRow
}

type sortRow struct {
	key string // aliases keys' arena
	tally
}

func (b *sortBuffer) add(e countEntry) {
	ref := b.keys.store(unsafe.Slice(unsafe.StringData(e.key), len(e.key)))
	b.rows = append(b.rows, sortRow{b.keys.keyString(ref), *e.t})
}

func (b *sortBuffer) mem() int64 {
	return b.keys.mem + int64(cap(b.rows))*int64(unsafe.Sizeof(sortRow{}))
}

func (b *sortBuffer) sort(order func(a, b countEntry) int) {
	sortRows(b.rows, order)
}

func (b *sortBuffer) all(yield func(string, tally) bool) {
	for _, r := range b.rows {
		if !yield(r.key, r.tally) {
			return
		}
	}
}

// topPerGroup keeps the first top rows of each group of rows (sorted by
// group, then requests), sorts each group's by within, and writes them to
// out as one run.
func topPerGroup(rows *sortedRuns, groups keyOrder, top int, within func(a, b countEntry) int, out *spillSet) (*sortedRuns, error) {
	var group sortBuffer
	n := 0
	flushGroup := func() {
		sortRows(group.rows, within)
		out.writeRun(group.all)
		n += len(group.rows)
		clear(group.rows)
		group = sortBuffer{rows: group.rows[:0]}
	}
	err := rows.each(func(e countEntry) bool {
		if len(group.rows) > 0 && groups.compare(group.rows[0].key, e.key) != 0 {
			flushGroup()
		}
		if len(group.rows) < top {
			group.add(e)
		}
		return out.err == nil
	})
	if err != nil {
		return nil, err
	}
	if len(group.rows) > 0 {
		flushGroup()
	}
	if out.err != nil {
		return nil, out.err
	}
	// Each group is a run of its own, written in order one after another:
	// together they are one run of the rows in order.
	if len(out.runs) > 1 {
		first := out.runs[0]
		out.runs = []spillRun{{f: first.f, off: first.off, n: out.file.off - first.off}}
	}
	return &sortedRuns{set: out, order: nil, rows: n, buf: 64 << 10}, nil
}

func sortRows(rows []sortRow, order func(a, b countEntry) int) {
	slices.SortFunc(rows, func(a, b sortRow) int {
		return order(countEntry{a.key, &a.tally}, countEntry{b.key, &b.tally})
	})
}

// mergeRuns yields the rows of runs, each sorted by order, in order; with
// sum, rows of one key (bytewise order) are yielded as one, their counts
// added. A nil order yields the runs one after the other.
func mergeRuns(runs []spillRun, order func(a, b countEntry) int, sum bool, bufSize int) rowSeq {
	return func(yield func(countEntry) bool) error {
		if order == nil {
			for _, run := range runs {
				rr := newRunReader(run, bufSize)
				for {
					ok, err := rr.next()
					if err != nil || !ok {
						if err != nil {
							return err
						}
						break
					}
					if !yield(countEntry{unsafeString(rr.key), &rr.t}) {
						return nil
					}
				}
			}
			return nil
		}
		h := &runHeap{order: order}
		for _, run := range runs {
			rr := newRunReader(run, bufSize)
			ok, err := rr.next()
			if err != nil {
				return err
			}
			if ok {
				h.rs = append(h.rs, rr)
			}
		}
		heap.Init(h)
		var key []byte // the key being summed
		var t tally
		have := false
		for len(h.rs) > 0 {
			top := h.rs[0]
			switch {
			case !sum:
				if !yield(countEntry{unsafeString(top.key), &top.t}) {
					return nil
				}
			case have && string(key) == string(top.key):
				t.requests += top.t.requests
				t.bytes += top.t.bytes
			default:
				if have && !yield(countEntry{unsafeString(key), &t}) {
					return nil
				}
				key, t, have = append(key[:0], top.key...), top.t, true
			}
			ok, err := top.next()
			if err != nil {
				return err
			}
			if ok {
				heap.Fix(h, 0)
			} else {
				heap.Pop(h)
			}
		}
		if have {
			yield(countEntry{unsafeString(key), &t})
		}
		return nil
	}
}

// unsafeString is b as a string, valid while b is not written to.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// runHeap is the readers of a k-way merge, the next row first.
type runHeap struct {
	rs    []*runReader
	order func(a, b countEntry) int
}

func (h *runHeap) Len() int { return len(h.rs) }
func (h *runHeap) Less(i, j int) bool {
	a, b := h.rs[i], h.rs[j]
	return h.order(countEntry{unsafeString(a.key), &a.t}, countEntry{unsafeString(b.key), &b.t}) < 0
}
func (h *runHeap) Swap(i, j int) { h.rs[i], h.rs[j] = h.rs[j], h.rs[i] }
func (h *runHeap) Push(x any)    { h.rs = append(h.rs, x.(*runReader)) }
func (h *runHeap) Pop() any {
	x := h.rs[len(h.rs)-1]
	h.rs = h.rs[:len(h.rs)-1]
	return x
}
