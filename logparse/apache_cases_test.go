package logparse

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// The directives and edge cases of Apache's own documentation (mod_log_config,
// mod_logio, mod_ssl) that the older cases do not cover: each line is what
// httpd writes for its format.
const (
	// Debian's and RHEL's ssl.conf: CustomLog ... ssl_request_log.
	sslRequestLog = `%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`
	// clfUnquoted is common with the request line not quoted.
	clfUnquoted = `%h %l %u %t %r %>s %b`
)

var apacheDocCases = []compiledCase{
	// ---- mod_ssl: %{VAR}x ----------------------------------------------
	{name: "ssl_request_log", format: sslRequestLog,
		line: `[02/Dec/2026:10:15:02 +0100] 203.0.113.9 TLSv1.3 TLS_AES_256_GCM_SHA384 "GET /index.html HTTP/1.1" 5120`,
		want: fv{"time": "2026-12-02T10:15:02+01:00", "host": "203.0.113.9", "ssl_protocol": "TLSv1.3",
			"ssl_cipher": "TLS_AES_256_GCM_SHA384", "method": "GET", "target": "/index.html", "bytes": "5120"}},
	{name: "ssl_request_log without TLS", format: sslRequestLog,
		line: `[02/Dec/2026:10:15:02 +0100] 203.0.113.9 - - "GET / HTTP/1.1" -`,
		want: fv{"ssl_protocol": "null", "ssl_cipher": "null", "bytes": "null", ".Bytes": "-1"}},
	{name: "%x with spaces, quoted", format: `%h "%{SSL_CLIENT_S_DN}x" %>s`,
		line: `h "CN=Jane Doe,O=Example Corp" 200`, want: fv{"ssl_client_s_dn": "CN=Jane Doe,O=Example Corp"}},
	{name: "%x is logged raw: a backslash is itself", format: `%h %{SSL_CLIENT_S_DN_CN}x %>s`,
		line: `h a\x41 200`, want: fv{"ssl_client_s_dn_cn": `a\x41`}},
	{name: "%x of a variable without SSL_", format: `%h %{HTTPS}x`, line: `h on`, want: fv{"ssl_var_https": "on"}},
	{name: "%x case as written", format: `%h %{ssl_protocol}x`, line: `h TLSv1.2`, want: fv{"ssl_protocol": "TLSv1.2"}},
	{name: "%x and %c of one variable", format: `%{SSL_PROTOCOL}x %{version}c`, line: `TLSv1.2 TLSv1.2`,
		want: fv{"ssl_protocol": "TLSv1.2", "ssl_protocol_2": "TLSv1.2"}},

	// ---- mod_ssl: %{name}c ---------------------------------------------
	{name: "%c version cipher", format: `%h %{version}c %{cipher}c %>s`, line: `h TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 200`,
		want: fv{"ssl_protocol": "TLSv1.2", "ssl_cipher": "ECDHE-RSA-AES128-GCM-SHA256", "status": "200"}},
	{name: "%c subjectdn issuerdn", format: `"%{subjectdn}c" "%{issuerdn}c"`, line: `"CN=client" "CN=Example CA,O=Example"`,
		want: fv{"ssl_client_s_dn": "CN=client", "ssl_client_i_dn": "CN=Example CA,O=Example"}},
	{name: "%c clientcert cacert", format: `"%{clientcert}c" "%{cacert}c"`, line: `"CN=a" "CN=b"`,
		want: fv{"ssl_client_s_dn": "CN=a", "ssl_client_i_dn": "CN=b"}},
	{name: "%c errcode is always -", format: `%h %{errcode}c %{errstr}c`, line: `h - certificate has expired`,
		want: fv{"ssl_errcode": "null", "ssl_errstr": "certificate has expired"}},
	{name: "%c unknown name logs -", format: `%h %{Version}c`, line: `h -`, want: fv{"ssl_c_version": "null"}},

	// ---- trailers and mod_logio ------------------------------------------
	{name: "%^ti %^to", format: `%h "%{X-Checksum}^ti" "%{Grpc-Status}^to"`, line: `h "ab\"c" "0"`,
		want: fv{"trailer_x_checksum": `ab"c`, "response_trailer_grpc_status": "0"}},
	{name: "%^to absent", format: `%h %{Grpc-Message}^to`, line: `h -`, want: fv{"response_trailer_grpc_message": "null"}},
	{name: "%^FB", format: `%h %>s %^FB %D`, line: `h 200 1532 2210`, want: fv{"ttfb_us": "1532", "duration_us": "2210"}},
	{name: "%^FB not tracked", format: `%h %>s %^FB`, line: `h 200 -`, want: fv{"ttfb_us": "null"}},
	{name: "%L and %{c}L", format: `%h %L %{c}L`, line: `h YHGz@n8AAQEAACqvyPIAAAAD YHGz@n8AAQEAACqv`,
		want: fv{"log_id": "YHGz@n8AAQEAACqvyPIAAAAD", "connection_log_id": "YHGz@n8AAQEAACqv"}},

	// ---- arguments as Apache's strcasecmp compares them -------------------
	{name: "%{MS}T", format: `%h %{MS}T`, line: `h 12`, want: fv{"duration_ms": "12", ".Duration": "12000"}},
	{name: "%{Us}T", format: `%h %{Us}T`, line: `h 12`, want: fv{"duration_us": "12", ".Duration": "12"}},
	{name: "%{S}T", format: `%h %{S}T`, line: `h 3`, want: fv{"duration_s": "3", ".Duration": "3000000"}},
	{name: "%{REMOTE}p", format: `%h %{REMOTE}p`, line: `h 51234`, want: fv{"remote_port": "51234"}},
	{name: "%{Local}p %{CANONICAL}p", format: `%{CANONICAL}p %{Local}p`, line: `443 8443`,
		want: fv{"port": "443", "local_port": "8443", ".Port": "443"}},
	{name: "%{TID}P", format: `%h %{TID}P`, line: `h 140245567887104`, want: fv{"tid": "140245567887104"}},
	{name: "%{PID}P", format: `%h %{PID}P`, line: `h 4242`, want: fv{"pid": "4242"}},

	// ---- %{hextid}P ----------------------------------------------------
	{name: "%{hextid}P", format: `%h %{hextid}P`, line: `h 7f8c4d7fa700`, want: fv{"tid": "140240572360448"}},
	{name: "%{hextid}P upper-case digits", format: `%h %{hextid}P`, line: `h 7F8C4D7FA700`, want: fv{"tid": "140240572360448"}},
	{name: "%{hextid}P beside %{tid}P", format: `%{tid}P %{hextid}P`, line: `255 ff`, want: fv{"tid": "255", "tid_2": "255"}},
	{name: "%{hextid}P -", format: `%h %{hextid}P %>s`, line: `h - 200`, want: fv{"tid": "null"}},
	{name: "%{HEXTID}P is decimal, as Apache writes it", format: `%h %{HEXTID}P`, line: `h 4096`, want: fv{"tid": "4096"}},
	{name: "%{hextid}P not hex", format: `%h %{hextid}P`, line: `h 7g`, wantErr: "tid"},
	{name: "%{hextid}P too long", format: `%h %{hextid}P`, line: `h ffffffffffffffff`, wantErr: "tid"},

	// ---- literal text only ---------------------------------------------
	{name: "%% only", format: `%%`, line: `%`, want: fv{}},
	{name: "literal and %%", format: `up 100%% ok`, line: `up 100% ok`, want: fv{}},
	{name: "literal only, other line", format: `up 100%% ok`, line: `down`, wantErr: "line"},

	// ---- strftime without a date: the time is null -----------------------
	{name: "time of day only", format: `%{%H:%M:%S}t %h`, line: `13:55:36 a`, want: fv{"time": "null", "host": "a"}},
	{name: "no year", format: `[%{%d/%b %H:%M:%S}t] %h`, line: `[10/Oct 13:55:36] a`, want: fv{"time": "null", "host": "a"}},
	{name: "syslog-like", format: `%{%b %e %T}t %h`, line: `Oct  1 13:55:36 a`, want: fv{"time": "null"}},
	{name: "year and month only", format: `%{%Y-%m}t %h`, line: `2000-10 a`, want: fv{"time": "null"}},
	{name: "time with msec_frac only", format: `%{%T}t.%{msec_frac}t %h`, line: `13:55:36.123 a`, want: fv{"time": "null"}},
	{name: "end time of day only", format: `%t %{end:%T}t`, line: `[10/Oct/2000:13:55:36 -0700] 13:55:37`,
		want: fv{"time": "2000-10-10T13:55:36-07:00", "time_end": "null"}},
	{name: "time of day still checked", format: `%{%H:%M:%S}t %h`, line: `25:55:36 a`, wantErr: "time"},
	{name: "dated pieces still resolved", format: `%{%d/%m/%Y}t %{%T}t`, line: `30/02/2000 13:55:36`, wantErr: "time"},
	{name: "day of year is a date", format: `%{%Y %j}t %h`, line: `2000 284 a`, want: fv{"time": "2000-10-10T00:00:00+00:00"}},

	// ---- one field repeated with status conditions ------------------------
	{name: `"%400r" "%r"`, format: `"%400r" "%r"`, line: `"-" "GET /index.html HTTP/1.1"`,
		want: fv{"request": "GET /index.html HTTP/1.1", "target": "/index.html"}},
	{name: `"%r" "%400r"`, format: `"%r" "%400r"`, line: `"GET /index.html HTTP/1.1" "-"`,
		want: fv{"request": "GET /index.html HTTP/1.1", "method": "GET"}},
	{name: `"%!400r" "%r"`, format: `"%!400r" "%r"`, line: `"-" "GET /index.xml HTTP/1.1"`,
		want: fv{"request": "GET /index.xml HTTP/1.1"}},
	{name: `"%r" "%!400r"`, format: `"%r" "%!400r"`, line: `"GET /index.xml HTTP/1.1" "-"`,
		want: fv{"request": "GET /index.xml HTTP/1.1"}},
	{name: `%400r "%r" both present`, format: `%>s %400r "%r"`, line: `400 GET /x HTTP/1.1 "GET /x HTTP/1.1"`,
		want: fv{"request": "GET /x HTTP/1.1", "protocol": "HTTP/1.1"}},
	{name: `%400r "%r" absent first`, format: `%>s %400r "%r"`, line: `200 - "GET /x HTTP/1.1"`,
		want: fv{"request": "GET /x HTTP/1.1", "target": "/x"}},
	{name: "conditional referer repeated", format: `%h "%!200{Referer}i" "%{Referer}i"`, line: `h "-" "http://a/"`,
		want: fv{"referer": "http://a/"}},
	{name: "conditional header repeated", format: `%h %{X-Id}i %404{X-Id}i`, line: `h abc -`, want: fv{"header_x_id": "abc"}},
	{name: "conditional status beside the final one", format: `%400s %>s`, line: `- 200`,
		want: fv{"status_original": "null", "status": "200", ".Status": "200"}},
	{name: "%<s %s %>s", format: `%<s %s %>s`, line: `201 202 203`,
		want: fv{"status_original": "201", "status_original_2": "202", "status": "203"}},

	// ---- conditions, modifiers and %% around other fields ------------------
	{name: "%<{Referer}i %{Referer}i %>{Referer}i", format: `%<{Referer}i %{Referer}i %>{Referer}i`,
		line: `http://a/o http://a/d http://a/f`, want: fv{"referer": "http://a/o", "referer_2": "http://a/d", "referer_3": "http://a/f"}},
	{name: "%200f -", format: `%200f`, line: `-`, want: fv{"filename": "null"}},
	{name: "%200f", format: `%200f`, line: `/var/www/html/index.html`, want: fv{"filename": "/var/www/html/index.html"}},
	{name: "%200{%Y-%m-%d}t -", format: `%200{%Y-%m-%d}t`, line: `-`, want: fv{"time": "null"}},
	{name: "%200{%Y-%m-%d}t", format: `%200{%Y-%m-%d}t`, line: `2019-05-06`, want: fv{"time": "2019-05-06T00:00:00+00:00"}},
	{name: "%200t -", format: `%200t`, line: `-`, want: fv{"time": "null"}},
	{name: "%200{}t -", format: `%200{}t`, line: `-`, want: fv{"time": "null"}},
	{name: "%<t", format: `%<t`, line: `[14/Apr/2018:18:39:42 +0000]`, want: fv{"time": "2018-04-14T18:39:42+00:00"}},
	{name: "%>{...}t pieces", format: `%>{%Y-%m-%dT%H:%M:%S}t.%>{usec_frac}t%>{%z}t`, line: `2019-05-06T12:09:43.123456-0400`,
		want: fv{"time": "2019-05-06T12:09:43.123456-04:00"}},
	{name: "%% between fields", format: `%m %% %U%q %% %H`, line: `GET % /index.html?foo % HTTP/1.1`,
		want: fv{"method": "GET", "url_path": "/index.html", "query": "?foo", "protocol": "HTTP/1.1", ".Target": "/index.html?foo"}},
	{name: "mod_wsgi debugging format", format: `%{%Y-%m-%d %H:%M:%S %z}t [%{msec_frac}t] %s %a:%{remote}p <-> %A:%p "%m" "%U%q" "%f" %P:%{tid}P "%R"`,
		line: `2019-05-05 20:49:14 +0000 [690] 403 172.21.0.1:44782 <-> 172.21.0.2:80 "GET" "/wsgi/test?q=foo" "/usr/local/app/run.wsgi" 16:140168282543872 "wsgi-script"`,
		want: fv{"time": "2019-05-05T20:49:14.690+00:00", "status": "403", "remote_ip": "172.21.0.1", "remote_port": "44782",
			"local_ip": "172.21.0.2", "port": "80", "method": "GET", "url_path": "/wsgi/test", "query": "?q=foo",
			"filename": "/usr/local/app/run.wsgi", "pid": "16", "tid": "140168282543872", "handler": "wsgi-script"}},

	// ---- pasted httpd.conf lines ---------------------------------------------
	{name: "ssl.conf CustomLog, continued", format: "CustomLog logs/ssl_request_log \\\n          \"%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \\\"%r\\\" %b\"",
		line: `[02/Dec/2026:10:15:02 +0100] 203.0.113.9 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET / HTTP/1.1" 5`,
		want: fv{"ssl_protocol": "TLSv1.2", "target": "/", "bytes": "5"}},
	{name: "CustomLog to a pipe, with env=", format: `customlog "|/usr/bin/rotatelogs /var/log/x 86400" "%h %>s" env=HTTPS`,
		line: `h 200`, want: fv{"host": "h", "status": "200"}},
	{name: "CustomLog with an unquoted format", format: `CustomLog logs/x %h`, line: `h`, want: fv{"host": "h"}},
	{name: "LogFormat continued over lines", format: "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b \\\n\\\"%{Referer}i\\\" %{ratio}n%% \\\r\n%D\" extended",
		line: `h - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" 42% 1500`,
		want: fv{"status": "200", "referer": "null", "note_ratio": "42", "duration_us": "1500"}},
	{name: "logformat in lower case", format: `logformat "%h %>s" x`, line: `h 200`, want: fv{"status": "200"}},
	{name: "ModSecurity %{VAR}M", format: `%h %{TX.anomaly_score}M %{TX.perf_modsecinbound}M`, line: `h 5 -`,
		want: fv{"modsec_tx_anomaly_score": "5", "modsec_tx_perf_modsecinbound": "null"}},

	// ---- %r not quoted -----------------------------------------------------
	{name: "unquoted request", format: clfUnquoted, line: `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GET /a?b=c HTTP/1.1 200 5`,
		want: fv{"method": "GET", "target": "/a?b=c", "protocol": "HTTP/1.1", "status": "200", "bytes": "5"}},
	{name: "unquoted request -", format: clfUnquoted, line: `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] - 400 0`,
		want: fv{"request": "null", "status": "400"}},
	// Lines with no reading as three words: the field after the request
	// does not fit.
	{name: "unquoted request with a space in the target", format: clfUnquoted,
		line: `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GET /a b HTTP/1.1 200 5`, wantErr: "status"},
	{name: "unquoted request of two words", format: clfUnquoted,
		line: `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GET / 200 5`, wantErr: "status"},
	{name: "unquoted request of one word", format: clfUnquoted,
		line: `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GARBAGE 200 5`, wantErr: "request"},
	{name: "unquoted request in brackets", format: `%h [%r] %>s`, line: `h [GET /a HTTP/1.0] 200`,
		want: fv{"target": "/a", "protocol": "HTTP/1.0"}},
	{name: "unquoted request before a time", format: `%h %r %t`, line: `h GET /a HTTP/1.0 [10/Oct/2000:13:55:36 -0700]`,
		want: fv{"target": "/a", "time": "2000-10-10T13:55:36-07:00"}},
	{name: "unquoted request last runs to the end", format: `%h %r`, line: `h GET /a b HTTP/1.0`,
		want: fv{"request": "GET /a b HTTP/1.0"}},
	{name: "unquoted request escapes decoded", format: `%h %r %>s`, line: `h GET /\x22 HTTP/1.1 200`,
		want: fv{"target": `/"`}},
}

