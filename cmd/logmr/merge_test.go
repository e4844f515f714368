package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Map on every shard with --partial, then merge: the same bytes as one
// run over every input, for hosts and count, for 1 to 13 shards (13 is
// more shards than files: some are empty).
func TestShardsMergeEqualsOneRun(t *testing.T) {
	dir, _ := generate(t, 9)
	out := t.TempDir()
	for _, query := range [][]string{
		{"hosts", "--path", "/robots.txt"},
		{"count", "--by", "host"},
	} {
		whole := run(t, nil, append(query, dir)...)
		if whole.code != 0 {
			t.Fatalf("%q: exit %d: %s", query, whole.code, whole.stderr)
		}
		for _, n := range []int{1, 2, 3, 7, 13} {
			var partials []string
			for i := range n {
				p := filepath.Join(out, query[0]+"-"+strconv.Itoa(n)+"-"+strconv.Itoa(i)+".partial")
				r := run(t, nil, append(query, "--partial", "--shard", strconv.Itoa(i)+"/"+strconv.Itoa(n), "-o", p, dir)...)
				if r.code != 0 || r.stdout != "" {
					t.Fatalf("%q shard %d/%d: exit %d, stdout %q, stderr %s", query, i, n, r.code, r.stdout, r.stderr)
				}
				partials = append(partials, p)
			}
			merged := run(t, nil, append([]string{"merge"}, partials...)...)
			if merged.code != 0 || merged.stdout != whole.stdout {
				t.Errorf("%q over %d shards, merged: exit %d, %d bytes (stderr %q); want the single run's %d bytes",
					query, n, merged.code, len(merged.stdout), merged.stderr, len(whole.stdout))
			}
			// A tree: the first half merged into one partial, then with the rest.
			if n >= 3 {
				half := filepath.Join(out, "half.partial")
				if r := run(t, nil, append([]string{"merge", "--partial", "-o", half}, partials[:n/2]...)...); r.code != 0 {
					t.Fatalf("merge --partial: exit %d: %s", r.code, r.stderr)
				}
				tree := run(t, nil, append([]string{"merge", half}, partials[n/2:]...)...)
				if tree.stdout != whole.stdout {
					t.Errorf("%q over %d shards merged as a tree differs from the single run", query, n)
				}
			}
		}
	}
}

// merge refuses, with a one-line reason naming the files, a missing
// shard, a duplicate shard, mixed queries, a truncated partial and a
// partial of a later format version; it writes nothing then.
func TestMergeRefuses(t *testing.T) {
	dir, _ := generate(t, 4)
	out := t.TempDir()
	partial := func(name string, args ...string) string {
		t.Helper()
		p := filepath.Join(out, name)
		if r := run(t, nil, append(append(args, "--partial", "-o", p), dir)...); r.code != 0 {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		return p
	}
	s0 := partial("s0", "hosts", "--shard", "0/3")
	s1 := partial("s1", "hosts", "--shard", "1/3")
	s2 := partial("s2", "hosts", "--shard", "2/3")
	other := partial("other", "hosts", "--path", "/robots.txt", "--shard", "2/3")
	data, _ := os.ReadFile(s2)
	truncated := filepath.Join(out, "truncated")
	os.WriteFile(truncated, data[:len(data)*2/3], 0o644)
	future := filepath.Join(out, "future")
	os.WriteFile(future, rewriteVersion(t, data, 3), 0o644)
	older := filepath.Join(out, "older")
	os.WriteFile(older, rewriteVersion(t, data, 1), 0o644)
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{s0, s1}, "shard(s) 2 of 3 missing"},
		{[]string{s0, s1, s2, s1}, "shard 1/3 is in both"},
		{[]string{s0, s1, other}, "are partials of different queries (path against path \"/robots.txt\")"},
		{[]string{s0, s1, truncated}, "truncated: not a partial-result file logmr can read"},
		{[]string{s0, s1, future}, "future: not a partial-result file logmr can read: format version 3; this logmr reads version 2"},
		{[]string{s0, s1, older}, "older: not a partial-result file logmr can read: format version 1, written by an older logmr: re-run that shard"},
	} {
		target := filepath.Join(out, "result.txt")
		r := run(t, nil, append([]string{"merge", "-o", target}, tc.files...)...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 1 || len(lines) != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("merge %v: exit %d, stderr %q; want exit 1 and one line saying %q", tc.files, r.code, r.stderr, tc.want)
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("merge %v wrote %s despite refusing", tc.files, target)
		}
	}
	if r := run(t, nil, "hosts", "--partial", "-O", "json", dir); r.code != 2 {
		t.Errorf("--partial -O json: exit %d, want 2", r.code)
	}
}

// rewriteVersion returns a partial file with its header's version replaced.
func rewriteVersion(t *testing.T, data []byte, version int) []byte {
	t.Helper()
	return editPartial(t, data, func(plain []byte) []byte {
		return regexp.MustCompile(`"version":[0-9]+,`).ReplaceAll(plain, []byte(`"version":`+strconv.Itoa(version)+`,`))
	})
}

// editPartial returns a partial file decompressed, changed by edit and
// compressed again, as someone with gunzip and an editor would.
func editPartial(t *testing.T, data []byte, edit func(plain []byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	edited := edit(bytes.Clone(plain))
	if bytes.Equal(edited, plain) {
		t.Fatal("the edit changed nothing")
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(edited)
	zw.Close()
	return b.Bytes()
}

// A partial edited after it was written (a count in its header or a byte
// of its result changed, then compressed again) is refused by merge with
// one line naming it; the untouched partials merge.
func TestMergeRefusesEditedPartial(t *testing.T) {
	dir, _ := generate(t, 3)
	out := t.TempDir()
	var partials []string
	for i := range 2 {
		p := filepath.Join(out, "s"+strconv.Itoa(i))
		if r := run(t, nil, "count", "--by", "host", "--partial", "--shard", strconv.Itoa(i)+"/2", "-o", p, dir); r.code != 0 {
			t.Fatalf("count --partial: exit %d: %s", r.code, r.stderr)
		}
		partials = append(partials, p)
	}
	whole := run(t, nil, "count", "--by", "host", dir)
	if r := run(t, nil, append([]string{"merge"}, partials...)...); r.code != 0 || r.stdout != whole.stdout {
		t.Fatalf("untouched partials: exit %d, stderr %q; want exit 0 and the single run's answer", r.code, r.stderr)
	}
	data, _ := os.ReadFile(partials[1])
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"lines", func(b []byte) []byte {
			return regexp.MustCompile(`"lines":([0-9])`).ReplaceAll(b, []byte(`"lines":1$1`))
		}},
		{"payload", func(b []byte) []byte {
			// The last byte before the end line is a count's or a size's.
			end := bytes.LastIndex(b, []byte("end"))
			b[end-1] ^= 1
			return b
		}},
	} {
		edited := filepath.Join(out, "edited-"+tc.name)
		os.WriteFile(edited, editPartial(t, data, tc.edit), 0o644)
		r := run(t, nil, "merge", partials[0], edited)
		want := "logmr: merge: " + edited + ": checksum mismatch: the partial was changed after it was written\n"
		if r.code != 1 || r.stdout != "" || r.stderr != want {
			t.Errorf("merge of a partial with its %s edited: exit %d, stdout %d bytes, stderr %q; want exit 1 and %q",
				tc.name, r.code, len(r.stdout), r.stderr, want)
		}
	}
}
