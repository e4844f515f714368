package logparse

import "testing"

func TestSniffErrorLog(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"apache 2.4", []string{"[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico"}, "an Apache error log"},
		{"apache 2.2", []string{"[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test"}, "an Apache error log"},
		{"apache, a continuation line", []string{"[Wed Oct 11 14:32:52 2000] [error] x", "  traceback", "[Wed Oct 11 14:32:53 2000] [error] y"}, "an Apache error log"},
		{"nginx", []string{`2026/11/21 10:00:00 [error] 1234#1234: *1 open() "/x" failed (2: No such file or directory), client: 192.0.2.9`}, "an nginx error log"},
		{"nginx notice", []string{"2026/11/21 10:00:00 [notice] 1#1: signal process started"}, "an nginx error log"},
		{"access log", []string{`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`}, ""},
		{"bracketed access time", []string{`[10/Oct/2000:13:55:36 -0700] 192.0.2.1 "GET / HTTP/1.0" 200`}, ""},
		{"nginx-like, unknown level", []string{"2026/11/21 10:00:00 [bogus] 1#1: x"}, ""},
		{"empty", []string{"", ""}, ""},
		{"mostly access", []string{"[Wed Oct 11 14:32:52 2000] [error] x", `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var lines [][]byte
			for _, l := range tc.lines {
				lines = append(lines, []byte(l))
			}
			if got := SniffErrorLog(lines); got != tc.want {
				t.Errorf("SniffErrorLog(%q) = %q, want %q", tc.lines, got, tc.want)
			}
		})
	}
}
