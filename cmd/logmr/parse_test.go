package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const realLogs = "../../testdata/realdata/apache_logs.gz"

// The "done when": the CSV of the real log opens in a CSV reader
// with 10,000 rows less the malformed one, which --malformed names.
func TestParseCSVRealLog(t *testing.T) {
	r := run(t, nil, "parse", "-O", "csv", realLogs)
	if r.code != 0 {
		t.Fatalf("parse -O csv: exit %d, stderr %q", r.code, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("CSV reader: %v", err)
	}
	if len(rows) != 1+9999 {
		t.Fatalf("%d rows, want a header and 9999 records", len(rows))
	}
	header := strings.Join(rows[0], ",")
	if header != "host,ident,user,time,request,method,target,protocol,status,bytes,bytes_out,referer,user_agent,vhost,port" {
		t.Errorf("header = %s", header)
	}
	// Line 1 of apache_logs, field by field.
	want := []string{"83.149.9.216", "", "", "2015-05-17T10:05:03+00:00",
		"GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1", "GET",
		"/presentations/logstash-monitorama-2013/images/kibana-search.png", "HTTP/1.1", "200", "203023", "",
		"http://semicomplete.com/presentations/logstash-monitorama-2013/",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36", "", ""}
	if got := rows[1]; strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("row 1 = %q\nwant %q", got, want)
	}

	m := run(t, nil, "parse", "--malformed", "-O", "jsonl", realLogs)
	var bad struct {
		File  string
		Line  int
		Error string
		Text  string
	}
	lines := strings.Split(strings.TrimSpace(m.stdout), "\n")
	if m.code != 0 || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &bad) != nil {
		t.Fatalf("parse --malformed: exit %d, output %q", m.code, m.stdout)
	}
	if bad.File != realLogs || bad.Line != 8899 || bad.Error == "" || bad.Text == "" {
		t.Errorf("parse --malformed = %+v, want %s line 8899 with its reason and text", bad, realLogs)
	}
}

// parse --format with a LogFormat string: JSON members named as docs/guide.md
// says, numbers as numbers, "-" as null, escapes decoded, times RFC 3339.
func TestParseLogFormatJSON(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	lines := `example.com:443 [2001:db8::1] - "" [22/Nov/2026:06:25:14 +0530] "GET /a\"b?q=1 HTTP/1.1" 200 - 1234 "-" "curl/8 \x22x\x22" 192.0.2.7
` + "\x16\x03\x01 binary junk\n"
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	format := `%v:%p %h %l %u %t "%r" %>s %b %D "%{Referer}i" "%{User-Agent}i" %{X-Forwarded-For}i`
	r := run(t, nil, "parse", "--format", format, log)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got map[string]any
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("output %q: %v", r.stdout, err)
	}
	want := map[string]any{
		"vhost": "example.com", "port": json.Number("443"), "host": "[2001:db8::1]", "ident": nil, "user": "",
		"time": "2026-11-22T06:25:14+05:30", "request": `GET /a"b?q=1 HTTP/1.1`, "method": "GET", "target": `/a"b?q=1`,
		"protocol": "HTTP/1.1", "status": json.Number("200"), "bytes": nil, "duration_us": json.Number("1234"),
		"referer": nil, "user_agent": `curl/8 "x"`, "header_x_forwarded_for": "192.0.2.7",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("members %v, want exactly %d", got, len(want))
	}
	if dec.More() {
		t.Errorf("more than one record: %q", r.stdout)
	}
}

// An invalid LogFormat is a usage error naming the column.
func TestParseBadLogFormat(t *testing.T) {
	for format, column := range map[string]int{"%": 1, "%h %{x": 5, "%h %C": 4, "%h %Z": 4} {
		r := run(t, nil, "parse", "--format", format, "../../testdata/logs")
		if r.code != 2 || !strings.Contains(r.stderr, "column "+strconv.Itoa(column)) || r.stdout != "" {
			t.Errorf("parse --format %q: exit %d, stderr %q; want 2 naming column %d", format, r.code, r.stderr, column)
		}
	}
}

