package logscan

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logmr/logmr/logparse/filter"
	logcache "github.com/logmr/logmr/mapreduce/cache"
)

// An input an embedder opens (Input.Open) is read with a cache and a
// child decompressor configured, and neither applies: no file to key an
// entry by or to read twice. Open is called once per run.
func TestOpenSourceNeverCachedOrNative(t *testing.T) {
	data, err := os.ReadFile("../../testdata/logs/access.log.2.gz")
	if err != nil {
		t.Fatal(err)
	}
	c, err := logcache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opens := 0
	in := Input{Path: "mem:access.log.2.gz", Size: 1 << 30, Open: func(context.Context) (io.ReadCloser, error) {
		opens++
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
	opts := ScanOptions{Cache: c, Decompressor: Decompressor{Command: []string{"false"}}}
	for run := range 2 {
		set, st, err := ScanInputs(context.Background(), []Input{in}, nil, newTestHostSet, opts)
		if err != nil || len(set) == 0 || st.Inputs != 1 {
			t.Fatalf("run %d: %d hosts, %d inputs, %v; want the hosts of one input", run+1, len(set), st.Inputs, err)
		}
		f := st.Files[0]
		if f.FromCache || f.Inflater != inProcessInflater() || st.Cache.Stored != 0 {
			t.Errorf("run %d: from the cache %v, inflated by %q, %d entries stored; want a fresh read in this process, nothing stored", run+1, f.FromCache, f.Inflater, st.Cache.Stored)
		}
	}
	if opens != 2 {
		t.Errorf("Open called %d times in 2 runs, want 2", opens)
	}
}

// A filter that cannot be used is refused before anything is done: no
// directory walked, no cache query directory left behind (found in
// review).
func TestBadFilterRefusedFirst(t *testing.T) {
	dir := t.TempDir()
	c, err := logcache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	list := func() []string {
		var names []string
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error { names = append(names, p); return nil })
		return names
	}
	before := list()
	_, _, err = ScanLogs(context.Background(), []string{"../../testdata/logs"}, newTestHostSet,
		ScanOptions{Cache: c, Filter: filter.Filter{Statuses: []string{"6xx"}}})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("ScanLogs with --status 6xx: %v, want ErrInvalidOptions", err)
	}
	if after := list(); !slices.Equal(before, after) {
		t.Errorf("the cache directory changed: %q, was %q", after, before)
	}
}
