package logparse

import (
	"errors"
	"strings"
	"testing"
)

// nginx's log_format examples, from the ngx_http_log_module documentation
// and nginx's own blog, as operators paste them.
const (
	nginxCombinedDirective = `log_format combined '$remote_addr - $remote_user [$time_local] '
                    '"$request" $status $body_bytes_sent '
                    '"$http_referer" "$http_user_agent"';`
	nginxCompression = `log_format compression '$remote_addr - $remote_user [$time_local] '
                       '"$request" $status $bytes_sent '
                       '"$http_referer" "$http_user_agent" "$gzip_ratio"';`
	// The blog's upstream_time format: no space between the user agent's
	// closing quote and rt=, as the pieces join.
	nginxUpstreamTime = `log_format upstream_time '$remote_addr - $remote_user [$time_local] '
                             '"$request" $status $body_bytes_sent '
                             '"$http_referer" "$http_user_agent"'
                             'rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"';`
	nginxJSON = `log_format json_combined escape=json
  '{'
    '"time_local":"$time_local",'
    '"remote_addr":"$remote_addr",'
    '"remote_user":"$remote_user",'
    '"request":"$request",'
    '"status": "$status",'
    '"body_bytes_sent":"$body_bytes_sent",'
    '"request_time":"$request_time",'
    '"http_referrer":"$http_referer",'
    '"http_user_agent":"$http_user_agent"'
  '}';`

	nginxMain = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`
)

var nginxCases = []compiledCase{
	{name: "combined directive", format: nginxCombinedDirective, line: docCombinedLine,
		want: fv{"host": "127.0.0.1", "user": "frank", "time": "2000-10-10T13:55:36-07:00",
			"request": "GET /apache_pb.gif HTTP/1.0", "method": "GET", "target": "/apache_pb.gif", "protocol": "HTTP/1.0",
			"status": "200", "bytes": "2326", "referer": "http://www.example.com/start.html",
			"user_agent": "Mozilla/4.08 [en] (Win98; I ;Nav)", ".Time": "971211336"}},
	{name: "main with x_forwarded_for", format: nginxMain, line: realLine1 + ` "10.0.0.1, 10.0.0.2"`,
		want: fv{"host": "83.149.9.216", "user": "null", "status": "200", "bytes": "203023",
			"header_x_forwarded_for": "10.0.0.1, 10.0.0.2"}},
	{name: "main absent values", format: nginxMain, line: realLine8034 + ` "-"`,
		want: fv{"bytes": "null", "referer": "null", "user_agent": "null", "header_x_forwarded_for": "null", "method": "HEAD"}},
	{name: "compression", format: nginxCompression, line: docCombinedLine + ` "3.21"`,
		want: fv{"bytes_out": "2326", ".Bytes": "2326", "gzip_ratio": "3.21"}},
	{name: "compression no ratio", format: nginxCompression, line: docCombinedLine + ` "-"`,
		want: fv{"gzip_ratio": "null"}},
	{name: "upstream_time", format: nginxUpstreamTime,
		line: docCombinedLine + `rt=0.052 uct="0.001, 0.002" uht="0.050, 0.048 : 0.001" urt="0.051, 0.049 : -"`,
		want: fv{"duration_us": "52000", ".Duration": "52000", "upstream_connect_time": "0.001, 0.002",
			"upstream_header_time": "0.050, 0.048 : 0.001", "upstream_response_time": "0.051, 0.049 : -"}},
	{name: "upstream_time no upstream", format: nginxUpstreamTime,
		line: docCombinedLine + `rt=0.000 uct="-" uht="-" urt="-"`,
		want: fv{"duration_us": "0", "upstream_connect_time": "null", "upstream_response_time": "null"}},
	{name: "unquoted upstream list", format: `$remote_addr $request_time $upstream_response_time $upstream_addr $host "$request"`,
		line: `10.1.1.1 1.500 0.010, 1.480 : 0.002 10.0.0.5:80, 10.0.0.6:80 : unix:/run/a.sock example.com "GET / HTTP/1.1"`,
		want: fv{".Duration": "1500000", "upstream_response_time": "0.010, 1.480 : 0.002",
			"upstream_addr": "10.0.0.5:80, 10.0.0.6:80 : unix:/run/a.sock", "vhost": "example.com", ".VHost": "example.com", "target": "/"}},
	{name: "unquoted upstream list last", format: `$remote_addr $upstream_status`, line: `10.1.1.1 502, 200`,
		want: fv{"upstream_status": "502, 200"}},
	{name: "time_iso8601", format: `$time_iso8601 $remote_addr $status`, line: `2026-11-21T10:00:00+01:00 ::1 404`,
		want: fv{"time": "2026-11-21T10:00:00+01:00", ".Time": "1795251600", "host": "::1", "status": "404"}},
	{name: "time_local unbracketed", format: `$time_local|$remote_addr`, line: `21/Nov/2026:10:00:00 +0100|::1`,
		want: fv{"time": "2026-11-21T10:00:00+01:00", ".Time": "1795251600"}},
	{name: "msec", format: `$msec $remote_addr "$request"`, line: `1795251600.123 ::1 "GET /a HTTP/1.1"`,
		want: fv{".Time": "1795251600", ".Nsec": "123000000", "time": "2026-11-21T09:00:00.123+00:00"}},
	{name: "msec with time_local offset", format: `$msec [$time_local] $status`, line: `1795251600.250 [21/Nov/2026:10:00:00 +0100] 200`,
		want: fv{".Time": "1795251600", "time": "2026-11-21T10:00:00.250+01:00"}},
	{name: "braced variable next to text", format: `${remote_addr}:${server_port}ms=${request_time}s $status`,
		line: `192.0.2.7:8443ms=2.5s 204`, want: fv{"host": "192.0.2.7", "port": "8443", ".Port": "8443", ".Duration": "2500000", "status": "204"}},
	{name: "request pieces", format: `$remote_addr "$request_method $request_uri $server_protocol" $status`,
		line: `::1 "POST /api/v1?x=1 HTTP/2.0" 201`,
		want: fv{"method": "POST", "request_uri": "/api/v1?x=1", "protocol": "HTTP/2.0", ".Target": "/api/v1?x=1", ".Path": "/api/v1"}},
	{name: "uri is the target", format: `$remote_addr $uri $status`, line: `::1 /index.html 200`,
		want: fv{"uri": "/index.html", ".Target": "/index.html"}},
	{name: "request owns target", format: `"$request" $request_uri`, line: `"GET /a?b HTTP/1.1" /a?b`,
		want: fv{"target": "/a?b", "request_uri": "/a?b"}},
	{name: "host and server_name", format: `$server_name $host $remote_addr`, line: `_ shop.example.com 1.2.3.4`,
		want: fv{"server_name": "_", "vhost": "shop.example.com", ".VHost": "shop.example.com"}},
	{name: "ssl and others", format: `$remote_addr $ssl_protocol/$ssl_cipher $scheme $connection $connection_requests $pipe $request_length $request_id $my_var`,
		line: `::1 TLSv1.3/TLS_AES_256_GCM_SHA384 https 1234 2 p 512 5f3c a value`,
		want: fv{"ssl_protocol": "TLSv1.3", "ssl_cipher": "TLS_AES_256_GCM_SHA384", "scheme": "https", "connection": "1234",
			"connection_requests": "2", "pipe": "p", "bytes_in": "512", "request_id": "5f3c", "my_var": "a value"}},
	{name: "headers cookies", format: `$remote_addr "$http_x_real_ip" "$sent_http_content_type" "$cookie_session"`,
		line: `::1 "203.0.113.9" "text/html; charset=utf-8" "abc"`,
		want: fv{"header_x_real_ip": "203.0.113.9", "response_header_content_type": "text/html; charset=utf-8", "cookie_session": "abc"}},
	{name: "variable names any case", format: `$Remote_Addr $STATUS`, line: `::1 500`, want: fv{"host": "::1", "status": "500"}},

	// Escaping: default \xHH.
	{name: "default escape", format: nginxMain,
		line: `::1 - - [21/Nov/2026:10:00:00 +0000] "GET /\x22a\x22 HTTP/1.1" 200 5 "-" "Mozilla \x5C\x22x\x22 \xD0\xB9\x09" "-"`,
		want: fv{"request": `GET /"a" HTTP/1.1`, "target": `/"a"`, "user_agent": "Mozilla \\\"x\" \xd0\xb9\t"}},
	{name: "default escape user", format: `$remote_user [$time_local]`, line: `jo\x20e [21/Nov/2026:10:00:00 +0000]`,
		want: fv{"user": "jo e"}},
	{name: "empty header is empty", format: nginxMain,
		line: `::1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "" "" "-"`,
		want: fv{"referer": "", "user_agent": ""}},

	// escape=json.
	{name: "json", format: nginxJSON,
		line: `{"time_local":"21/Nov/2026:10:00:00 +0000","remote_addr":"198.51.100.4","remote_user":"","request":"GET /q?s=\"x\" HTTP/1.1","status": "200","body_bytes_sent":"612","request_time":"0.004","http_referrer":"","http_user_agent":"curl\\8 \u0001\t\u00e9"}`,
		want: fv{"time": "2026-11-21T10:00:00+00:00", "host": "198.51.100.4", "user": "null", "request": `GET /q?s="x" HTTP/1.1`,
			"target": `/q?s="x"`, "status": "200", "bytes": "612", ".Duration": "4000", "referer": "null",
			"user_agent": "curl\\8 \x01\t\u00e9"}},
	{name: "json numbers unquoted", format: `log_format j escape=json '{"s":$status,"b":$body_bytes_sent,"t":$request_time,"u":"$http_user_agent"}';`,
		line: `{"s":301,"b":0,"t":0.010,"u":"a\/b \ud83d\ude00"}`,
		want: fv{"status": "301", "bytes": "0", ".Duration": "10000", "user_agent": "a/b \U0001F600"}},

	// escape=none: a backslash is a backslash.
	{name: "none", format: `log_format raw escape=none '$remote_addr "$http_user_agent"';`,
		line: `::1 "a\x22b\n"`, want: fv{"user_agent": `a\x22b\n`}},

	// Quoted pieces without the directive.
	{name: "pieces", format: `'$remote_addr - $remote_user [$time_local] ' '"$request" $status $body_bytes_sent';`,
		line: docLine, want: fv{"host": "127.0.0.1", "user": "frank", "status": "200", "bytes": "2326"}},
	{name: "directive comments", format: "log_format  main  # the usual\n  '$remote_addr \"$request\"' # host, request\n  ' $status';",
		line: `::1 "GET / HTTP/1.1" 200`, want: fv{"status": "200", "target": "/"}},
	{name: "directive and the next one", format: "log_format x '$remote_addr $status';\naccess_log /var/log/nginx/access.log x;",
		line: `::1 200`, want: fv{"status": "200"}},
	{name: "double-quoted pieces", format: `log_format x "$remote_addr \"$request\"";`,
		line: `::1 "GET / HTTP/1.1"`, want: fv{"target": "/"}},

	// Malformed lines name the field.
	{name: "bad request_time", format: `$remote_addr $request_time`, line: `::1 0.1x`, wantErr: "duration_us"},
	{name: "bad request_time dot", format: `$remote_addr $request_time`, line: `::1 1.`, wantErr: "duration_us"},
	{name: "bad request_time huge", format: `$remote_addr $request_time`, line: `::1 99999999999999.1`, wantErr: "duration_us"},
	{name: "bad status", format: `$remote_addr $status`, line: `::1 2O0`, wantErr: "status"},
	{name: "bad msec", format: `$msec $status`, line: `1700000000 200`, wantErr: "time"},
	{name: "bad iso time", format: `$time_iso8601 $status`, line: `2026-13-21T10:00:00+00:00 200`, wantErr: "time"},
}

func TestNginxCases(t *testing.T) {
	runCompiledCases(t, nginxCases)
}

// The cache and partial files keep a Format by its Name and look it up
// again: an nginx format must come back the same.
func TestNginxNameRoundTrip(t *testing.T) {
	for _, s := range []string{nginxMain, nginxCombinedDirective, nginxJSON, `${remote_addr}x`} {
		f, err := LookupFormat(s)
		if err != nil {
			t.Fatalf("LookupFormat(%q): %v", s, err)
		}
		if f.Name != s {
			t.Errorf("LookupFormat(%q).Name = %q, want the string itself", s, f.Name)
		}
		again, err := LookupFormat(f.Name)
		if err != nil {
			t.Fatalf("LookupFormat(Name %q): %v", f.Name, err)
		}
		if got, want := fieldNames(again), fieldNames(f); got != want {
			t.Errorf("LookupFormat(Name).Fields = %s, want %s", got, want)
		}
	}
}

func fieldNames(f *Format) string {
	var b strings.Builder
	for _, fd := range f.Fields() {
		b.WriteString(fd.Name + "=" + fd.Directive + " ")
	}
	return b.String()
}

func TestNginxFields(t *testing.T) {
	f, err := CompileNginx(nginxMain)
	if err != nil {
		t.Fatal(err)
	}
	want := "host=$remote_addr user=$remote_user time=$time_local request=$request method=$request " +
		"target=$request protocol=$request status=$status bytes=$body_bytes_sent referer=$http_referer " +
		"user_agent=$http_user_agent header_x_forwarded_for=$http_x_forwarded_for "
	if got := fieldNames(f); got != want {
		t.Errorf("CompileNginx(main).Fields = %s\nwant %s", got, want)
	}
}

// LookupFormat tells nginx formats from Apache's.
func TestLookupFormatNginxOrApache(t *testing.T) {
	tests := []struct {
		s     string
		nginx bool
	}{
		{nginxMain, true},
		{nginxCombinedDirective, true},
		{`  log_format x '$status';`, true},
		{`${status}`, true},
		{`$status 100%`, true}, // a % that makes no Apache format
		{`%h %l %u %t "%r" %>s %b`, false},
		{`%h $ %>s`, false},  // a lone $ is text
		{`%h $5 %>s`, false}, // compiles as Apache: Apache's
		{`LogFormat "%h %>s" common`, false},
		{`%h %>s $ratio%%`, false},
	}
	for _, tc := range tests {
		f, err := LookupFormat(tc.s)
		if err != nil {
			t.Errorf("LookupFormat(%q): %v", tc.s, err)
			continue
		}
		_, isNginx := strings.CutPrefix(f.Fields()[0].Directive, "$")
		if isNginx != tc.nginx {
			t.Errorf("LookupFormat(%q) is nginx: %v, want %v (fields %s)", tc.s, isNginx, tc.nginx, fieldNames(f))
		}
	}
}

// A string with an Apache directive and a $variable that does not compile
// is a mistyped Apache format: the error is Apache's, not a format that
// reads "%h" as literal text.
func TestLookupFormatApacheMistake(t *testing.T) {
	_, err := LookupFormat(`%h %Z $foo`)
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "unknown directive %Z") {
		t.Errorf("LookupFormat(%q) = %v, want Apache's unknown directive %%Z", `%h %Z $foo`, err)
	}
}

func TestCompileNginxErrors(t *testing.T) {
	tests := []struct {
		format string
		column int
		msg    string
	}{
		{`$remote_addr $`, 14, "without a variable name"},
		{`$remote_addr ${status`, 14, "closing }"},
		{`${}`, 1, "without a variable name"},
		{`log_format main escape=xml '$status';`, 17, "unknown escape=xml"},
		{`log_format main;`, 17, "without a format string"},
		{`log_format main '$status`, 17, "unterminated"},
		{`log_format main '$status'x;`, 26, "followed by a space"},
		{`log_format main 'no variables';`, 1, "no variable"},
		{"log_format main\n  '$status $'\n;", 28, "without a variable name"},
	}
	for _, tc := range tests {
		_, err := CompileNginx(tc.format)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("CompileNginx(%q) = %v, want a *FormatError", tc.format, err)
			continue
		}
		if fe.Column != tc.column || !strings.Contains(fe.Msg, tc.msg) || fe.LogFormat != tc.format {
			t.Errorf("CompileNginx(%q) = column %d %q (in %q), want column %d %q", tc.format, fe.Column, fe.Msg, fe.LogFormat, tc.column, tc.msg)
		}
	}
}

