package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// formulaLog holds text cells a spreadsheet would run as formulas: a host
// name, a user, a referer and user agents.
const formulaLog = `=1+1 - - [22/Nov/2026:06:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "=HYPERLINK(1)"
192.0.2.1 - @u [22/Nov/2026:06:00:00 +0000] "GET /b HTTP/1.1" 404 7 "+x" "-y"
`

// TestCSVSafe: CSV and TSV cells are the exact data by default; with
// --csv-safe every command that writes CSV prefixes ' to the text cells
// that start a formula, and to nothing else (numbers, times, other text).
func TestCSVSafe(t *testing.T) {
	dir := t.TempDir()
	log, partial := filepath.Join(dir, "formula.log"), filepath.Join(dir, "count.partial")
	if err := os.WriteFile(log, []byte(formulaLog), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runInProcess(nil, "count", "--by", "user_agent,status", "--partial", "-o", partial, log); got.code != 0 {
		t.Fatalf("count --partial: exit %d, stderr %q", got.code, got.stderr)
	}
	hosts := "host\n192.0.2.1\n=1+1\n"
	hostsSafe := "host\n192.0.2.1\n'=1+1\n"
	count := "user_agent,status,requests,bytes\n-y,404,1,7\n=HYPERLINK(1),200,1,5\n"
	countSafe := "user_agent,status,requests,bytes\n'-y,404,1,7\n'=HYPERLINK(1),200,1,5\n"
	countTSVSafe := "user_agent\tstatus\trequests\tbytes\n'-y\t404\t1\t7\n'=HYPERLINK(1)\t200\t1\t5\n"
	parse := "host,user,status,bytes,referer,user_agent\n=1+1,,200,5,,=HYPERLINK(1)\n192.0.2.1,@u,404,7,+x,-y\n"
	parseSafe := "host,user,status,bytes,referer,user_agent\n'=1+1,,200,5,,'=HYPERLINK(1)\n192.0.2.1,'@u,404,7,'+x,'-y\n"
	parseFormat := `--format=%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"hosts exact", []string{"hosts", "-O", "csv", log}, hosts},
		{"hosts safe", []string{"hosts", "-O", "csv", "--csv-safe", log}, hostsSafe},
		{"hosts tsv safe", []string{"hosts", "-O", "tsv", "--csv-safe", log}, hostsSafe},
		{"count exact", []string{"count", "--by", "user_agent,status", "-O", "csv", log}, count},
		{"count safe", []string{"count", "--by", "user_agent,status", "-O", "csv", "--csv-safe", log}, countSafe},
		{"count tsv safe", []string{"count", "--by", "user_agent,status", "-O", "tsv", "--csv-safe", log}, countTSVSafe},
		{"merge exact", []string{"merge", "-O", "csv", partial}, count},
		{"merge safe", []string{"merge", "-O", "csv", "--csv-safe", partial}, countSafe},
		{"parse exact", []string{"parse", "-O", "csv", parseFormat, log}, parse},
		{"parse safe", []string{"parse", "-O", "csv", "--csv-safe", parseFormat, log}, parseSafe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runInProcess(nil, tt.args...)
			if strings.HasPrefix(tt.name, "parse") { // keep the columns the want shows
				got.stdout = keepColumns(got.stdout, 0, 2, 8, 9, 10, 11)
			}
			if got.code != 0 || got.stdout != tt.want {
				t.Errorf("logmr %q: exit %d, stdout %q, stderr %q; want 0 and %q", tt.args, got.code, got.stdout, got.stderr, tt.want)
			}
		})
	}
	for _, args := range [][]string{
		{"hosts", "--csv-safe", log},
		{"parse", "-O", "jsonl", "--csv-safe", log},
		{"merge", "-O", "json", "--csv-safe", partial},
		{"count", "--by", "status", "--partial", "--csv-safe", "-o", filepath.Join(dir, "p"), log},
	} {
		if got := runInProcess(nil, args...); got.code != 2 || !strings.Contains(got.stderr, "--csv-safe applies to -O csv and -O tsv") {
			t.Errorf("logmr %q: exit %d, stderr %q; want 2: --csv-safe needs CSV or TSV", args, got.code, got.stderr)
		}
	}
}

// keepColumns keeps the given comma-separated columns of each line (none
// of the cells it is used on holds a comma).
func keepColumns(csv string, cols ...int) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(csv, "\n"), "\n") {
		cells := strings.Split(line, ",")
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			if c < len(cells) {
				b.WriteString(cells[c])
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
