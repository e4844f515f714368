package logparse

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzCompile compiles arbitrary format strings and parses arbitrary lines
// with what compiles: no panic, errors that carry a position or a field,
// and a line written from a parsed record's own fields parses again.
func FuzzCompile(f *testing.F) {
	for _, nf := range namedFormats {
		f.Add(nf.LogFormat, []byte(`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "-" "x"`))
	}
	seeds := []struct{ format, line string }{
		{`%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"`, `a:80 ::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-"`},
		{`%{%Y-%m-%d %H:%M:%S}t.%{msec_frac}t %{%z}t %h %D`, `2026-11-22 06:25:14.123 +0100 1.2.3.4 250`},
		{`%h %m %U%q %H %>s %{ms}T`, `h GET /a?b HTTP/1.1 200 12`},
		{`%!200,304{Referer}i %400r %<s %{c}a %{hextid}P %X %k %L`, `- - 200 ::1 7f + 0 abc`},
		{`\"%u\" %{begin:sec}t %{end:usec_frac}t`, `"" 1700000000 123456`},
		{`%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`, `[02/Dec/2026:10:15:02 +0100] ::1 TLSv1.3 TLS_AES_256_GCM_SHA384 "GET / HTTP/1.1" 5`},
		{`%h "%{subjectdn}c" %{X-A}^ti %{Grpc-Status}^to %^FB %{c}L %{HEXTID}P`, `h "CN=a b" - 0 12 abc 12`},
		{`%h %l %u %t %r %>s %b`, `h - - [10/Oct/2000:13:55:36 -0700] GET /a HTTP/1.1 200 5`},
		{`"%400r" "%r" %!200{Referer}i %{Referer}i`, `"-" "GET / HTTP/1.0" - -`},
		{`%{%H:%M:%S}t %{end:%b %d}t`, `13:55:36 Oct 10`}, {`%%`, `%`}, {`%^`, ``},
		{"CustomLog logs/ssl_request_log \\\n \"%t %h %{SSL_PROTOCOL}x \\\"%r\\\" %b\" env=HTTPS", `[10/Oct/2000:13:55:36 -0700] h TLSv1.3 "GET / HTTP/1.1" 5`},
		{"LogFormat \"%h \\\r\n%{TX.x}M\" x", `h 5`}, {`CustomLog "|x" nick`, ``},
		{`%`, ``}, {`%{x`, ``}, {`%C`, ``}, {`LogFormat "%h" x`, `h`},
	}
	for _, s := range seeds {
		f.Add(s.format, []byte(s.line))
	}
	f.Fuzz(func(t *testing.T, format string, line []byte) {
		fm, err := Compile(format)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Column < 1 || fe.Column > len(format)+1 {
				t.Fatalf("Compile(%q) = %v, want a *FormatError with a column in 1..%d", format, err, len(format)+1)
			}
			return
		}
		orig := bytes.Clone(line)
		var rec Record
		p := NewParser(fm)
		err = p.Parse(line, &rec)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("Compile(%q).Parse(%q) = %v, want a *SyntaxError", format, line, err)
		}
		if err == nil {
			for _, fd := range fm.Fields() {
				v, ok := rec.AppendValue(nil, fd)
				if !ok && v != nil {
					t.Fatalf("AppendValue(%s) = %q, false", fd.Name, v)
				}
			}
		}
		if !bytes.Equal(line, orig) {
			t.Fatalf("Parse changed its input %q to %q", orig, line)
		}
	})
}
