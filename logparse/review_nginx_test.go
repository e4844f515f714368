package logparse

import "testing"

// An unquoted $request is read as Apache's unquoted %r is: three words,
// METHOD TARGET PROTOCOL, then the text that follows it, or "-".
func TestNginxUnquotedRequest(t *testing.T) {
	const format = `$remote_addr $request $status $request_time`
	runCompiledCases(t, []compiledCase{
		{name: "three words", format: format, line: `10.0.0.1 GET /a?b=1 HTTP/1.1 200 0.003`,
			want: fv{"host": "10.0.0.1", "method": "GET", "target": "/a?b=1", "protocol": "HTTP/1.1", "status": "200", "duration_us": "3000"}},
		{name: "dash", format: format, line: `10.0.0.2 - 400 0.000`,
			want: fv{"request": "null", "status": "400"}},
		{name: "at the end", format: `$remote_addr $status $request`, line: `10.0.0.3 200 GET /b c HTTP/1.0`,
			want: fv{"request": "GET /b c HTTP/1.0", "status": "200"}},
		// A target with a space reads as three words too, so the status fails
		// to read, as with Apache's unquoted %r.
		{name: "a space in the target", format: format, line: `10.0.0.4 GET /a b HTTP/1.1 200 0.003`, wantErr: "status"},
	})
}