// Parsing nginx lines, escapes decoded included, allocates nothing once
// the Parser is warm.
func TestNginxAllocs(t *testing.T) {
	tests := []struct{ format, line string }{
		{nginxMainExt, string(mainExtLine([]byte(`::1 - - [21/Nov/2026:10:00:00 +0000] "GET /\x22a\x22 HTTP/1.1" 200 5 "-" "Mozilla \x5C\xD0\xB9"`)))},
		{nginxJSON, `{"time_local":"21/Nov/2026:10:00:00 +0000","remote_addr":"::1","remote_user":"","request":"GET /\"x\" HTTP/1.1","status": "200","body_bytes_sent":"612","request_time":"0.004","http_referrer":"","http_user_agent":"curl\\8 \u0001"}`},
		{`$msec $time_iso8601 "$request"`, `1795251600.123 2026-11-21T10:00:00+01:00 "GET / HTTP/1.1"`},
	}
	for _, tc := range tests {
		p := NewParser(mustCompileNginx(t, tc.format))
		var rec Record
		line := []byte(tc.line)
		if err := p.Parse(line, &rec); err != nil {
			t.Fatalf("Parse(%q): %v", line, err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = p.Parse(line, &rec) }); n != 0 {
			t.Errorf("Parse(%q) allocates %v times a call on a warm Parser, want 0", line, n)
		}
	}
}

// DecodeEscape, which the prefilter asks which escapes could make a
// literal's bytes, knows the JSON escapes Apache's decoder does not.
func TestDecodeEscapeJSON(t *testing.T) {
	tests := []struct {
		s string
		c byte
		n int
	}{
		{`x22`, '"', 3}, {`"`, '"', 1}, {`f`, '\f', 1}, {`/`, '/', 1}, {`u0001`, 1, 5},
		{`u00e9`, 0xc3, 5}, {`ud83d\ude00`, 0xf0, 11}, {`u00g9`, 0, 0}, {`u12`, 0, 0}, {`q`, 0, 0},
	}
	for _, tc := range tests {
		if c, n := DecodeEscape([]byte(tc.s)); c != tc.c || n != tc.n {
			t.Errorf("DecodeEscape(%q) = %#x, %d, want %#x, %d", tc.s, c, n, tc.c, tc.n)
		}
	}
}
