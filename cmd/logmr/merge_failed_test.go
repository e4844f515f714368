package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeCutGzip writes text gzip-compressed, then cut to its first half: a
// truncated gzip file.
func writeCutGzip(t *testing.T, path string, text []byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(text)
	zw.Close()
	if err := os.WriteFile(path, b.Bytes()[:b.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
}

// failingCorpora are directories where some inputs cannot be read: a
// truncated gzip file, a link to nothing (a failure of listing, which
// shard 0 reports).
func failingCorpora(t *testing.T) []struct {
	name   string
	dir    string
	shards int
} {
	good, _ := generate(t, 3)
	text, err := os.ReadFile(filepath.Join(good, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Failures are reported largest input first: the larger cut file is
	// named last so that this order is not the names'.
	writeCutGzip(t, filepath.Join(good, "z-cut.gz"), text)
	writeCutGzip(t, filepath.Join(good, "a-cut.gz"), text[:len(text)/3])
	os.Symlink(filepath.Join(good, "no-such-target"), filepath.Join(good, "dangling.log"))

	alone := t.TempDir() // shard 1/2 holds only the cut file
	os.WriteFile(filepath.Join(alone, "access.log"), text, 0o644)
	writeCutGzip(t, filepath.Join(alone, "cut.gz"), text[:len(text)/4])

	none := t.TempDir() // nothing can be read: no answer, exit 1
	writeCutGzip(t, filepath.Join(none, "cut.gz"), text)
	os.Symlink(filepath.Join(none, "no-such-target"), filepath.Join(none, "dangling.log"))
	return []struct {
		name   string
		dir    string
		shards int
	}{{"mixed", good, 3}, {"a shard of failures only", alone, 2}, {"every input fails", none, 2}}
}

// Shards of a run where some inputs fail carry the failures in their
// partials, and merge answers as one run over every input does: the same
// stdout, the same failure lines on stderr, the same exit status, also as
// a tree (merge --partial, then merge). merge --fail-fast refuses with the
// first failure.
func TestMergeReportsFailedInputs(t *testing.T) {
	out := t.TempDir()
	for _, corpus := range failingCorpora(t) {
		for _, query := range [][]string{{"hosts"}, {"count", "--by", "host"}} {
			name := corpus.name + "/" + query[0]
			whole := run(t, nil, append(query, corpus.dir)...)
			if whole.code != 3 && whole.code != 1 || whole.stderr == "" {
				t.Fatalf("%s, one run: exit %d, stderr %q; want failures", name, whole.code, whole.stderr)
			}
			partials := shardPartials(t, out, query, corpus.dir, corpus.shards, nil)
			if merged := run(t, nil, append([]string{"merge"}, partials...)...); merged != whole {
				t.Errorf("%s, merged: exit %d, stderr %q, %d bytes; want the single run's exit %d, stderr %q, %d bytes",
					name, merged.code, merged.stderr, len(merged.stdout), whole.code, whole.stderr, len(whole.stdout))
			}
			half := filepath.Join(out, "half.partial")
			r := run(t, nil, append([]string{"merge", "--partial", "-o", half}, partials[:corpus.shards-1]...)...)
			if r.code != 0 && r.code != 3 {
				t.Fatalf("%s, merge --partial: exit %d: %s", name, r.code, r.stderr)
			}
			if tree := run(t, nil, "merge", half, partials[corpus.shards-1]); tree != whole {
				t.Errorf("%s, merged as a tree: exit %d, stderr %q; want the single run's exit %d, stderr %q",
					name, tree.code, tree.stderr, whole.code, whole.stderr)
			}
			target := filepath.Join(out, "result")
			ff := run(t, nil, append([]string{"merge", "--fail-fast", "-o", target}, partials...)...)
			first, _, _ := strings.Cut(whole.stderr, "\n")
			if _, err := os.Stat(target); ff.code != 1 || ff.stdout != "" || ff.stderr != first+"\n" || err == nil {
				t.Errorf("%s, merge --fail-fast: exit %d, stderr %q, wrote %s: %v; want exit 1, only %q, nothing written",
					name, ff.code, ff.stderr, target, err == nil, first)
			}
		}
	}
}

// shardPartials runs query --partial on each shard of dir and returns the
// partials' paths; each shard exits 0, or 3 naming its failed inputs.
func shardPartials(t *testing.T, out string, query []string, dir string, n int, extra []string) []string {
	t.Helper()
	var partials []string
	for i := range n {
		p := filepath.Join(out, query[0]+"-"+strconv.Itoa(i)+"-of-"+strconv.Itoa(n)+".partial")
		os.Remove(p)
		args := append(append(append(query, extra...), "--partial", "--shard", strconv.Itoa(i)+"/"+strconv.Itoa(n), "-o", p), dir)
		r := run(t, nil, args...)
		if _, err := os.Stat(p); r.code != 0 && r.code != 3 || err != nil {
			t.Fatalf("%q: exit %d, stderr %q, partial written: %v", args, r.code, r.stderr, err == nil)
		}
		partials = append(partials, p)
	}
	return partials
}

// With --fail-fast a shard that meets a failing input exits 1 and writes
// no partial; the others write theirs.
func TestPartialFailFast(t *testing.T) {
	dir := failingCorpora(t)[0].dir
	out := t.TempDir()
	for i := range 3 {
		shard := strconv.Itoa(i) + "/3"
		p := filepath.Join(out, "p"+strconv.Itoa(i))
		normal := run(t, nil, "count", "--by", "host", "--partial", "--shard", shard, "-o", p, dir)
		os.Remove(p)
		ff := run(t, nil, "count", "--by", "host", "--partial", "--fail-fast", "--shard", shard, "-o", p, dir)
		_, err := os.Stat(p)
		switch {
		case normal.code == 3 && (ff.code != 1 || err == nil || strings.Count(ff.stderr, "\n") != 1):
			t.Errorf("shard %s --fail-fast: exit %d, stderr %q, partial written: %v; want exit 1, one line, no partial", shard, ff.code, ff.stderr, err == nil)
		case normal.code == 0 && (ff.code != 0 || err != nil):
			t.Errorf("shard %s --fail-fast: exit %d, stderr %q; want exit 0 as without it", shard, ff.code, ff.stderr)
		case normal.code != 0 && normal.code != 3:
			t.Errorf("shard %s: exit %d: %s", shard, normal.code, normal.stderr)
		}
	}
}

// With --cache, a failed input is not cached as a success: a second run
// of the shards, from the cache, still reports it, and merges as the
// single run does.
func TestPartialCacheKeepsFailures(t *testing.T) {
	dir := failingCorpora(t)[0].dir
	out, cache := t.TempDir(), t.TempDir()
	query := []string{"count", "--by", "host"}
	whole := run(t, nil, append(query, dir)...)
	for pass := range 2 {
		partials := shardPartials(t, out, query, dir, 3, []string{"--cache", cache})
		if merged := run(t, nil, append([]string{"merge"}, partials...)...); merged != whole {
			t.Errorf("pass %d with --cache, merged: exit %d, stderr %q; want the single run's exit %d, stderr %q",
				pass, merged.code, merged.stderr, whole.code, whole.stderr)
		}
		if again := run(t, nil, append(append(query, "--cache", cache), dir)...); again != whole {
			t.Errorf("pass %d, one run with --cache: exit %d, stderr %q; want exit %d, stderr %q",
				pass, again.code, again.stderr, whole.code, whole.stderr)
		}
	}
}
