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

// TestTableFormulaSafe: by default cells are the exact data; FormulaSafe
// prefixes ' to text cells a spreadsheet would run as formulas, in CSV and
// TSV, and never touches numbers, times or other text.
func TestTableFormulaSafe(t *testing.T) {
	line := `192.0.2.1 - @admin [10/Oct/2000:13:55:36 -0700] "GET /=1+1 HTTP/1.1" 200 5 "-2+3" "=HYPERLINK(\"http://x\",\"a,b\")"`
	var rec Record
	if err := NewParser(Combined).Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	cols := []string{"host", "user", "time", "target", "status", "bytes", "referer", "user_agent"}
	tests := []struct {
		name string
		opts TableOptions
		want string
	}{
		{"csv exact", TableOptions{},
			`192.0.2.1,@admin,2000-10-10T13:55:36-07:00,/=1+1,200,5,-2+3,"=HYPERLINK(""http://x"",""a,b"")"` + "\n"},
		{"csv safe", TableOptions{FormulaSafe: true},
			`192.0.2.1,'@admin,2000-10-10T13:55:36-07:00,/=1+1,200,5,'-2+3,"'=HYPERLINK(""http://x"",""a,b"")"` + "\n"},
		{"tsv exact", TableOptions{TSV: true},
			"192.0.2.1\t@admin\t2000-10-10T13:55:36-07:00\t/=1+1\t200\t5\t-2+3\t=HYPERLINK(\"http://x\",\"a,b\")\n"},
		{"tsv safe", TableOptions{TSV: true, FormulaSafe: true},
			"192.0.2.1\t'@admin\t2000-10-10T13:55:36-07:00\t/=1+1\t200\t5\t'-2+3\t'=HYPERLINK(\"http://x\",\"a,b\")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(NewTableWith(cols, tt.opts).AppendRow(nil, Combined, &rec)); got != tt.want {
				t.Errorf("AppendRow = %q, want %q", got, tt.want)
			}
		})
	}
	cells := []struct{ in, csv, tsv string }{
		{"=1+1", "'=1+1", "'=1+1"},
		{"+1", "'+1", "'+1"},
		{"-1", "'-1", "'-1"},
		{"@x", "'@x", "'@x"},
		{"\t=1", "\"'\t=1\"", `'\t=1`},
		{"\r=1", "\"'\r=1\"", `'\r=1`},
		{" =1", `" =1"`, " =1"},
		{"a=1", "a=1", "a=1"},
		{"", "", ""},
		{"12", "12", "12"},
	}
	csvSafe := NewTableWith([]string{"c"}, TableOptions{FormulaSafe: true})
	tsvSafe := NewTableWith([]string{"c"}, TableOptions{TSV: true, FormulaSafe: true})
	for _, c := range cells {
		if got := string(csvSafe.AppendCells(nil, c.in)); got != c.csv+"\n" {
			t.Errorf("FormulaSafe CSV AppendCells(%q) = %q, want %q", c.in, got, c.csv+"\n")
		}
		if got := string(tsvSafe.AppendCells(nil, c.in)); got != c.tsv+"\n" {
			t.Errorf("FormulaSafe TSV AppendCells(%q) = %q, want %q", c.in, got, c.tsv+"\n")
		}
	}
}