func TestApacheDocCases(t *testing.T) {
	runCompiledCases(t, apacheDocCases)
}

// A field repeated under status conditions is listed once; one without
// conditions keeps a field per directive.
func TestRepeatedConditionalFields(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{`"%400r" "%r"`, []string{"request", "method", "target", "protocol"}},
		{`%h "%!200{Referer}i" "%{Referer}i"`, []string{"host", "referer"}},
		{`%{X-A}i %{X-A}i`, []string{"header_x_a", "header_x_a_2"}},
		{`%%`, nil},
	}
	for _, tc := range tests {
		f, err := Compile(tc.format)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.format, err)
		}
		var got []string
		for _, fd := range f.Fields() {
			got = append(got, fd.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Compile(%q).Fields() = %q, want %q", tc.format, got, tc.want)
		}
	}
}

func TestApacheDirectiveErrors(t *testing.T) {
	tests := []struct {
		format string
		column int
		msg    string
	}{
		{"%h %x", 4, "needs a {name}"},
		{"%h %{}c", 4, "needs a {name}"},
		{"%h %^ti", 4, "needs a {name}"},
		{"%h %^t", 4, "two letters"},
		{"%h %^zz", 4, "unknown directive %^zz"},
		{"%{x}^FB", 1, "takes no"},
		{"%{MSEC}T", 1, "unknown argument"},
		{"%{C}a", 1, "unknown argument"}, // Apache compares %a's and %h's with strcmp
		{`LogFormat ""`, 12, "empty"},
		{`CustomLog logs/access_log combined`, 1, "nickname"},
		{"CustomLog logs/x \\\n  \"%h %Q\"", 26, "unknown directive %Q"},
		{"%M", 1, "needs a {name}"},
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
	}
}

