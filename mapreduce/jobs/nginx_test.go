package jobs

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// nginxFormat compiles the pasted log_format directive in a testdata file.
func nginxFormat(t *testing.T, conf string) *logparse.Format {
	t.Helper()
	text, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := logparse.LookupFormat(string(text))
	if err != nil {
		t.Fatalf("LookupFormat(%s): %v", conf, err)
	}
	return f
}

// The nginx logs under testdata/nginx, written with custom log_format
// directives (upstream lists unquoted, escape=json), give the answers
// their generator computed: every line parses, hosts (IPv4 before IPv6)
// and counts match.
func TestNginxCustomFormats(t *testing.T) {
	const dir = "../../testdata/nginx/"
	tests := []struct {
		conf   string
		inputs []string
		hosts  []string
		vhosts string // "vhost requests bytes" rows
		status string
		agents string
	}{
		{conf: "main_ext.conf", inputs: []string{"access.log", "access.log.1.gz"},
			hosts:  []string{"10.20.30.40", "192.0.2.44", "198.51.100.23", "203.0.113.7", "203.0.113.99", "2001:db8::5"},
			vhosts: "api.example.com 29 1082609; shop.example.com 29 1334102; www.example.org 42 1294598; ",
			status: "200 41; 304 19; 404 14; 499 9; 502 17; ",
			agents: `- 24; Go-http-client/1.1 22; curl/8.4.0 21; Bot "quoted" \ agent 19; Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0 14; `},
		{conf: "kv_json.conf", inputs: []string{"kv_json.log"},
			hosts:  []string{"10.20.30.40", "192.0.2.44", "198.51.100.23", "203.0.113.7", "203.0.113.99", "2001:db8::5"},
			vhosts: "api.example.com 16 558934; shop.example.com 12 467242; www.example.org 22 785765; ",
			status: "200 21; 304 4; 404 13; 499 6; 502 6; ",
			agents: `- 15; Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0 11; Bot "quoted" \ agent 10; Go-http-client/1.1 8; curl/8.4.0 6; `},
	}
	for _, tc := range tests {
		t.Run(tc.conf, func(t *testing.T) {
			paths := make([]string, len(tc.inputs))
			for i, in := range tc.inputs {
				paths[i] = dir + in
			}
			opts := logscan.ScanOptions{Format: nginxFormat(t, dir+tc.conf), Workers: 2}
			res, err := Hosts(context.Background(), paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Hosts, tc.hosts) || res.Stats.Malformed != 0 {
				t.Errorf("Hosts = %q, %d malformed; want %q, 0", res.Hosts, res.Stats.Malformed, tc.hosts)
			}
			for _, c := range []struct {
				by    CountField
				sort  CountSort
				bytes bool
				want  string
			}{{ByVHost, SortKey, true, tc.vhosts}, {ByStatus, SortKey, false, tc.status}, {ByUserAgent, SortAuto, false, tc.agents}} {
				cr, err := Count(context.Background(), paths, CountOptions{By: []CountField{c.by}, Sort: c.sort}, opts)
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				for _, r := range cr.Rows() {
					key := r.Key[0]
					if r.Absent[0] {
						key = "-"
					}
					fmt.Fprintf(&b, "%s %d", key, r.Requests)
					if c.bytes {
						fmt.Fprintf(&b, " %d", r.Bytes)
					}
					b.WriteString("; ")
				}
				if got := b.String(); got != c.want {
					t.Errorf("Count --by %s =\n%s\nwant\n%s", c.by, got, c.want)
				}
			}
		})
	}
}

// A filter's text is searched for in raw lines before they are parsed
// (logscan's prefilter): a value that JSON escapes ("caf\u00e9",
// "\/login") must still be found.
func TestNginxJSONEscapesFiltered(t *testing.T) {
	const format = `log_format j escape=json '{"ip":"$remote_addr","r":"$request","s":$status,"ua":"$http_user_agent"}';`
	var b strings.Builder
	want := 0
	for i := range 500 {
		ua, path := "curl/8.4.0", "/index.html"
		if i%7 == 3 {
			ua, path, want = `caf\u00e9 bot`, `\/login`, want+1
		}
		fmt.Fprintf(&b, `{"ip":"192.0.2.%d","r":"GET %s HTTP/1.1","s":200,"ua":"%s"}`+"\n", i%250, path, ua)
	}
	path := t.TempDir() + "/access.json.log"
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := logparse.LookupFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	for _, flt := range []filter.Filter{{UserAgentRegexps: []string{"café"}}, {Paths: []string{"/login"}}} {
		opts := logscan.ScanOptions{Format: f, Filter: flt}
		res, err := Count(context.Background(), []string{path}, CountOptions{By: []CountField{ByStatus}}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if rows := res.Rows(); len(rows) != 1 || rows[0].Requests != int64(want) {
			t.Errorf("Count(%+v) = %v, want %d requests", flt, rows, want)
		}
	}
}
