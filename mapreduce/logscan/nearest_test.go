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

// An IIS log just started holds its header alone: it is read, with no
// record, whether its format is detected or given.
func TestW3CHeaderOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u_ex240116.log")
	header := "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2024-01-16 00:00:00\r\n" +
		"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n"
	if err := os.WriteFile(path, []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []*logparse.Format{nil, logparse.W3C} {
		res, err := testHosts(context.Background(), []string{path}, ScanOptions{Format: format})
		if err != nil || res.Stats.Inputs != 1 || res.Stats.Lines != 4 || res.Stats.Matched != 0 || res.Stats.Malformed != 0 {
			t.Errorf("testHosts(header only, format %v) = %+v, %v; want 4 lines read, none a record", format, res, err)
		}
	}
}