// The ssl_request_log of testdata, read line by line: the TLS versions and
// ciphers it holds, worked out by hand, and its one torn line.
func TestSSLRequestLogFile(t *testing.T) {
	text, err := os.ReadFile("../testdata/formats/apache_ssl_request_log")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compile(sslRequestLog)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]Field{}
	for _, fd := range f.Fields() {
		fields[fd.Name] = fd
	}
	p, rec := NewParser(f), &Record{}
	protocols, ciphers := map[string]int{}, map[string]int{}
	var malformed []int
	for i, line := range bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n")) {
		if err := p.Parse(line, rec); err != nil {
			malformed = append(malformed, i+1)
			continue
		}
		v, _ := rec.AppendValue(nil, fields["ssl_protocol"])
		protocols[string(v)]++
		v, _ = rec.AppendValue(nil, fields["ssl_cipher"])
		ciphers[string(v)]++
		if i+1 == 8 {
			if got := string(rec.Target); got != `/search?q="apache"+ssl` {
				t.Errorf("line 8: Target = %q, want the escaped quotes decoded", got)
			}
		}
	}
	if want := map[string]int{"TLSv1.3": 12, "TLSv1.2": 5}; !maps.Equal(protocols, want) {
		t.Errorf("ssl_protocol counts = %v, want %v", protocols, want)
	}
	if len(ciphers) != 5 || ciphers["ECDHE-RSA-CHACHA20-POLY1305"] != 3 {
		t.Errorf("ssl_cipher counts = %v, want 5 ciphers, ECDHE-RSA-CHACHA20-POLY1305 3 times", ciphers)
	}
	if !slices.Equal(malformed, []int{16}) {
		t.Errorf("malformed lines = %v, want [16]", malformed)
	}
}