// Auto-detection picks vhost_combined where it is, and a file of prose is
// "not an access log": skipped, named, exit 3, the other files still read.
func TestParseAutoDetection(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("Dear ops,\nthe disk is full again.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "parse", notes, "../../testdata/realdata/vhost_combined.log")
	if r.code != 3 || !strings.Contains(r.stderr, "notes.txt") || !strings.Contains(r.stderr, "not an access log") {
		t.Fatalf("exit %d, stderr %q; want 3 naming notes.txt as not an access log", r.code, r.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["vhost"] != "www.varonathe.org" || rec["host"] != "203.62.1.80" {
			t.Errorf("record %v: want vhost www.varonathe.org, host 203.62.1.80", rec)
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d records, want the 6 well-formed lines of vhost_combined.log", n)
	}
}

// Records come out in input order whatever -j: files in argument order,
// lines in file order.
func TestParseOrder(t *testing.T) {
	dir, _ := generate(t, 4)
	one := run(t, nil, "parse", "-O", "tsv", "-j", "1", dir)
	many := run(t, nil, "parse", "-O", "tsv", "-j", "8", dir)
	if one.code != 0 || many.code != 0 || one.stdout != many.stdout || len(one.stdout) < 1<<20 {
		t.Fatalf("-j 1 and -j 8 differ or failed: exits %d %d, %d and %d bytes", one.code, many.code, len(one.stdout), len(many.stdout))
	}
}

// An input cut short keeps the records read before the cut, in the output
// file too; the failure is named and the exit status is 3.
func TestParseTruncatedInput(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile(realLogs)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.gz")
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	r := run(t, nil, "parse", "-o", out, cut)
	data, _ := os.ReadFile(out)
	records := strings.Count(string(data), "\n")
	if r.code != 3 || !strings.Contains(r.stderr, "cut.gz") || records < 1000 || records >= 9999 {
		t.Errorf("exit %d, stderr %q, %d records in %s; want 3, cut.gz named, the records before the cut", r.code, r.stderr, records, out)
	}
}

// -O json is one array of the same objects -O jsonl writes, "[]" when no
// record matches; it reads back with encoding/json.
func TestParseJSONArray(t *testing.T) {
	lines := run(t, nil, "parse", "-O", "jsonl", realLogs)
	array := run(t, nil, "parse", "-O", "json", "-j", "3", realLogs)
	var records []json.RawMessage
	if err := json.Unmarshal([]byte(array.stdout), &records); err != nil || array.code != 0 {
		t.Fatalf("parse -O json: exit %d, %v", array.code, err)
	}
	want := strings.Split(strings.TrimSuffix(lines.stdout, "\n"), "\n")
	if len(records) != len(want) || len(records) != 9999 {
		t.Fatalf("%d records in the array, %d JSON lines, want 9999", len(records), len(want))
	}
	for i, r := range records {
		if string(r) != want[i] {
			t.Fatalf("element %d = %s, want %s", i, r, want[i])
		}
	}
	empty := run(t, nil, "parse", "-O", "json", "--path", "/no/such/path", realLogs)
	if empty.code != 0 || empty.stdout != "[]\n" {
		t.Errorf("no match: exit %d, output %q, want []", empty.code, empty.stdout)
	}
}

// -O text aligns every column, "-" for a null, with a header; on the way
// it leaves no temporary file.
func TestParseText(t *testing.T) {
	tmp := t.TempDir()
	cmd := exec.Command(logmr, "parse", "-O", "text", "--format", `%h %l %u %t "%r" %>s %b`, "../../testdata/logs/access.log.1")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "host ") {
		t.Fatalf("%d lines, header %q; want a header and 7 records", len(lines), lines[0])
	}
	col := strings.Index(lines[0], "status")
	for _, l := range lines[1:] {
		if c := l[col-2 : col]; c != "  " || l[col] == ' ' {
			t.Errorf("status column not aligned at %d in %q", col, l)
		}
		if !strings.Contains(l, " -  ") {
			t.Errorf("no null as - in %q", l)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}
