package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/logmr/logmr/logparse"
)

// stockNginxConf is nginx.conf as nginx's packages ship it, and the
// main_ext format of nginx Amplify's documentation: two spaces around the
// format's name.
const stockNginxConf = `user  nginx;
http {
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    log_format  main_ext  '$remote_addr - $remote_user [$time_local] "$request" '
                          '$status $body_bytes_sent "$http_referer" '
                          '"$http_user_agent" "$http_x_forwarded_for" '
                          '"$host" sn="$server_name" '
                          'rt=$request_time '
                          'ua="$upstream_addr" us="$upstream_status" '
                          'ut="$upstream_response_time" ul="$upstream_response_length" '
                          'cs=$upstream_cache_status' ;

    access_log  /var/log/nginx/access.log  main;
}
`

// The sed commands that the --format help, the README and formats.md
// give for pasting a log_format find it in a stock nginx.conf, and what
// they print compiles.
func TestFormatHelpSedFindsStockLogFormat(t *testing.T) {
	if _, err := exec.LookPath("sed"); err != nil {
		t.Skip("no sed")
	}
	conf := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(conf, []byte(stockNginxConf), 0o644); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	for _, f := range queryFlags(outText) {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == "format" {
			texts["--format help"] = sf.Usage
		}
	}
	for _, doc := range []string{"../../README.md", "../../docs/formats.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		texts[doc] = string(b)
	}
	sedExpr := regexp.MustCompile(`sed -n '(/log_format[^']*)'`)
	for where, text := range texts {
		found := sedExpr.FindAllStringSubmatch(text, -1)
		if len(found) == 0 {
			t.Errorf("%s: no sed -n '/log_format.../,/;/p' command", where)
		}
		for _, m := range found {
			out, err := exec.Command("sed", "-n", m[1], conf).Output()
			if err != nil || !strings.Contains(string(out), "log_format") {
				t.Errorf("%s: sed -n '%s' nginx.conf printed %q (%v), want the log_format directive", where, m[1], out, err)
				continue
			}
			if _, err := logparse.LookupFormat(string(out)); err != nil {
				t.Errorf("%s: sed -n '%s': LookupFormat: %v", where, m[1], err)
			}
		}
	}
}
