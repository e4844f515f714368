package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// randomKeys returns n keys, some repeated, among them the empty key, long
// keys, keys longer than an arena chunk and binary keys.
func randomKeys(r *rand.Rand, n int) [][]byte {
	keys := [][]byte{{}, bytes.Repeat([]byte{0}, 3), bytes.Repeat([]byte("x"), maxArenaChunk+7)}
	for len(keys) < n {
		var k []byte
		switch r.IntN(4) {
		case 0:
			k = slices.Clone(keys[r.IntN(len(keys))]) // a repeat
		case 1:
			k = make([]byte, r.IntN(3000))
			for i := range k {
				k[i] = byte(r.Uint32())
			}
		default:
			k = fmt.Appendf(nil, "\x02/p%d\x00\x01", r.IntN(n))
		}
		keys = append(keys, k)
	}
	return keys
}

// A countTable counts as a map does: same keys, same tallies, across
// index growth, a dropped and rebuilt index, and a drain into another.
func TestCountTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := randomKeys(r, 20000)
	var a, b countTable
	want := map[string]tally{}
	for i, k := range keys {
		tb := &a
		if i%3 == 0 {
			tb = &b
		}
		tl := tb.add(k)
		tl.requests++
		tl.bytes += int64(i)
		w := want[string(k)]
		w.requests++
		w.bytes += int64(i)
		want[string(k)] = w
		if i == len(keys)/2 {
			a.dropIndex()
		}
	}
	b.drain(&a, func(k []byte, o tally) {
		tl := a.add(k)
		tl.requests += o.requests
		tl.bytes += o.bytes
	})
	if b.Len() != 0 {
		t.Errorf("drained table has %d keys, want 0", b.Len())
	}
	got := map[string]tally{}
	for _, e := range entries(&a) {
		if _, dup := got[e.key]; dup {
			t.Fatalf("key %q twice", e.key)
		}
		got[e.key] = *e.t
	}
	if len(got) != len(want) || a.Len() != len(want) {
		t.Fatalf("%d keys (Len %d), want %d", len(got), a.Len(), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("tally of %q = %v, want %v", k[:min(len(k), 20)], got[k], w)
		}
	}
}

// Keys that all collide in a tiny index (same top hash bits) are still
// told apart.
func TestCountTableCollisions(t *testing.T) {
	var tb countTable
	tb.reserve(1) // 16 slots
	for i := range 12 {
		tb.add([]byte{byte(i)}).requests += int64(i + 1)
	}
	for i := range 12 {
		if got := tb.add([]byte{byte(i)}).requests; got != int64(i+1) {
			t.Errorf("key %d: requests %d, want %d", i, got, i+1)
		}
	}
	if tb.Len() != 12 {
		t.Errorf("Len = %d, want 12", tb.Len())
	}
}

// Counts that spill, through a tiny budget, into many runs give the same
// rows as the in-memory count, for every order, top and per, for any
// number of workers; no temporary file is left.
func TestCountSpillsMatchInMemory(t *testing.T) {
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 3, BytesPerFile: 1 << 19, Seed: 5, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	by := []CountField{ByHost, ByStatus, ByHour}
	orders := []CountOrder{{}, {Sort: SortRequests}, {Sort: SortBytes}, {Sort: SortKey},
		{Top: 7}, {Top: 7, Sort: SortKey}, {Top: 3, Per: []CountField{ByStatus}},
		{Top: 2, Per: []CountField{ByHour}, Sort: SortBytes}, {Top: 100000, Per: []CountField{ByStatus, ByHour}}}
	for _, o := range orders {
		co := CountOptions{By: by, Top: o.Top, Per: o.Per, Sort: o.Sort}
		want, err := Count(context.Background(), []string{dir}, co, logscan.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			co.SpillKeys = 40
			res, err := Count(context.Background(), []string{dir}, co, logscan.ScanOptions{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if res.runs == nil {
				t.Fatalf("%+v: no spill", o)
			}
			if got := res.Rows(); res.Err() != nil || res.Len() != want.Len() || !slices.EqualFunc(got, want.Rows(), rowEqual) {
				t.Errorf("%+v -j %d spilled: %d rows (Len %d, err %v), want %d", o, workers, len(got), res.Len(), res.Err(), want.Len())
			}
			res.Close()
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}

// A temporary directory that fills up fails the count with an error that
// names it; no rows come back and nothing is left in it.
func TestCountSpillDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	tmp := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", tmp).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", tmp).Run() })
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 2, BytesPerFile: 1 << 20, Seed: 9, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	res, err := Count(context.Background(), []string{dir}, CountOptions{By: []CountField{ByHost, ByPath}, SpillKeys: 100}, logscan.ScanOptions{})
	if err == nil || res != nil {
		t.Fatalf("Count on a full disk = %v rows, %v; want an error", res, err)
	}
	if !strings.Contains(err.Error(), tmp) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error %q does not name %s or say the disk is full", err, tmp)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}

// A cancelled count that has spilled returns the context's error and
// leaves no temporary file.
func TestCountSpillCancelled(t *testing.T) {
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 2, BytesPerFile: 1 << 19, Seed: 3, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Count(ctx, []string{dir}, CountOptions{By: []CountField{ByHost, ByPath}, SpillKeys: 10}, logscan.ScanOptions{})
	if err == nil {
		t.Fatalf("cancelled Count = %d rows, no error", res.Len())
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}

// benchKeys are n keys as appendKey writes an IPv4 host.
func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "\x02\x00\xff%c%c%c\x00\x01", byte(10+i>>16), byte(i>>8), byte(i))
	}
	return keys
}

// Adding 1M distinct keys, then each once more: the table against the map
// it replaced.
func BenchmarkCountTableAdd(b *testing.B) {
	keys := benchKeys(1 << 20)
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(keys) * len(keys[0]))) // key bytes added
	for b.Loop() {
		var t countTable
		for range 2 {
			for _, k := range keys {
				t.add(k).requests++
			}
		}
	}
}

func BenchmarkCountMapAdd(b *testing.B) {
	keys := benchKeys(1 << 20)
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(keys) * len(keys[0]))) // key bytes added
	for b.Loop() {
		m := map[string]*tally{}
		for range 2 {
			for _, k := range keys {
				t := m[string(k)]
				if t == nil {
					t = &tally{}
					m[string(k)] = t
				}
				t.requests++
			}
		}
	}
}
