package jobs

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// sslRequestLog is the ssl_request_log of Debian's and RHEL's ssl.conf, and
// its known answers, worked out by hand from the file: 18 lines, line 16
// cut off inside its request, line 10 a "-" request.
const (
	sslRequestLog       = "../../testdata/formats/apache_ssl_request_log"
	sslRequestLogFormat = `%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`
)

func sslRequestLogOptions(t *testing.T) logscan.ScanOptions {
	t.Helper()
	f, err := logparse.Compile(sslRequestLogFormat)
	if err != nil {
		t.Fatal(err)
	}
	return logscan.ScanOptions{Format: f, CheckAllLines: true}
}

func TestHostsSSLRequestLog(t *testing.T) {
	opts := sslRequestLogOptions(t)
	res, err := Hosts(context.Background(), []string{sslRequestLog}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"192.0.2.200", "198.51.100.23", "203.0.113.9", "203.0.113.77", "2001:db8:85a3::8a2e:370:7334"}
	if !slices.Equal(res.Hosts, want) {
		t.Errorf("Hosts(ssl_request_log) = %q, want %q", res.Hosts, want)
	}
	if res.Stats.Lines != 18 || res.Stats.Malformed != 1 || len(res.Stats.Examples) != 1 || res.Stats.Examples[0].Line != 16 {
		t.Errorf("Hosts(ssl_request_log).Stats = %d lines, %d malformed, examples %v; want 18, 1 at line 16",
			res.Stats.Lines, res.Stats.Malformed, res.Stats.Examples)
	}

	opts.Filter = robots.Filter
	res, err = Hosts(context.Background(), []string{sslRequestLog}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"192.0.2.200", "203.0.113.9", "2001:db8:85a3::8a2e:370:7334"}
	if !slices.Equal(res.Hosts, want) {
		t.Errorf("Hosts(ssl_request_log, /robots.txt) = %q, want %q", res.Hosts, want)
	}
}

func TestCountSSLRequestLog(t *testing.T) {
	tests := []struct {
		by   CountField
		want []string // key requests bytes, in the default order
	}{
		{ByHost, []string{"198.51.100.23 6 21045", "192.0.2.200 3 9094", "203.0.113.9 3 23183",
			"2001:db8:85a3::8a2e:370:7334 3 13277", "203.0.113.77 2 15714"}},
		{ByMethod, []string{"GET 13 82001", "- 1 0", "HEAD 1 0", "OPTIONS 1 0", "POST 1 312"}},
	}
	for _, tc := range tests {
		res, err := Count(context.Background(), []string{sslRequestLog}, CountOptions{By: []CountField{tc.by}}, sslRequestLogOptions(t))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Rows() {
			key := r.Key[0]
			if r.Absent[0] {
				key = "-"
			}
			got = append(got, fmt.Sprintf("%s %d %d", key, r.Requests, r.Bytes))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Count(ssl_request_log, by %s) = %q, want %q", tc.by, got, tc.want)
		}
	}
}
