package cache

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// An entry decodes to what was encoded, with or without a time range or
// a partial; its query must match.
func TestEntryRoundTrip(t *testing.T) {
	q := &Query{id: [32]byte{1}}
	e := &Entry{Dev: 3, Ino: 1 << 40, Size: 12345, Mtime: -time.Now().UnixNano(), HasMtime: true, Sample: [32]byte{9},
		Resumable: true, Path: "/var/log/a", Format: "combined", Stats: []byte("stats"), Partial: []byte("\x01\x02ab")}
	for _, times := range []*Times{{First: 1764543600, Last: 1764629999}, {None: true}, nil} {
		e := *e
		e.Times, e.NoPartial = times, times != nil && times.None
		got, err := q.decode(q.encode(&e))
		if err != nil {
			t.Fatal(err)
		}
		gotTimes := got.Times
		got.Times, e.Times = nil, nil
		if g, w := fmt.Sprintf("%+v %+v", *got, gotTimes), fmt.Sprintf("%+v %+v", e, times); g != w {
			t.Errorf("round trip:\n got %s\nwant %s", g, w)
		}
	}
	data := q.encode(e)
	if _, err := (&Query{id: [32]byte{2}}).decode(data); err == nil {
		t.Error("an entry of another query decoded")
	}
	for i := range data {
		if _, err := q.decode(data[:i]); err == nil {
			t.Fatalf("entry cut at %d of %d bytes decoded", i, len(data))
		}
	}
}

// Without a scan: an entry stored for a file is loaded back while the file
// is there, and pruned once it is gone; the directory is tagged.
func TestStoreLoadPrune(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(filepath.Join(dir, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	if !IsCacheDir(c.Dir()) {
		t.Errorf("IsCacheDir(%s) = false, want true", c.Dir())
	}
	q, err := c.Query("some query\n")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "a.log")
	os.WriteFile(log, []byte("line\n"), 0o644)
	f, _ := os.Open(log)
	defer f.Close()
	info, _ := f.Stat()
	id, ok := Identify(info)
	if !ok {
		t.Fatal("a regular file has no identity")
	}
	if e, err := q.Load(id); e != nil || err != nil {
		t.Fatalf("Load before Store = %v, %v; want nil, nil", e, err)
	}
	sum, err := SampleHash(f, id.Size)
	if err != nil {
		t.Fatal(err)
	}
	e := &Entry{Dev: id.Dev, Ino: id.Ino, Size: id.Size, Mtime: id.Mtime, HasMtime: true, Sample: sum, Path: log, Stats: []byte{1}, Partial: []byte{2}}
	if err := q.Store(e); err != nil {
		t.Fatal(err)
	}
	got, err := q.Load(id)
	if err != nil || got == nil || got.Sample != sum || string(got.Partial) != "\x02" {
		t.Fatalf("Load after Store = %+v, %v; want the entry", got, err)
	}
	if ps, err := c.Prune(context.Background(), PruneOptions{}); err != nil || ps.Kept != 1 || ps.Removed != 0 {
		t.Errorf("Prune with the file there = %+v, %v; want 1 kept", ps, err)
	}
	os.Remove(log)
	if ps, err := c.Prune(context.Background(), PruneOptions{}); err != nil || ps.Kept != 0 || ps.Removed != 1 {
		t.Errorf("Prune with the file gone = %+v, %v; want 1 removed", ps, err)
	}
}

// FuzzCacheDecode: no bytes make decoding an entry panic.
func FuzzCacheDecode(f *testing.F) {
	q := &Query{id: [32]byte{1}}
	hostsPartial := []byte("\x02\x09192.0.2.1\x0bexample.org") // two hosts, as jobs.HostSet encodes them
	f.Add(q.encode(&Entry{Path: "/x", Stats: []byte{0, 0, 0, 0}, Partial: hostsPartial}))
	f.Add(hostsPartial)
	f.Add(q.encode(&Entry{Path: "/y", Stats: []byte{0, 0, 0, 0}, NoPartial: true, Times: &Times{First: 1764543600, Last: 1764629999}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		q.decode(data)
	})
}
