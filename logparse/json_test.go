package logparse

import (
	"errors"
	"strings"
	"testing"
)

// Lines as the servers' documentation shows them.
const (
	// Caddy's docs (caddyserver.com/docs/caddyfile/directives/log).
	caddyDocLine = `{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Accept-Encoding":["gzip, deflate, br"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Encoding":["gzip"],"Content-Type":["text/html; charset=utf-8"],"Vary":["Accept-Encoding"]}}`
	// Traefik's access-log docs, JSON format, headers kept.
	traefikDocLine = `{"ClientAddr":"192.168.1.10:54321","ClientHost":"192.168.1.10","ClientPort":"54321","ClientUsername":"-","DownstreamContentSize":19,"DownstreamStatus":200,"Duration":2154730,"OriginContentSize":19,"OriginDuration":1924500,"OriginStatus":200,"Overhead":230230,"RequestAddr":"whoami.example.com","RequestContentSize":0,"RequestCount":1,"RequestHost":"whoami.example.com","RequestMethod":"GET","RequestPath":"/api?x=1","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"http","RetryAttempts":0,"RouterName":"whoami@docker","StartLocal":"2020-08-27T11:33:02.487405683+02:00","StartUTC":"2020-08-27T09:33:02.487405683Z","entryPointName":"web","level":"info","msg":"","request_User-Agent":"curl/7.68.0","time":"2020-08-27T11:33:02+02:00"}`
	// nginx: log_format main escape=json '{"time_local":"$time_local",...}'.
	nginxDocLine = `{"time_local":"10/Oct/2000:13:55:36 -0700","remote_addr":"192.0.2.7","remote_user":"","request":"GET /a%20b?c=d HTTP/1.1","status": "404","body_bytes_sent":"0","request_time":"0.012","http_referrer":"","http_user_agent":"Mozilla/5.0 \"quoted\" \u00e9\ud83d\ude00","host":"example.org"}`
)

