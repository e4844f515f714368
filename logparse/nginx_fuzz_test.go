package logparse

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
)

// FuzzCompileNginx compiles arbitrary nginx formats and parses arbitrary
// lines with what compiles: no panic, compile errors that carry a column
// inside the string, parse errors that name a field.
func FuzzCompileNginx(f *testing.F) {
	for _, tc := range nginxCases {
		f.Add(tc.format, []byte(tc.line))
	}
	for _, s := range []string{`$`, `${`, `${a`, `$a$b$c`, `log_format`, `log_format x escape=`, `'`, `'$a' '`, "log_format x '$a' # c\n;", `$upstream_addr $x`} {
		f.Add(s, []byte("a, b : c d"))
	}
	f.Fuzz(func(t *testing.T, format string, line []byte) {
		fm, err := CompileNginx(format)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Column < 1 || fe.Column > len(format)+1 || fe.LogFormat != format {
				t.Fatalf("CompileNginx(%q) = %v, want a *FormatError with a column in 1..%d", format, err, len(format)+1)
			}
			return
		}
		if fm.Name != format {
			t.Fatalf("CompileNginx(%q).Name = %q", format, fm.Name)
		}
		orig := bytes.Clone(line)
		var rec Record
		err = NewParser(fm).Parse(line, &rec)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("CompileNginx(%q).Parse(%q) = %v, want a *SyntaxError", format, line, err)
		}
		if err == nil {
			for _, fd := range fm.Fields() {
				if v, ok := rec.AppendValue(nil, fd); !ok && v != nil {
					t.Fatalf("AppendValue(%s) = %q, false", fd.Name, v)
				}
			}
		}
		if !bytes.Equal(line, orig) {
			t.Fatalf("Parse changed its input %q to %q", orig, line)
		}
	})
}

// FuzzNginxRoundTrip writes lines as nginx would, escaping arbitrary
// values the way ngx_http_log_module does (nginxEscapeSlow), and parses
// them back: every value must come back exactly, an absent one as nil.
func FuzzNginxRoundTrip(f *testing.F) {
	f.Add("GET / HTTP/1.1", "-", "Mozilla/5.0", uint16(200), uint32(1234), false)
	f.Add("GET /\"a\\b\" HTTP/1.1", "", "\x00\x1f\x7f\xff é", uint16(404), uint32(0), true)
	f.Add("", "http://x/?a=\"b\"", "-", uint16(999), uint32(4e9), false)
	const format = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`
	formats := map[bool]*Format{}
	for _, json := range []bool{false, true} {
		s := `log_format x '` + format + `';`
		if json {
			s = `log_format x escape=json '` + format + `';`
		}
		fm, err := CompileNginx(s)
		if err != nil {
			f.Fatal(err)
		}
		formats[json] = fm
	}
	f.Fuzz(func(t *testing.T, request, referer, agent string, status uint16, ms uint32, json bool) {
		status %= 1000
		line := "192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] \"" + nginxEscapeSlow(request, json) + "\" " +
			strconv.Itoa(int(status) + 1000)[1:] + " 0 \"" + nginxEscapeSlow(referer, json) + "\" \"" +
			nginxEscapeSlow(agent, json) + "\" " + strconv.Itoa(int(ms/1000)) + "." + strconv.Itoa(int(ms%1000) + 1000)[1:]
		var rec Record
		if err := NewParser(formats[json]).Parse([]byte(line), &rec); err != nil {
			t.Fatalf("Parse(%q): %v", line, err)
		}
		want := func(v string) []byte {
			if v == "-" || v == "" && json {
				return nil
			}
			return []byte(v)
		}
		for _, c := range []struct {
			name      string
			got, want []byte
		}{{"Request", rec.Request, want(request)}, {"Referer", rec.Referer, want(referer)}, {"UserAgent", rec.UserAgent, want(agent)}} {
			if !bytes.Equal(c.got, c.want) || (c.got == nil) != (c.want == nil) {
				t.Errorf("Parse(%q).%s = %s, want %s", line, c.name, showText(c.got), showText(c.want))
			}
		}
		if rec.Status != int(status) || rec.Duration != int64(ms)*1000 {
			t.Errorf("Parse(%q): Status, Duration = %d, %d, want %d, %d", line, rec.Status, rec.Duration, status, int64(ms)*1000)
		}
	})
}

// nginxEscapeSlow escapes a variable's value as nginx's ngx_http_log_escape
// (default) or ngx_escape_json (escape=json) does.
func nginxEscapeSlow(v string, json bool) string {
	var b []byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case !json && (c == '"' || c == '\\' || c < 0x20 || c > 0x7e):
			b = append(b, '\\', 'x', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		case json && (c == '"' || c == '\\'):
			b = append(b, '\\', c)
		case json && c < 0x20:
			switch c {
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			default:
				b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
