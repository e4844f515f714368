package logscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce"
)

// A file none of whose first lines is in a format Detect knows fails with
// the nearest format, the first line and why it does not parse there.
func TestNotAccessLogNearest(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, text, want string }{
		{"bad time", `192.0.2.1 - - [10/Oct/2000:25:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "x"` + "\n",
			`nearest is combined, line 1: time: not [dd/Mon/yyyy:HH:MM:SS +hhmm]: "192.0.2.1 - - [10/Oct`},
		{"application json", strings.Repeat(`{"level":"info","msg":"started","status":"ok"}`+"\n", 3),
			`nearest is json, line 1: status: not a number from 0 to 999`},
		{"w3c without fields", "#Software: Microsoft Internet Information Services 10.0\n2024-01-15 08:00:01 GET /\n",
			`nearest is w3c, line 2: line: no #Fields directive before it`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".log")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := testHosts(context.Background(), []string{path}, ScanOptions{})
			var failed *mapreduce.FailedInputs
			if !errors.As(err, &failed) || !errors.Is(err, logparse.ErrNotAccessLog) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("testHosts(%s) = %v, want not an access log, %s", tc.name, err, tc.want)
			}
		})
	}
}