func TestParseJSON(t *testing.T) {
	type want struct {
		host, user, method, target, protocol, referer, agent, vhost string
		status                                                      int
		bytes, dur, time                                            int64
		nsec, off                                                   int32
	}
	tests := []struct {
		name string
		f    *Format
		line string
		want want
	}{
		{"caddy docs", CaddyJSON, caddyDocLine, want{host: "127.0.0.1", method: "GET", target: "/", protocol: "HTTP/2.0",
			agent: "curl/7.82.0", vhost: "localhost", status: 200, bytes: 10900, dur: 929, time: 1646861401, nsec: 524102400}},
		{"traefik docs", TraefikJSON, traefikDocLine, want{host: "192.168.1.10", method: "GET", target: "/api?x=1", protocol: "HTTP/1.1",
			agent: "curl/7.68.0", vhost: "whoami.example.com", status: 200, bytes: 19, dur: 2154, time: 1598520782, nsec: 487405683}},
		{"nginx escape=json", NginxJSON, nginxDocLine, want{host: "192.0.2.7", method: "GET", target: "/a%20b?c=d", protocol: "HTTP/1.1",
			agent: `Mozilla/5.0 "quoted" é😀`, vhost: "example.org", status: 404, bytes: 0, dur: 12000, time: 971211336, off: -7 * 3600}},
		{"the union reads caddy", JSON, caddyDocLine, want{host: "127.0.0.1", method: "GET", target: "/", protocol: "HTTP/2.0",
			agent: "curl/7.82.0", vhost: "localhost", status: 200, bytes: 10900, dur: 929, time: 1646861401, nsec: 524102400}},
		{"the union reads traefik", JSON, traefikDocLine, want{host: "192.168.1.10", method: "GET", target: "/api?x=1", protocol: "HTTP/1.1",
			agent: "curl/7.68.0", vhost: "whoami.example.com", status: 200, bytes: 19, dur: 2154, time: 1598520782, nsec: 487405683}},
		{"client_ip over remote_ip, any key order", CaddyJSON, `{"status":301,"request":{"remote_ip":"10.0.0.1","client_ip":"203.0.113.5","uri":"/x"}}`,
			want{host: "203.0.113.5", target: "/x", status: 301, bytes: -1, dur: -1}},
		{"msec epoch, iso8601 preferred", NginxJSON, `{"msec":"1700000000.250","time_iso8601":"2023-11-14T22:13:20+00:00","status":200,"remote_addr":"::1"}`,
			want{host: "::1", status: 200, bytes: -1, dur: -1, time: 1700000000}},
		{"msec alone", NginxJSON, `{"msec":"1700000000.250","status":200,"remote_addr":"::1"}`,
			want{host: "::1", status: 200, bytes: -1, dur: -1, time: 1700000000, nsec: 250000000}},
		{"epoch milliseconds", NginxJSON, `{"timestamp":1700000000250,"status":200}`,
			want{status: 200, bytes: -1, dur: -1, time: 1700000000, nsec: 250000000}},
		{"epoch with exponent", CaddyJSON, `{"ts":1.7e9,"status":200,"duration":1.5e-05}`,
			want{status: 200, bytes: -1, dur: 15, time: 1700000000}},
		{"nulls and dashes are absent", NginxJSON, `{"remote_addr":"-","remote_user":null,"status":"-","body_bytes_sent":"-","request":"GET / HTTP/1.0"}`,
			want{method: "GET", target: "/", protocol: "HTTP/1.0", status: -1, bytes: -1, dur: -1}},
		{"whitespace everywhere", CaddyJSON, " { \"status\" : 200 , \"size\" :\t5 , \"request\" : { \"uri\" : \"/\" } } ",
			want{target: "/", status: 200, bytes: 5, dur: -1}},
		{"escaped slash and surrogate pair", CaddyJSON, `{"status":200,"request":{"uri":"\/caf\u00e9\/\ud83d\ude00","headers":{"Referer":["a\\b"]}}}`,
			want{target: "/café/😀", referer: `a\b`, status: 200, bytes: -1, dur: -1}},
		{"lone surrogate", CaddyJSON, `{"status":200,"request":{"uri":"/\ud800x"}}`,
			want{target: "/\uFFFDx", status: 200, bytes: -1, dur: -1}},
		{"empty header array", CaddyJSON, `{"status":200,"request":{"headers":{"User-Agent":[]}}}`,
			want{status: 200, bytes: -1, dur: -1}},
		{"deep values skipped", CaddyJSON, `{"x":[[[{"a":"}]"}]]],"status":200,"y":{"z":{"w":[1,2,{"q":null}]}}}`,
			want{status: 200, bytes: -1, dur: -1}},
		{"flat dotted keys", CaddyJSON, `{"request.uri":"/flat","status":200}`,
			want{target: "/flat", status: 200, bytes: -1, dur: -1}},
		{"caddy before 2.5: remote_addr with a port", CaddyJSON, `{"status":200,"request":{"remote_addr":"[2001:db8::1]:443"}}`,
			want{host: "2001:db8::1", status: 200, bytes: -1, dur: -1}},
		{"traefik ClientAddr alone", TraefikJSON, `{"ClientAddr":"192.0.2.9:5678","DownstreamStatus":200}`,
			want{host: "192.0.2.9", status: 200, bytes: -1, dur: -1}},
		{"traefik local time", TraefikJSON, `{"StartLocal":"2020-08-27T11:33:02+02:00","DownstreamStatus":200}`,
			want{status: 200, bytes: -1, dur: -1, time: 1598520782, off: 7200}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			if err := NewParser(tc.f).Parse([]byte(tc.line), &rec); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			w := tc.want
			if w.time == 0 && w.nsec == 0 {
				if rec.HasTime() {
					t.Errorf("time = %d, want none", rec.Time)
				}
			} else if rec.Time != w.time || rec.Nsec != w.nsec || rec.Offset != w.off {
				t.Errorf("time = %d.%09d %+d, want %d.%09d %+d", rec.Time, rec.Nsec, rec.Offset, w.time, w.nsec, w.off)
			}
			for _, c := range []struct {
				name      string
				got, want string
			}{{"host", string(rec.Host), w.host}, {"user", string(rec.User), w.user}, {"method", string(rec.Method), w.method},
				{"target", string(rec.Target), w.target}, {"protocol", string(rec.Protocol), w.protocol},
				{"referer", string(rec.Referer), w.referer}, {"user_agent", string(rec.UserAgent), w.agent}, {"vhost", string(rec.VHost), w.vhost}} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
			if rec.Status != w.status || rec.Bytes != w.bytes || rec.Duration != w.dur {
				t.Errorf("status, bytes, duration = %d, %d, %d; want %d, %d, %d", rec.Status, rec.Bytes, rec.Duration, w.status, w.bytes, w.dur)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		name, line string
		field      string
	}{
		{"not an object", `["status",200]`, "line"},
		{"text", `status=200`, "line"},
		{"unterminated string", `{"status":200,"request":{"uri":"/x}}`, "line"},
		{"unterminated object", `{"status":200`, "line"},
		{"missing colon", `{"status" 200}`, "line"},
		{"trailing text", `{"status":200} x`, "line"},
		{"two objects", `{"status":200}{"status":200}`, "line"},
		{"no known key", `{"level":"info","msg":"started"}`, "line"},
		{"status not a number", `{"status":"OK"}`, "status"},
		{"status too long", `{"status":2000}`, "status"},
		{"size negative", `{"status":200,"size":-5}`, "bytes"},
		{"bad time", `{"status":200,"ts":"yesterday"}`, "time"},
		{"bad escape", `{"status":200,"request":{"uri":"/\x"}}`, "line"},
		{"short unicode escape", `{"status":200,"request":{"uri":"/\u00e"}}`, "line"},
		{"object for text", `{"status":200,"request":{"uri":{"a":1}}}`, "line"},
		{"too deep", `{"status":200,"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, "line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			err := NewParser(CaddyJSON).Parse([]byte(tc.line), &rec)
			var se *SyntaxError
			if !errors.As(err, &se) || se.Field != tc.field {
				t.Errorf("Parse(%q) = %v, want a %s error", tc.line, err, tc.field)
			}
		})
	}
}

func TestParseAnyTime(t *testing.T) {
	tests := []struct {
		in        string
		unit      timeUnit
		sec       int64
		nsec, off int32
		ok        bool
	}{
		{"1646861401.5241024", unitAuto, 1646861401, 524102400, 0, true},
		{"1646861401", unitAuto, 1646861401, 0, 0, true},
		{"1646861401524", unitAuto, 1646861401, 524000000, 0, true},
		{"1646861401524102", unitAuto, 1646861401, 524102000, 0, true},
		{"1646861401524102400", unitAuto, 1646861401, 524102400, 0, true},
		{"1646861401524", unitMS, 1646861401, 524000000, 0, true},
		{"1646861401", unitMS, 1646861, 401000000, 0, true},
		{"0.5", unitAuto, 0, 500000000, 0, true},
		{"2020-08-27T09:33:02.487405683Z", unitAuto, 1598520782, 487405683, 0, true},
		{"2020-08-27 11:33:02,5+0200", unitAuto, 1598520782, 500000000, 7200, true},
		{"2020-08-27T09:33:02-00:30", unitAuto, 1598522582, 0, -1800, true},
		{"27/Aug/2020:11:33:02 +0200", unitAuto, 1598520782, 0, 7200, true},
		{"2020-02-30T00:00:00Z", unitAuto, 0, 0, 0, false},
		{"2020-08-27T09:33:02", unitAuto, 0, 0, 0, false},
		{"2020-08-27T09:33:02.Z", unitAuto, 0, 0, 0, false},
		{"1e400", unitAuto, 0, 0, 0, false},
		{"99999999999999999999999", unitS, 0, 0, 0, false},
		{"", unitAuto, 0, 0, 0, false},
		{"-", unitAuto, 0, 0, 0, false},
		{"1.2.3", unitAuto, 0, 0, 0, false},
	}
	for _, tc := range tests {
		var days dayCache
		sec, nsec, off, ok := parseAnyTime([]byte(tc.in), tc.unit, &days)
		if ok != tc.ok || ok && (sec != tc.sec || nsec != tc.nsec || off != tc.off) {
			t.Errorf("parseAnyTime(%q) = %d, %d, %d, %v; want %d, %d, %d, %v", tc.in, sec, nsec, off, ok, tc.sec, tc.nsec, tc.off, tc.ok)
		}
	}
}

func TestScaledDecimal(t *testing.T) {
	tests := []struct {
		in    string
		scale int
		want  int64
		ok    bool
	}{
		{"0.000929675", 6, 929, true},
		{"0.012", 6, 12000, true},
		{"2154730", -3, 2154, true},
		{"1.5e-05", 6, 15, true},
		{"12E2", 0, 1200, true},
		{"007", 0, 7, true},
		{"0", 6, 0, true},
		{"123456789012345678901234", -10, 12345678901234, true},
		{".5", 1, 5, true},
		{"5.", 1, 50, true},
		{"", 0, 0, false},
		{".", 0, 0, false},
		{"1e", 0, 0, false},
		{"1e+", 0, 0, false},
		{"-1", 0, 0, false},
		{"1x", 0, 0, false},
		{"9223372036854775808", 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := scaledDecimal([]byte(tc.in), tc.scale)
		if ok != tc.ok || got != tc.want {
			t.Errorf("scaledDecimal(%q, %d) = %d, %v; want %d, %v", tc.in, tc.scale, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseJSONMapping(t *testing.T) {
	f, err := LookupFormat("json:host=client.ip,time=when:ms,duration=took:ms,status=http.code,user_agent=ua[0]")
	if err != nil {
		t.Fatal(err)
	}
	line := `{"client":{"ip":"198.51.100.4"},"when":1700000000123,"took":"250","http":{"code":"503"},"ua":["curl/8"],"remote_addr":"10.0.0.1","request":"GET /x HTTP/1.1"}`
	var rec Record
	if err := NewParser(f).Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.Host) != "198.51.100.4" || rec.Time != 1700000000 || rec.Nsec != 123000000 || rec.Duration != 250000 ||
		rec.Status != 503 || string(rec.UserAgent) != "curl/8" || string(rec.Target) != "/x" {
		t.Errorf("Parse(%s) = host %q, time %d.%09d, duration %d, status %d, agent %q, target %q", line,
			rec.Host, rec.Time, rec.Nsec, rec.Duration, rec.Status, rec.UserAgent, rec.Target)
	}
	if again, err := LookupFormat(f.Name); err != nil || again.Name != f.Name {
		t.Errorf("LookupFormat(%q) = %v, %v; want the same mapping", f.Name, again, err)
	}
	for _, bad := range []string{"json:", "json:host", "json:colour=x", "json:host=", "json:time=ts:weeks", "json:host=a..b", "json:status=code:ms"} {
		_, err := LookupFormat(bad)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("LookupFormat(%q) = %v, want a *FormatError", bad, err)
		}
	}
}

func TestJSONFormatsRoundTrip(t *testing.T) {
	for _, f := range structuredFormats {
		got, err := LookupFormat(f.Name)
		if err != nil || got != f {
			t.Errorf("LookupFormat(%q) = %v, %v; want the format itself", f.Name, got, err)
		}
	}
}

func TestJSONAllocs(t *testing.T) {
	for _, tc := range []struct {
		f    *Format
		line string
	}{{CaddyJSON, caddyDocLine}, {TraefikJSON, traefikDocLine}, {NginxJSON, nginxDocLine}, {JSON, caddyDocLine}} {
		p := NewParser(tc.f)
		var rec Record
		line := []byte(tc.line)
		var buf []byte
		if n := testing.AllocsPerRun(100, func() {
			if err := p.Parse(line, &rec); err != nil {
				t.Fatal(err)
			}
			buf = AppendJSON(buf[:0], tc.f, &rec)
		}); n != 0 {
			t.Errorf("%s: Parse and AppendJSON allocate %v times a line, want 0", tc.f.Name, n)
		}
	}
}
