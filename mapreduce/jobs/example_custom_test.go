package jobs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// vhostStatus is an embedder's own aggregate: requests per virtual host
// and status. With the codec of logscan.PartialCodec it can be cached and
// written as a partial-result file like the built-in ones.
type vhostStatus map[string]int64 // "vhost status" -> requests

func newVhostStatus() vhostStatus { return vhostStatus{} }

func (v vhostStatus) Add(rec *logparse.Record) {
	v[fmt.Sprintf("%s %d", rec.VHost, rec.Status)]++ // a real one would avoid the allocation
}

func (v vhostStatus) Merge(other vhostStatus) {
	for k, n := range other {
		v[k] += n
	}
}

func (v vhostStatus) PartialKind() string { return "vhost-status v1" }

// AppendPartial writes the keys sorted, each with its count.
func (v vhostStatus) AppendPartial(dst []byte) ([]byte, bool) {
	for _, k := range slices.Sorted(maps.Keys(v)) {
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = append(dst, k...)
		dst = binary.AppendUvarint(dst, uint64(v[k]))
	}
	return dst, true
}

func (v vhostStatus) ReadPartial(data []byte) error {
	for len(data) > 0 {
		n, w := binary.Uvarint(data)
		if w <= 0 || n > uint64(len(data)-w) {
			return errors.New("bad vhost-status partial")
		}
		key := string(data[w : w+int(n)])
		data = data[w+int(n):]
		count, w := binary.Uvarint(data)
		if w <= 0 {
			return errors.New("bad vhost-status partial")
		}
		data = data[w:]
		v[key] += int64(count)
	}
	return nil
}

func (v vhostStatus) print() {
	for _, k := range slices.Sorted(maps.Keys(v)) {
		fmt.Printf("  %s: %d\n", k, v[k])
	}
}

// An embedder's own aggregate, run twice with a cache (the second run is
// answered from it), then as two shards whose partial-result files a merge
// combines.
func Example_customAggregate() {
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)
	const line = "%s:80 192.0.2.%d - - [06/May/2019:06:28:2%d +0000] \"GET / HTTP/1.1\" %d 577 \"-\" \"agent\"\n"
	var a, b bytes.Buffer
	for i := range 4 {
		fmt.Fprintf(&a, line, "www.example.org", i, i, []int{200, 301}[i%2])
		fmt.Fprintf(&b, line, []string{"www.example.org", "shop.example.org"}[i%2], i, i, 200)
	}
	os.WriteFile(filepath.Join(dir, "a.log"), a.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "b.log"), b.Bytes(), 0o644)
	ctx := context.Background()

	store, _ := cache.Open(filepath.Join(dir, "cache"))
	for run := 1; run <= 2; run++ {
		counts, st, err := logscan.ScanLogs(ctx, []string{dir + "/a.log", dir + "/b.log"}, newVhostStatus, logscan.ScanOptions{Cache: store})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("run %d: %d lines, cache hits %d, misses %d\n", run, st.Lines, st.Cache.Hits, st.Cache.Misses)
		counts.print()
	}

	// Two shards, as two machines would write them, read back and merged.
	jobs.RegisterKind("vhost-status", func(*jobs.PartialHeader) (vhostStatus, error) { return newVhostStatus(), nil })
	var parts []*jobs.Partial
	for i := range 2 {
		opts := logscan.ScanOptions{Selection: logscan.Selection{Shard: logscan.Shard{Index: i, Count: 2}}}
		p, _, err := jobs.ScanPartial(ctx, []string{dir + "/a.log", dir + "/b.log"}, "vhost-status", newVhostStatus, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		var file bytes.Buffer
		p.WriteTo(&file)
		back, err := jobs.ReadPartial(&file, fmt.Sprintf("shard-%d.partial", i))
		if err != nil {
			fmt.Println(err)
			return
		}
		parts = append(parts, back)
	}
	merged, err := jobs.MergePartials(parts, []string{"shard-0.partial", "shard-1.partial"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("merged shards %v: %d lines\n", merged.Header.Shards, merged.Stats().Lines)
	merged.Aggregate().(vhostStatus).print()
	// Output:
	// run 1: 8 lines, cache hits 0, misses 2
	//   shop.example.org 200: 2
	//   www.example.org 200: 4
	//   www.example.org 301: 2
	// run 2: 8 lines, cache hits 2, misses 0
	//   shop.example.org 200: 2
	//   www.example.org 200: 4
	//   www.example.org 301: 2
	// merged shards [0 1]: 8 lines
	//   shop.example.org 200: 2
	//   www.example.org 200: 4
	//   www.example.org 301: 2
}
