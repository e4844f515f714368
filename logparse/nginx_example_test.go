package logparse_test

import (
	"fmt"

	"github.com/logmr/logmr/logparse"
)

// A log_format directive pasted from nginx.conf, escape=json and all:
// its variables fill the fields Apache's directives do.
func ExampleCompileNginx() {
	f, err := logparse.CompileNginx(`log_format api escape=json
		'$remote_addr [$time_local] "$request" $status $body_bytes_sent '
		'rt=$request_time urt=$upstream_response_time ua="$http_user_agent"';`)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := logparse.NewParser(f)
	var rec logparse.Record
	line := `192.0.2.1 [21/Nov/2026:10:00:00 +0000] "GET /search?q=\"x\" HTTP/1.1" 200 68 rt=0.052 urt=0.011, 0.040 ua=""`
	if err := p.Parse([]byte(line), &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(rec.Host), string(rec.Target), rec.Status, rec.Bytes, rec.Duration, rec.UserAgent == nil)
	for _, fd := range f.Fields()[len(f.Fields())-3:] {
		v, _ := rec.AppendValue(nil, fd)
		fmt.Printf("%s (%s): %q\n", fd.Name, fd.Directive, v)
	}
	// Output:
	// 192.0.2.1 /search?q="x" 200 68 52000 true
	// duration_us ($request_time): "52000"
	// upstream_response_time ($upstream_response_time): "0.011, 0.040"
	// user_agent ($http_user_agent): ""
}
