package logscan

import (
	"fmt"
	"testing"
	"time"
)

// An entry decodes to what was encoded; its query must match.
func TestCacheEntryRoundTrip(t *testing.T) {
	q := &cacheQuery{id: [32]byte{1}}
	e := &cacheEntry{dev: 3, ino: 1 << 40, size: 12345, mtime: -time.Now().UnixNano(), hasMtime: true, sample: [32]byte{9},
		resumable: true, path: "/var/log/a", format: "combined", partial: []byte("\x01\x02ab")}
	e.stats.Lines, e.stats.Matched, e.stats.Malformed, e.stats.Bytes = 10, 7, 1, 999
	e.stats.rejected[0] = 2 // the status stage
	data := q.encode(e)
	got, err := q.decode(data, "a")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", *e) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *got, *e)
	}
	if _, err := (&cacheQuery{id: [32]byte{2}}).decode(data, "a"); err == nil {
		t.Error("an entry of another query decoded")
	}
	for i := range data {
		if _, err := q.decode(data[:i], "a"); err == nil {
			t.Fatalf("entry cut at %d of %d bytes decoded", i, len(data))
		}
	}
}

// FuzzCacheDecode: no bytes make decoding an entry panic.
func FuzzCacheDecode(f *testing.F) {
	q := &cacheQuery{id: [32]byte{1}}
	hostsPartial := []byte("\x02\x09192.0.2.1\x0bexample.org") // two hosts, as jobs.HostSet encodes them
	f.Add(q.encode(&cacheEntry{path: "/x", partial: hostsPartial}))
	f.Add(hostsPartial)
	f.Fuzz(func(t *testing.T, data []byte) {
		q.decode(data, "x")
	})
}
