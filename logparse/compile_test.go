package logparse

import (
	"errors"
	"strings"
	"testing"
)

// valuesOf renders every field of rec as text, "null" when absent.
func valuesOf(f *Format, rec *Record) map[string]string {
	m := map[string]string{}
	for _, fd := range f.Fields() {
		if v, ok := rec.AppendValue(nil, fd); ok {
			m[fd.Name] = string(v)
		} else {
			m[fd.Name] = "null"
		}
	}
	return m
}

// compiledCase is one line written with a LogFormat and what it must parse
// to: the listed fields only (others are not checked), or the field a
// malformed line fails at.
type compiledCase struct {
	name    string
	format  string
	line    string
	want    map[string]string
	wantErr string // SyntaxError.Field of a malformed line
}

func runCompiledCases(t *testing.T, cases []compiledCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LookupFormat(tc.format)
			if err != nil {
				t.Fatalf("LookupFormat(%q): %v", tc.format, err)
			}
			var rec Record
			err = NewParser(f).Parse([]byte(tc.line), &rec)
			if tc.wantErr != "" {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Field != tc.wantErr {
					t.Fatalf("Parse(%q) error = %v, want a %s error", tc.line, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.line, err)
			}
			got := valuesOf(f, &rec)
			for name, want := range tc.want {
				if name[0] == '.' { // a typed Record member, not a field
					if g := recordMember(&rec, name[1:]); g != want {
						t.Errorf("Record.%s = %q, want %q", name[1:], g, want)
					}
					continue
				}
				g, ok := got[name]
				if !ok {
					t.Errorf("no field %q; fields: %v", name, got)
				} else if g != want {
					t.Errorf("%s = %q, want %q", name, g, want)
				}
			}
		})
	}
}

func recordMember(rec *Record, name string) string {
	switch name {
	case "Host":
		return string(rec.Host)
	case "Target":
		return string(rec.Target)
	case "Path":
		return string(rec.Path())
	case "Method":
		return string(rec.Method)
	case "Protocol":
		return string(rec.Protocol)
	case "Bytes":
		return itoa(rec.Bytes)
	case "Status":
		return itoa(int64(rec.Status))
	case "Duration":
		return itoa(rec.Duration)
	case "Port":
		return itoa(int64(rec.Port))
	case "VHost":
		return string(rec.VHost)
	case "Time":
		return itoa(rec.Time)
	case "Nsec":
		return itoa(int64(rec.Nsec))
	}
	return "?" + name
}

func itoa(n int64) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		return appendInt(append(b, '-'), -n)
	}
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		format string
		column int
		msg    string
	}{
		{"%", 1, "at the end"},
		{"%h %", 4, "at the end"},
		{"%{x", 2, "unterminated"},
		{"%h %{Referer", 5, "unterminated"},
		{"%C", 1, "needs a {name}"},
		{"%h %{}i", 4, "needs a {name}"},
		{"%h %Z", 4, "unknown directive %Z"},
		{"%h %>j", 4, "unknown directive %j"},
		{"%{foo}p", 1, "unknown argument"},
		{"%{x}h", 1, "unknown argument"},
		{"%{ns}T", 1, "unknown argument"},
		{"%{x}P", 1, "unknown argument"},
		{"%{q}a", 1, "unknown argument"},
		{"%{x}u", 1, "takes no"},
		{"", 1, "empty"},
		{`LogFormat "%h %Q" x`, 15, "unknown directive %Q"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.format)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%q) = %v, want a *FormatError", tc.format, err)
			continue
		}
		if fe.Column != tc.column || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("Compile(%q) = column %d %q, want column %d containing %q", tc.format, fe.Column, fe.Msg, tc.column, tc.msg)
		}
		if !strings.Contains(err.Error(), "column") {
			t.Errorf("Compile(%q) error %q does not name the column", tc.format, err)
		}
	}
}

func TestCompiledFieldNames(t *testing.T) {
	tests := []struct{ format, names string }{
		{Common.LogFormat, "host ident user time request method target protocol status bytes"},
		{Combined.LogFormat, "host ident user time request method target protocol status bytes referer user_agent"},
		{VHostCombined.LogFormat, "vhost port host ident user time request method target protocol status bytes_out referer user_agent"},
		{CombinedIO.LogFormat, "host ident user time request method target protocol status bytes referer user_agent bytes_in bytes_out"},
		{`%a %A %B %{sid}C %D %{HOME}e %f %H %{X-Forwarded-For}i %k %L %m %{note}n %{Content-Type}o %{remote}p %P %{tid}P %q %R %<s %T %{ms}T %U %V %X %I %S`,
			"remote_ip local_ip bytes cookie_sid duration_us env_home filename protocol header_x_forwarded_for keepalive_requests log_id method note_note response_header_content_type remote_port pid tid query handler status_original duration_s duration_ms url_path server_name connection_status bytes_in bytes_total"},
		{"%h %h %{Referer}i %{referer}i", "host host_2 referer referer_2"},
		{`%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t %{end:sec}t`, "time time_end"},
	}
	for _, tc := range tests {
		f, err := Compile(tc.format)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.format, err)
		}
		var names []string
		for _, fd := range f.Fields() {
			names = append(names, fd.Name)
		}
		if got := strings.Join(names, " "); got != tc.names {
			t.Errorf("Compile(%q) fields\n got %s\nwant %s", tc.format, got, tc.names)
		}
	}
}

// TestCompiledNeeds holds compiled parsers that need fewer fields to the
// full parse (checkNeeds): the same verdict on every line and the same
// needed fields, on the compiled cases and the real log.
func TestCompiledNeeds(t *testing.T) {
	for _, tc := range append(compiledCases, limitationCases...) {
		f, err := LookupFormat(tc.format)
		if err != nil {
			t.Fatalf("LookupFormat(%q): %v", tc.format, err)
		}
		var rec Record
		line := []byte(tc.line)
		err = NewParser(f).Parse(line, &rec)
		checkNeeds(t, f, line, &rec, err)
	}
	f := mustCompile(t, Combined.LogFormat)
	full := NewParser(f)
	for _, line := range readLines(t, realLogs)[:2000] {
		var rec Record
		err := full.Parse(line, &rec)
		checkNeeds(t, f, line, &rec, err)
	}
}

// TestCompiledNeedSkips checks that a compiled parser leaves the fields
// it is not asked for unset, as Need allows, and still sees the time.
func TestCompiledNeedSkips(t *testing.T) {
	p := NewParser(mustCompile(t, Combined.LogFormat))
	p.Need(0)
	var rec Record
	if err := p.Parse([]byte(docCombinedLine), &rec); err != nil {
		t.Fatalf("Need(0).Parse(%q): %v", docCombinedLine, err)
	}
	if rec.Time != 0 || !rec.HasTime() {
		t.Errorf("Need(0).Parse: Time = %d, HasTime = %v, want 0 and true", rec.Time, rec.HasTime())
	}
	if rec.Request != nil || rec.Method != nil || rec.Referer != nil || rec.UserAgent != nil {
		t.Errorf("Need(0).Parse: Request %q, Method %q, Referer %q, UserAgent %q, want all nil",
			rec.Request, rec.Method, rec.Referer, rec.UserAgent)
	}
	if string(rec.Host) != "127.0.0.1" || rec.Status != 200 || rec.Bytes != 2326 || string(rec.User) != "frank" {
		t.Errorf("Need(0).Parse: Host %q, Status %d, Bytes %d, User %q, want 127.0.0.1, 200, 2326, frank",
			rec.Host, rec.Status, rec.Bytes, rec.User)
	}
}
