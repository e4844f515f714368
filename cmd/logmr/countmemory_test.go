package main

import (
	"os"
	"strings"
	"testing"
)

// --memory small enough that every count spills gives the same output as a
// count in memory, for each order; the temporary directory is left empty.
// A size that is not one is a usage error.
func TestCountMemorySpills(t *testing.T) {
	dir, _ := generate(t, 2)
	tmp := t.TempDir()
	for _, args := range [][]string{
		{"--by", "host"},
		{"--by", "host,status", "--sort", "key"},
		{"--by", "path,status", "--top", "5", "--per", "status"},
		{"--by", "hour,status", "--top", "3", "--sort", "bytes"},
	} {
		base := append([]string{"count", "-q", "-O", "csv"}, args...)
		want := run(t, nil, append(base, dir)...)
		got := runEnv(t, []string{"TMPDIR=" + tmp}, append(base, "--memory", "4K", dir)...)
		if got.code != 0 || got.stdout != want.stdout || want.code != 0 {
			t.Errorf("count %v --memory 4K: exit %d, %d bytes (%s); want exit 0, %d bytes",
				args, got.code, len(got.stdout), got.stderr, len(want.stdout))
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left in %s", len(left), tmp)
	}
	if r := run(t, nil, "count", "--by", "host", "--memory", "1.5G", dir); r.code != 2 || !strings.Contains(r.stderr, "--memory") {
		t.Errorf("--memory 1.5G: exit %d, %q; want a usage error (2) naming --memory", r.code, r.stderr)
	}
}
