package logparse

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// encodeLines are lines whose fields need every kind of quoting.
var encodeLines = []string{
	`192.0.2.1 - "" [10/Oct/2000:13:55:36 -0700] "GET /a\"b,c HTTP/1.1" 200 - "-" "tab\there, \"quoted\" and \\ back"`,
	`192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "GET /\x1b[31mred\x00 HTTP/1.1" 404 5 " leading space" "caf\xc3\xa9 \xff\xfe bad utf-8"`,
	`192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] "GET /new\nline HTTP/1.1" 200 5 "cr\rlf" ""`,
}

// Every record of the real log and of the tricky lines encodes to JSON
// that a JSON decoder reads back as the field values, numbers as numbers
// and nulls as null, and to CSV and TSV rows that read back the same.
func TestEncodeRoundTrip(t *testing.T) {
	lines := readLines(t, realLogs)
	for _, l := range encodeLines {
		lines = append(lines, []byte(l))
	}
	f := Combined
	p := NewParser(f)
	csvTable, tsvTable := NewTable(ColumnsOf(f), false), NewTable(ColumnsOf(f), true)
	var rec Record
	for i, line := range lines {
		if p.Parse(line, &rec) != nil {
			continue
		}
		js := AppendJSON(nil, f, &rec)
		var got map[string]any
		dec := json.NewDecoder(strings.NewReader(string(js)))
		dec.UseNumber()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("line %d: AppendJSON = %s: %v", i+1, js, err)
		}
		row, err := csv.NewReader(strings.NewReader(string(csvTable.AppendRow(nil, f, &rec)))).Read()
		if err != nil {
			t.Fatalf("line %d: CSV: %v", i+1, err)
		}
		tsv := strings.Split(strings.TrimSuffix(string(tsvTable.AppendRow(nil, f, &rec)), "\n"), "\t")
		if len(row) != len(f.Fields()) || len(tsv) != len(f.Fields()) {
			t.Fatalf("line %d: %d CSV cells, %d TSV cells, want %d", i+1, len(row), len(tsv), len(f.Fields()))
		}
		for j, fd := range f.Fields() {
			v, ok := rec.AppendValue(nil, fd)
			want := strings.ToValidUTF8(string(v), "\uFFFD")
			switch g := got[fd.Name]; {
			case !ok && g != nil:
				t.Errorf("line %d: %s = %v, want null", i+1, fd.Name, g)
			case ok && fd.Type == TypeInt && g != json.Number(want):
				t.Errorf("line %d: %s = %#v, want the number %s", i+1, fd.Name, g, want)
			case ok && fd.Type != TypeInt && !sameInvalidUTF8(g, want):
				t.Errorf("line %d: %s = %q, want %q", i+1, fd.Name, g, want)
			}
			if row[j] != string(v) {
				t.Errorf("line %d: CSV %s = %q, want %q", i+1, fd.Name, row[j], v)
			}
			if unTSV(tsv[j]) != string(v) {
				t.Errorf("line %d: TSV %s = %q, want %q", i+1, fd.Name, tsv[j], v)
			}
		}
	}
}

// sameInvalidUTF8 compares a decoded JSON string with the expected text,
// in which each invalid byte became one U+FFFD (ToValidUTF8 makes one of a
// run, so compare with runs collapsed on both sides).
func sameInvalidUTF8(got any, want string) bool {
	s, ok := got.(string)
	collapse := func(s string) string {
		for strings.Contains(s, "\uFFFD\uFFFD") {
			s = strings.ReplaceAll(s, "\uFFFD\uFFFD", "\uFFFD")
		}
		return s
	}
	return ok && collapse(s) == collapse(want)
}

func unTSV(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r").Replace(s)
}

func TestAppendJSONString(t *testing.T) {
	tests := map[string]string{
		"plain":           `"plain"`,
		"a\"b\\c":         `"a\"b\\c"`,
		"\x00\x1b[0m\x7f": `"\u0000\u001b[0m\u007f"`,
		"\n\t\r":          `"\n\t\r"`,
		"café":            `"café"`,
		"\xff":            `"\ufffd"`,
		"\xe2\x82":        `"\ufffd\ufffd"`,
	}
	for in, want := range tests {
		if got := string(AppendJSONString(nil, in)); got != want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}
