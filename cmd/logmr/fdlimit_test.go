package main

import (
	"bytes"
	"os/exec"
	"slices"
	"testing"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// TestJobsAboveOpenFileLimit: -j 500 under an open-file limit of 64 reads
// every one of 100 gzip files, plain and through an --input-filter, with
// the answer of -j 2 without the limit: logmr reads fewer inputs at once
// rather than failing some with "too many open files".
func TestJobsAboveOpenFileLimit(t *testing.T) {
	needShellTools(t, "gzip")
	dir := t.TempDir()
	if _, err := loggen.Generate(loggen.Config{Dir: dir, Files: 100, BytesPerFile: 64 << 10, Seed: 3, GzipLevel: 1}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"count", []string{"count", "--by", "status"}},
		{"count through a filter", []string{"count", "--by", "status", "--input-filter", "gzip -dcf"}},
		{"parse through a filter", []string{"parse", "--input-filter", "gzip -dcf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := run(t, nil, append(slices.Clone(tc.args), "-j", "2", dir)...)
			if want.code != 0 {
				t.Fatalf("logmr %q -j 2: exit %d, stderr %q", tc.args, want.code, want.stderr)
			}
			// The shell lowers the soft and hard limits: Go raises the
			// soft limit to the hard one at startup.
			args := append([]string{"-c", `ulimit -n 64 && exec "$0" "$@"`, logmr}, tc.args...)
			cmd := exec.Command("sh", append(args, "-j", "500", dir)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if err != nil || stderr.Len() != 0 {
				t.Fatalf("ulimit -n 64; logmr %q -j 500: %v, stderr %.300q; want exit 0 and nothing", tc.args, err, stderr.String())
			}
			if stdout.String() != want.stdout {
				t.Errorf("ulimit -n 64; logmr %q -j 500 printed %d bytes, want the %d of -j 2", tc.args, stdout.Len(), len(want.stdout))
			}
		})
	}
}
